import { LibraryRepo } from '../functions/adapters/libraryRepo.js';
import { table } from '../tooling/render.js';
import { argAt, type Command, jsonHelp, jsonOption, printJson, UsageError } from './command.js';

export const libraryCommand: Command = {
  name: 'library',
  summary: "a user's library, across every store",
  args: ['<userId>'],
  synopsis: '<userId> [--json]',
  optionHelp: ['  <userId>                   the user; one that starts with - goes after --', jsonHelp],
  options: { ...jsonOption },
  check(_values, args) {
    if (args[0] === '') throw new UsageError('library needs a non-empty <userId>');
  },
  async run({ target, values, args, out }) {
    const items = await new LibraryRepo(target.clients.ddb, target.names.tables.library).listAll(argAt(args, 0));
    if (values.json === true) printJson(out, items);
    else
      out(
        table(items, [
          'storeId',
          'serviceTrackId',
          'artist',
          'album',
          'trackNumber',
          'title',
          'bytes',
          'key',
          'addedAt',
        ]),
      );
    return 0;
  },
};

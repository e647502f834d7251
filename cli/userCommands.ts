import { setTimeout as sleep } from 'node:timers/promises';
import { ErasuresRepo } from '../functions/adapters/erasuresRepo.js';
import { QueueSender } from '../functions/adapters/queues.js';
import type { ErasureAnswer } from '../functions/core/answers.js';
import type { EraseMessage } from '../functions/core/queueMessages.js';
import { userIdSchema } from '../functions/core/schemas.js';
import { erasureView } from '../functions/service/erasure/erasureView.js';
import { startErasure } from '../functions/service/erasure/startErasure.js';
import {
  argAt,
  CliError,
  type Command,
  InvalidInputError,
  jsonHelp,
  jsonOption,
  printJson,
  UsageError,
} from './command.js';
import { actor } from './storeLifecycleCommands.js';
import type { Target } from './target.js';

const userHelp = '  <userId>                   the user; one that starts with - goes after --';

const erasures = (target: Target) => new ErasuresRepo(target.clients.ddb, target.names.tables.library);

/** One line of an erasure's progress. */
function progress(e: ErasureAnswer): string {
  const r = e.removed;
  const removed = `${r.objects} objects, ${r.versions} versions, ${r.libraryItems} library items, ${r.licenses} licenses, ${r.downloadItems} session items`;
  return e.state === 'erased'
    ? `erased at ${e.finishedAt}: ${removed}; ${e.stores} store(s) told; refused until ${e.refusedUntil}`
    : `${e.erasureId} erasing, step ${e.phase}: ${removed} so far`;
}

const erase: Command = {
  name: 'user erase',
  summary: 'erases everything of a user: files, library, licenses, sessions',
  description: [
    "Starts the erasure of a user's files (every version), library rows, licenses and download",
    'sessions, as DELETE /v1/me does for the listener; asking again shows the same erasure (and',
    'resumes it if it has not moved for 20 minutes).',
    'Tracks in flight end E_ABORT, each store that held a license gets one UserErased event,',
    'and licenses and sessions for the user are refused afterwards for the tombstone days.',
    'It first waits out the longest function timeout, then deletes in steps. --confirm must',
    'repeat the user id; --wait follows it to the end.',
  ].join('\n'),
  args: ['<userId>'],
  synopsis: '<userId> --confirm <userId> [--wait] [--json]',
  optionHelp: [
    userHelp,
    '  --confirm <userId>         the same user id again',
    '  --wait                     print each step until the user is erased',
    jsonHelp,
  ],
  options: { confirm: { type: 'string' }, wait: { type: 'boolean', default: false }, ...jsonOption },
  check(values, args) {
    if (values.confirm !== args[0]) throw new UsageError('user erase needs --confirm <userId>, repeating the user id');
    const id = userIdSchema.safeParse(args[0]);
    if (!id.success) throw new InvalidInputError(id.error.issues.map((i) => i.message).join('; '));
  },
  async run({ target, values, args, out }) {
    const userId = argAt(args, 0);
    const deps = {
      erasures: erasures(target),
      erasuresQueue: new QueueSender<EraseMessage>(target.clients.sqs, target.names.queueUrls.erasures),
    };
    const { record, started } = await startErasure(deps, userId, 'operator', actor());
    let view = erasureView(record);
    if (!values.wait) {
      if (values.json === true) printJson(out, view);
      else out(`${started ? 'started' : 'already asked for'}: ${progress(view)}`);
      return 0;
    }
    out(`${started ? 'started' : 'already asked for'}: ${progress(view)}`);
    let last = progress(view);
    while (view.state !== 'erased') {
      await sleep(1000);
      const now = await deps.erasures.get(userId);
      if (!now || now.erasureId !== view.erasureId) throw new CliError(`the erasure of ${userId} is gone`);
      view = erasureView(now);
      const line = progress(view);
      if (line !== last) out(line);
      last = line;
    }
    if (values.json === true) printJson(out, view);
    return 0;
  },
};

const erasure: Command = {
  name: 'user erasure',
  summary: "where a user's erasure stands, and what it removed",
  args: ['<userId>'],
  synopsis: '<userId> [--json]',
  optionHelp: [userHelp, jsonHelp],
  options: { ...jsonOption },
  async run({ target, values, args, out }) {
    const userId = argAt(args, 0);
    const record = await erasures(target).get(userId);
    if (!record) throw new CliError(`no erasure of ${userId} in ${target.label}`);
    const view = erasureView(record);
    if (values.json === true) printJson(out, view);
    else out(progress(view));
    return 0;
  },
};

export const userCommands: readonly Command[] = [erase, erasure];

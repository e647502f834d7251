import { SessionsRepo } from '../functions/adapters/sessionsRepo.js';
import { TracksRepo } from '../functions/adapters/tracksRepo.js';
import { formatHResult, hresult } from '../functions/core/hresult.js';
import { allStates, countStates } from '../functions/core/trackState.js';
import { table } from '../tooling/render.js';
import { argAt, CliError, type Command, jsonHelp, jsonOption, printJson, UsageError } from './command.js';

export const sessionCommand: Command = {
  name: 'session',
  summary: 'a session: its store, user, counts and track outcomes',
  description:
    "Shows a download session: its store, user, creation and cancellation, the count of tracks in\neach state, and every track's state, hrResult, object key and failure reason.",
  args: ['<cookie>'],
  synopsis: '<cookie> [--json]',
  optionHelp: ["  <cookie>                   the session's cookie; one that starts with - goes after --", jsonHelp],
  options: { ...jsonOption },
  check(_values, args) {
    if (args[0] === '') throw new UsageError('session needs a non-empty <cookie>');
  },
  async run({ target, values, args, out }) {
    const cookie = argAt(args, 0);
    // Retention does not matter to a read, so any value will do.
    const downloadsTable = target.names.tables.downloads;
    const session = await new SessionsRepo(target.clients.ddb, downloadsTable, 0).get(cookie);
    if (!session) throw new CliError(`no session ${cookie} in ${target.label}`);
    const tracks = (await new TracksRepo(target.clients.ddb, downloadsTable, 0).list(cookie)).sort(
      (a, b) => a.serviceTrackId - b.serviceTrackId,
    );
    const counts = countStates(tracks.map((t) => t.state));
    const rows = tracks.map((t) => ({
      serviceTrackId: t.serviceTrackId,
      state: t.state,
      hrResult: t.hrResult === undefined ? undefined : formatHResult(hresult(t.hrResult)),
      key: t.item?.key,
      reason: t.reason,
      notifiedAt: t.notifiedAt,
      updatedAt: t.updatedAt,
    }));
    if (values.json === true) {
      printJson(out, {
        cookie: session.cookie,
        storeId: session.storeId,
        userId: session.userId,
        transactionType: session.transactionType,
        createdAt: session.createdAt,
        cancelledAt: session.cancelledAt,
        counts,
        tracks: rows,
      });
      return 0;
    }
    out(
      [
        `session    ${session.cookie}`,
        `store      ${session.storeId}`,
        `user       ${session.userId}`,
        `created    ${session.createdAt}`,
        `cancelled  ${session.cancelledAt ?? '-'}`,
        `tracks     ${tracks.length}: ${allStates.map((s) => `${s} ${counts[s]}`).join(', ')}`,
        '',
        table(rows, ['serviceTrackId', 'state', 'hrResult', 'key', 'reason']),
      ].join('\n'),
    );
    return 0;
  },
};

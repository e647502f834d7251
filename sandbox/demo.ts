import { parseArgs } from 'node:util';
import {
  createStoreClient,
  isSettled,
  type LibraryItem,
  SessionWaitTimeout,
} from '../packages/store-client/src/index.js';
import { progressBar, table, tree } from '../tooling/render.js';
import { defaultDataDir, readSandboxState } from '../tooling/sandboxState.js';
import { startDemoSession } from './demoSession.js';

const HELP = `Usage: npm run demo -- [options]

Drives one whole download session: predelivers licenses, opens a session, sends the tracks
in one batch DownloadTrack call, shows progress until every track is terminal, then prints
the user's Music folder and library.

Options:
  --tracks <n>       tracks to send (default 10)
  --user <id>        user id (default demo-user-<time>)
  --url <url>        API URL (default: the running sandbox's)
  --key <key>        store API key (default: the sandbox demo store's)
  --origin <url>     where the demo files are served (default: the sandbox demo store's origin)
  --data-dir <path>  the sandbox's data folder (default ${defaultDataDir})
  -h, --help         this text`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tracks: { type: 'string', default: '10' },
      user: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      origin: { type: 'string' },
      'data-dir': { type: 'string', default: defaultDataDir },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const state = readSandboxState(values['data-dir']);
  const url = values.url ?? state?.apiUrl;
  const key = values.key ?? state?.demoStore?.apiKey;
  const origin = values.origin ?? state?.demoStore?.originUrl;
  const count = Number(values.tracks);
  if (!url || !key || !origin) {
    console.error('demo: no running sandbox found. Start one with `npm start`, or pass --url, --key and --origin.');
    return 2;
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    console.error('demo: --tracks must be 1..1000');
    return 2;
  }
  const user = values.user ?? `demo-user-${Date.now()}`;
  const client = createStoreClient({ baseUrl: url, apiKey: key });
  console.log(`Predelivering ${count} licenses for ${user}, opening a session, sending ${count} tracks…`);
  let cookie: string;
  try {
    cookie = await startDemoSession(client, origin, user, count);
  } catch (err) {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  console.log(`Session ${cookie}`);
  const started = Date.now();
  let shown = '';
  const final = await client
    .waitForSession(cookie, {
      timeoutMs: 10 * 60_000,
      onProgress: (s) => {
        const done = s.tracks.filter(isSettled).length;
        const line = `${progressBar(done, s.tracks.length)}  ${JSON.stringify(s.session.counts)}`;
        if (line !== shown) {
          shown = line;
          process.stdout.write(`\r${line}   `);
        }
      },
    })
    .catch((err: unknown) => {
      if (err instanceof SessionWaitTimeout) return err.outcome;
      throw err;
    });
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(final.session.counts)}\n`);

  const items: LibraryItem[] = [];
  for await (const item of client.libraryItems(user, { pageSize: 100 })) items.push(item);
  console.log(
    tree(
      items.map((i) => i.key),
      `users/${user}/Music/`,
    ),
  );
  console.log(`\n${user}'s library (${items.length} items):`);
  console.log(table(items, ['serviceTrackId', 'artist', 'album', 'trackNumber', 'title', 'durationSeconds', 'bytes']));
  return final.tracks.every((t) => t.state === 'completed') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('demo:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

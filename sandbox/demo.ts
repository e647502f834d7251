import { parseArgs } from 'node:util';
import { isSettled } from '../functions/core/completionOwed.js';
import { StoreClient } from '../infra/local/storeClient.js';
import { demoCatalog } from './demoCatalog.js';
import { progressBar, table, tree } from './render.js';
import { defaultDataDir, readSandboxState } from './sandboxState.js';

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
  const client = new StoreClient(url, key);
  const catalog = demoCatalog();
  const tracks = Array.from({ length: count }, (_, i) => {
    const t = catalog[i % catalog.length]!;
    const serviceTrackId = i < catalog.length ? t.serviceTrackId : 10_000 + i;
    return { trackUrl: `${origin}/tracks/${t.file}`, serviceTrackId, downloadParams: `demo-order=${i + 1}`, hrDownload: 0 };
  });

  console.log(`Predelivering ${count} licenses for ${user}…`);
  for (const t of tracks) {
    const res = await client.putLicense(user, t.serviceTrackId, { licenseId: `demo-${t.serviceTrackId}` });
    if (res.status >= 300) return fail('license', res);
  }
  const session = await client.openSession(user, [{ id: 'demo-cart', type: 'list', contentIds: tracks.map((t) => t.serviceTrackId) }]);
  if (session.status !== 201) return fail('session', session);
  const cookie = session.body.cookie;
  console.log(`Session ${cookie}: sending ${count} tracks…`);
  for (let i = 0; i < tracks.length; i += 100) {
    const res = await client.downloadTracks(cookie, tracks.slice(i, i + 100));
    if (res.status !== 200) return fail('DownloadTrack', res);
  }
  const started = Date.now();
  let shown = '';
  const final = await client.waitForSession(cookie, 10 * 60_000, (s) => {
    const done = s.tracks.filter(isSettled).length;
    const line = `${progressBar(done, s.tracks.length)}  ${JSON.stringify(s.counts)}`;
    if (line !== shown) process.stdout.write(`\r${(shown = line)}   `);
  });
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(final.counts)}\n`);

  const items: Record<string, unknown>[] = [];
  let next = '';
  do {
    const page = await client.library(user, `?limit=100${next ? `&next=${next}` : ''}`);
    items.push(...page.body.items);
    next = page.body.next ?? '';
  } while (next);
  console.log(tree(items.map((i) => String(i.key)), `users/${user}/Music/`));
  console.log(`\n${user}'s library (${items.length} items):`);
  console.log(table(items, ['serviceTrackId', 'artist', 'album', 'trackNumber', 'title', 'durationSeconds', 'bytes']));
  return final.tracks.every((t) => t.state === 'completed') ? 0 : 1;
}

function fail(what: string, res: { status: number; body: unknown }): number {
  console.error(`demo: ${what} failed with HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('demo:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

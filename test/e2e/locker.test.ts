import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { repoRoot } from '../../infra/cdk/TrackdropFunction.js';
import { createStoreClient } from '../../packages/store-client/src/index.js';
import { demoCatalog } from '../../sandbox/demoCatalog.js';
import { startDemoSession } from '../../sandbox/demoSession.js';
import { type DemoStore, openDemoOrigin, registerDemoStore } from '../../sandbox/demoStore.js';
import { type LockerServer, startLockerServer } from '../../sandbox/lockerServer.js';
import { type SandboxRuntime, startAsDeployedRuntime, startSourceRuntime } from '../../sandbox/startRuntime.js';
import { type HeadlessChromium, launchChromium, noChromium } from '../support/headlessChromium.js';

const skip = noChromium;
const outputDir = join(repoRoot, 'test-output');
const user = 'locker-listener';

let chromium: HeadlessChromium | undefined;
let browser: BrowserContext;
const scratch: string[] = [];

before(async () => {
  if (skip) return;
  chromium = await launchChromium();
  browser = chromium.browser;
});

after(async () => {
  await chromium?.close();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** Polls `check` until it holds; fails with `what` when the time is up. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// As `npm start` runs each mode: the sources with each function in a thread, and the synthesized
// stack with its bundles in containers, the template's CORS and JWT authorizer, and IAM.
for (const [mode, start] of [
  ['source', startSourceRuntime],
  ['as deployed', startAsDeployedRuntime],
] as const) {
  describe(`the locker page, ${mode}`, () => {
    let runtime: SandboxRuntime;
    let locker: LockerServer;
    let demo: DemoStore;
    const log: string[] = [];

    before(async () => {
      if (skip) return;
      const dataDir = mkdtempSync(join(tmpdir(), 'trackdrop-locker-'));
      scratch.push(dataDir);
      locker = await startLockerServer();
      runtime = await start({
        dataDir,
        dynamo: 'dynalite',
        port: 0,
        issuerPort: 0,
        logLevel: 'ERROR',
        leaseSeconds: 30,
        // The erasure at the end of the test waits a second, not the deployed 330 s.
        erasureSettleSeconds: 1,
        log: (line) => log.push(line),
        lockerOrigins: [locker.url],
      });
      demo = await registerDemoStore(runtime.stores, await openDemoOrigin(0), undefined, () => undefined);
      if (!runtime.issuerUrl) throw new Error('the runtime has no local issuer');
      locker.configure({ apiUrl: runtime.apiUrl, issuerUrl: runtime.issuerUrl, users: [user] });
    });

    after(async () => {
      await locker?.close();
      await demo?.server.close();
      await runtime?.stop();
    });

    test('sign in, watch a download finish, see the folder and library, play a track, erase it all', {
      skip,
      timeout: 240_000,
    }, async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });

      await page.goto(locker.url);
      await page.getByLabel('User').fill(user);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Signed in as ${user}`).waitFor();

      // A purchase while the listener watches: its progress bar runs to 100 %.
      const catalog = demoCatalog();
      await startDemoSession(
        createStoreClient({ baseUrl: runtime.apiUrl, apiKey: demo.credentials.apiKey }),
        demo.server.originUrl,
        user,
        catalog.length,
      );
      const session = page.locator('#downloads li').first();
      await session.waitFor().catch((err: unknown) => {
        throw new Error(`${String(err)}\n${problems.join('\n')}`);
      });
      // A session seen between its opening and its tracks' arrival shows 0/0: wait for all of them.
      await eventually(
        async () =>
          (await session.getAttribute('data-percent')) === '100' &&
          ((await session.textContent()) ?? '').includes(`${catalog.length}/${catalog.length}`),
        120_000,
        'the session reaches 100 %',
      );
      assert.match((await session.textContent()) ?? '', new RegExp(`${catalog.length}/${catalog.length} · 100 %`));

      // Every title of the purchase, in the Music folder tree and in the library table.
      const allRows = async () => (await page.locator('#library tbody tr').count()) === catalog.length;
      await eventually(allRows, 30_000, 'every track in the table');
      const treeTitles = await Promise.all(
        (await page.locator('#tree li.file').all()).map((li) => li.getAttribute('data-title')),
      );
      const tableTitles = await page.locator('#library tbody tr td:first-child').allTextContents();
      for (const t of catalog) {
        assert.ok(treeTitles.includes(t.tags.title ?? null), `tree shows ${t.tags.title}`);
        assert.ok(tableTitles.includes(t.tags.title!), `table shows ${t.tags.title}`);
      }

      // Sorting by title puts the table in title order; again, in reverse.
      await page.getByRole('button', { name: 'Title', exact: true }).click();
      const sorted = await page.locator('#library tbody tr td:first-child').allTextContents();
      assert.deepEqual(
        sorted,
        [...sorted].sort((a, b) => a.localeCompare(b)),
      );
      assert.equal(await page.locator('th:has(button[data-sort="title"])').getAttribute('aria-sort'), 'ascending');
      await page.locator('button[data-sort="title"]').click();
      const reversed = await page.locator('#library tbody tr td:first-child').allTextContents();
      assert.deepEqual(reversed, [...sorted].reverse());

      // Covers: the demo's MP3 albums carry front covers in their tags, which the worker files as
      // Folder.jpg; the page shows one for every album whose items have a cover key.
      const albumsWithCovers = ['At Least Once', 'Localhost Nights'];
      for (const album of albumsWithCovers) {
        const img = page.getByRole('img', { name: `Cover of ${album}`, exact: true });
        await eventually(
          async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) > 0,
          30_000,
          `the cover of ${album} loads`,
        );
      }

      // Play: the audio element plays the file from its presigned URL, and time moves on.
      const wav = catalog.find((t) => t.file.endsWith('.wav') && (t.tags.trackNumber ?? 0) > 1) ?? catalog[0]!;
      await page
        .getByRole('row', { name: new RegExp(wav.tags.title!) })
        .getByRole('button', { name: `Play ${wav.tags.title}` })
        .click();
      await eventually(
        async () => (await page.locator('#audio').evaluate((a) => a.currentTime)) > 0.3,
        30_000,
        'audio time advances',
      );
      const src = await page.locator('#audio').getAttribute('src');
      assert.match(src ?? '', /^http:\/\/127\.0\.0\.1:\d+\/.*X-Amz-Signature=/, 'played by presigned URL');

      mkdirSync(outputDir, { recursive: true });
      await page.screenshot({ path: join(outputDir, `locker-${mode.replace(' ', '-')}.png`), fullPage: true });

      // Erase my library: the page asks for the words, shows the steps, and ends with nothing left.
      await page.getByRole('button', { name: 'Erase my library…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Erase everything?' });
      await dialog.getByLabel('Confirmation').fill('erase it');
      await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
      assert.ok(await dialog.isVisible(), 'a wrong confirmation erases nothing');
      await dialog.getByLabel('Confirmation').fill('erase my library');
      await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Erased on' }).waitFor({ timeout: 120_000 });
      assert.equal(await page.locator('#library tbody tr').count(), 0);
      await page.getByText('Your Music folder is empty.').waitFor();
      await eventually(
        async () =>
          demo.server.events.some((e) => e.body.event === 'UserErased' && e.body.userId === user && e.verified),
        30_000,
        'the demo store is told UserErased',
      );
      assert.deepEqual(problems, [], 'no script errors on the page');
      assert.deepEqual(
        log.filter((l) => /IAM DENIED/.test(l)),
        [],
        'no request refused by IAM',
      );
    });
  });
}

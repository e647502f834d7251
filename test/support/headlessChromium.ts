import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why a browser test is skipped here (node:test's `skip` value), or false when Chromium is installed. */
export const noChromium: string | false = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`;

export interface HeadlessChromium {
  readonly browser: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, in a fresh profile that it removes on close. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'trackdrop-chromium-'));
  // A fresh profile (playwright passes it as --user-data-dir); the flags keep Chromium to
  // loopback and this run: no updates, sync, QUIC or first-run work.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

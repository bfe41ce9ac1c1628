import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * The web console's browser tests drive Debian's `chromium` (apt) through playwright-core: its own
 * browser download cannot reach the network here. GATEHOUSE_CHROMIUM names another binary.
 */
// addInitScript() code runs in the browser (the root tsconfig has no DOM lib).
declare const document: any, window: any;

const ROOT = path.join(__dirname, '..', '..');
export const CHROMIUM = process.env.GATEHOUSE_CHROMIUM || '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe`, or — without Chromium — a skip that says why; under CI (`CI` set) a failure
 * instead, so CI never passes by skipping the browser.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumAvailable()) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(
          `${CHROMIUM} is missing: CI must run the browser tests (.ci/run installs the chromium package)`,
        );
      });
    });
  } else {
    process.stderr.write(
      `\n[skipped] ${name}: no Chromium at ${CHROMIUM} (apt-get install chromium, or set GATEHOUSE_CHROMIUM)\n`,
    );
    describe.skip(name, body);
  }
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root (CI containers) Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * Builds the console from the current sources into `outDir` (a production build, whatever
 * NODE_ENV the test run has): the server process then serves exactly what is being tested.
 */
export function buildConsole(outDir: string): void {
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      'apps/console/vite.config.mjs',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) {
    throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** CSP violations, uncaught errors and console errors the page had. */
  problems: string[];
}

/**
 * A fresh context (its own sessionStorage, cookies and cache) and page that records every CSP
 * violation, uncaught exception and console error, for the test to assert there were none.
 */
export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  const problems: string[] = [];
  await context.exposeFunction('__reportCspViolation', (text: string) => problems.push(`CSP: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: any) => {
      const report = (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    // A refused API call is logged by the browser as a failed resource load: expected in tests
    // that provoke 4xx answers; anything else the console logs as an error is a problem.
    if (
      message.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
    ) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { page, context, problems };
}

/** A small PNG (a diagonal gradient in the given colour), built in memory. */
export function pngImage(size: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed) >>> 0);
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    for (let x = 0; x < size; x++) {
      const shade = 0.55 + (0.45 * (x + y)) / (2 * size);
      rgb.forEach((c, i) => (raw[row + 1 + x * 3 + i] = Math.round(c * shade)));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONSOLE_CONTENT_SECURITY_POLICY, defaultConsoleDir } from '@gatehouse/platform/http';
import { TestApp, startTestApp } from '../support/test-app';

/**
 * How the HTTP listener serves the web console (DESIGN.md §7), over a stand-in build: the
 * browser suite (console.e2e-spec.ts) drives the real one.
 */
describe('web console serving', () => {
  const ROOT = path.join(__dirname, '..', '..');
  let built: string;
  let empty: string;
  let t: TestApp;
  let unbuilt: TestApp;

  beforeAll(async () => {
    built = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-console-'));
    fs.mkdirSync(path.join(built, 'assets'));
    fs.writeFileSync(
      path.join(built, 'index.html'),
      '<!doctype html><title>Gatehouse</title><script type="module" src="/console/assets/index-AbC123.js"></script>',
    );
    fs.writeFileSync(path.join(built, 'assets', 'index-AbC123.js'), 'console.log(1);\n');
    fs.writeFileSync(path.join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-console-none-'));
    t = await startTestApp({ GATEHOUSE_CONSOLE_DIR: built });
    unbuilt = await startTestApp({ GATEHOUSE_CONSOLE_DIR: empty });
  });

  afterAll(async () => {
    await t?.close();
    await unbuilt?.close();
    fs.rmSync(built, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  });

  const expectConsoleHeaders = (headers: Record<string, string>): void => {
    expect(headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
  };

  it('has the policy the console needs: no inline script or style, no other origin', () => {
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });

  it.each(['/console', '/console/', '/console/accounts/acc_1/keys', '/console/request-log?channel=ftp'])(
    'answers %s with index.html, never cached',
    async (url) => {
      const res = await t.http.get(url).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expectConsoleHeaders(res.headers);
      expect(res.text).toContain('/console/assets/index-AbC123.js');
    },
  );

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await t.http.get('/console/assets/index-AbC123.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^(?:text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectConsoleHeaders(res.headers);
    expect(res.text).toBe('console.log(1);\n');
  });

  it('serves other built files, revalidated', async () => {
    const res = await t.http.get('/console/favicon.svg').expect(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expectConsoleHeaders(res.headers);
  });

  it('answers a missing asset 404 in plain text, not the page', async () => {
    const res = await t.http.get('/console/assets/index-gone.js').expect(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expectConsoleHeaders(res.headers);
  });

  it('never serves a file outside the console build', async () => {
    for (const url of ['/console/..%2f..%2fpackage.json', '/console/%2e%2e/%2e%2e/package.json']) {
      const res = await t.http.get(url);
      expect(res.text).not.toContain('"name": "gatehouse"');
    }
  });

  it('answers HEAD', async () => {
    const res = await t.http.head('/console').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('counts console requests under their own metrics label', async () => {
    await t.http.get('/console/').expect(200);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.text).toMatch(/gatehouse_http_requests_total\{route="console",status="200"\} \d+/);
  });

  it('says what to run when the console has not been built', async () => {
    for (const url of ['/console', '/console/accounts', '/console/assets/index-AbC123.js']) {
      const res = await unbuilt.http.get(url).expect(503);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.text).toContain('npm run build');
      expectConsoleHeaders(res.headers);
    }
    // The rest of the listener is unaffected.
    await unbuilt.http.get('/health').expect(200);
  });

  it('finds dist/console of the installation by default, from sources and compiled', () => {
    expect(defaultConsoleDir()).toBe(path.join(ROOT, 'dist', 'console'));
    expect(defaultConsoleDir(path.join(ROOT, 'dist', 'apps', 'server', 'libs', 'platform', 'src', 'http'))).toBe(
      path.join(ROOT, 'dist', 'console'),
    );
  });
});

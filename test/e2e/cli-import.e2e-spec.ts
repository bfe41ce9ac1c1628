import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { SHARED_DATABASE_PEPPER } from '../support/test-app';
import { CliRun, gatehouse, stopCliProcesses } from '../support/cli';

/**
 * `gatehouse import` (issue 13) with the real binary against a real server process: the sample
 * legacy file from docs/examples, as JSON and as NDJSON, its $2y$ passwords, a re-run that
 * changes nothing, and a bad file that writes nothing and names the file's lines.
 */
const EXAMPLES = path.join(__dirname, '..', '..', 'docs', 'examples');
const onMysql = /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');

describe('gatehouse import', () => {
  let server: ServerProcess;
  let dir: string;
  let env: Record<string, string>;
  const rootToken = `root-${randomBytes(24).toString('hex')}`;
  // The examples' ids and usernames, made unique so runs over one MySQL database never meet.
  const tag = randomBytes(4).toString('hex');

  /** A copy of an example file with this run's ids and usernames. */
  function example(name: string, edit: (text: string) => string = (t) => t): string {
    const text = fs
      .readFileSync(path.join(EXAMPLES, name), 'utf8')
      .replace(/"(crm-[\w-]+)"/g, `"$1-${tag}"`)
      .replace(/"username": ?"([\w.]+)"/g, (m, u: string) => m.replace(u, `${u}.${tag}`));
    const file = path.join(dir, name);
    fs.writeFileSync(file, edit(text));
    return file;
  }

  const run = (args: string[], stdin?: string): Promise<CliRun> => gatehouse(args, env, stdin);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-import-'));
    server = await startServerProcess({
      GATEHOUSE_DATA_DIR: path.join(dir, 'data'),
      GATEHOUSE_ROOT_TOKEN: rootToken,
      GATEHOUSE_LISTENERS: 'http',
      GATEHOUSE_BCRYPT_COST: '10', // the example's hashes cost 10
      ...(onMysql ? { DATABASE_URL: process.env.DATABASE_URL!, GATEHOUSE_PEPPER: SHARED_DATABASE_PEPPER } : {}),
    });
    env = { GATEHOUSE_URL: server.baseUrl, GATEHOUSE_TOKEN: rootToken };
  });
  afterAll(async () => {
    stopCliProcesses();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);

  it('imports the legacy example: the old passwords verify, a re-run of the NDJSON twin changes nothing', async () => {
    const first = await run(['import', example('legacy-import.json')]);
    expect(first).toMatchObject({ code: 0 });
    // Not a terminal: standard output is NDJSON, the generated secrets then the summary.
    const out = lines(first.stdout);
    const summary = out[out.length - 1];
    expect(summary).toMatchObject({
      type: 'summary',
      dryRun: false,
      accounts: { created: 3, updated: 0, unchanged: 0, refused: 0 },
      credentials: { created: 7, updated: 0, unchanged: 0, refused: 0 },
    });
    const secrets = out.filter((e) => e.type === 'secret');
    // The REST key is generated (its secret shown once); the postback credential brings its own
    // password, so only its signing secret comes back.
    expect(secrets.map((s) => [s.channel, typeof s.secret, typeof s.postbackSigningSecret]).sort()).toEqual([
      ['http', 'object', 'string'],
      ['rest', 'string', 'undefined'],
    ]);
    expect(first.stdout).not.toContain('a plain password from the old system');
    expect(first.stderr).toMatch(/checking: 3 of 3 lines/);

    const verify = (channel: string, username: string, ip: string, secret: string) =>
      run(['verify', '--channel', channel, '--username', `${username}.${tag}`, '--ip', ip, '--secret-stdin'], secret);
    expect(await verify('ftp', 'acme.ftp', '198.51.100.7', 'acme-ftp-2019!')).toMatchObject({ code: 0 });
    expect(await verify('webservice', 'acme.ws', '198.51.100.7', 'acme-soap-2019!')).toMatchObject({ code: 0 });
    // Its allowed CIDRs came along.
    expect(await verify('http', 'acme', '203.0.113.50', 'acme-http-2019!')).toMatchObject({ code: 0 });
    const outside = await verify('http', 'acme', '198.51.100.7', 'acme-http-2019!');
    expect(outside.code).toBe(1);
    expect(outside.stdout + outside.stderr).toMatch(/ip_not_allowed/);
    // A suspended account's credentials do not work.
    const suspended = await verify('ftp', 'beta.ftp', '198.51.100.7', 'beta-ftp-2021!');
    expect(suspended.code).toBe(1);
    // The plain password of the sub logs in on the HTTP channel.
    const sent = await fetch(`${server.baseUrl}/http/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: `acme.support.${tag}`,
        password: 'a plain password from the old system',
        to: '+4915112345678',
        text: 'hello from the import',
      }),
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toMatch(/^OK /);

    const again = await run(['import', example('legacy-import.ndjson')]);
    expect(again.code).toBe(0);
    expect(lines(again.stdout)).toEqual([
      {
        type: 'summary',
        dryRun: false,
        lines: 3,
        accounts: { created: 0, updated: 0, unchanged: 3, refused: 0 },
        credentials: { created: 0, updated: 0, unchanged: 7, refused: 0 },
      },
    ]);
  });

  it('a file with bad lines writes nothing: every refusal is named by the line of the file, exit 1', async () => {
    const file = example('legacy-import.json', (text) =>
      text
        .replace(new RegExp(tag, 'g'), `${tag}y`)
        .replace('"203.0.113.0/24"', '"203.0.113.0/33"')
        .replace(/"externalId": "crm-1002-\w+"/, '"externalId": "crm 1002"'),
    );
    const result: CliRun = await run(['import', file]);
    expect(result.code).toBe(1);
    // Each refusal names the line where its ACCOUNT object opens in the file: the line before
    // its "externalId" (0-based index of that line = 1-based number of the one before).
    const text = fs.readFileSync(file, 'utf8').split('\n');
    const opening = (needle: string) => text.findIndex((l) => l.includes(needle));
    expect(result.stderr).toContain(
      `line ${opening(`"crm-1001-${tag}y"`)} (crm-1001-${tag}y): validation_failed: credentials[1].allowedCidrs`,
    );
    expect(result.stderr).toContain(
      `line ${opening(`"crm-1001-support-${tag}y"`)} (crm-1001-support-${tag}y): unknown_parent`,
    );
    expect(result.stderr).toContain(`line ${opening('"crm 1002"')} (crm 1002): validation_failed: externalId`);
    expect(result.stderr).toMatch(/error: 3 of 3 accounts refused \(listed above\); nothing was written/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // The good sub line was not written either: the whole file waits for a clean run.
    expect(await written('http', `acme.support.${tag}y`)).toBe(false);
  });

  it('--dry-run reports what would happen and writes nothing; usage errors exit 2', async () => {
    const fresh = example('legacy-import.ndjson', (text) => text.replace(new RegExp(tag, 'g'), `${tag}x`));
    const dry = await run(['import', fresh, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(lines(dry.stdout)[0]).toMatchObject({ dryRun: true, accounts: { created: 3 }, credentials: { created: 7 } });
    expect(await written('http', `acme.support.${tag}x`)).toBe(false);
    expect(await written('http', `acme.support.${tag}`)).toBe(true);

    expect((await run(['import', path.join(dir, 'missing.ndjson')])).code).toBe(2);
    expect((await run(['import'])).code).toBe(2);
    const badJson = path.join(dir, 'bad.json');
    fs.writeFileSync(badJson, '{"accounts": [\n  {"externalId": "x",\n}\n');
    const parse = await run(['import', badJson]);
    expect(parse.code).toBe(2);
    expect(parse.stderr).toMatch(/not valid JSON \(line 3/);
  });

  /** Whether a credential with this username exists (verify tells unknown_credential from a wrong secret). */
  async function written(channel: string, username: string): Promise<boolean> {
    const res = await fetch(`${server.baseUrl}/admin/v1/verify`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${rootToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel, username, secret: 'not-the-password', ip: '198.51.100.99' }),
    });
    const body = (await res.json()) as { valid: boolean; reason?: string };
    return body.reason !== 'unknown_credential';
  }
});

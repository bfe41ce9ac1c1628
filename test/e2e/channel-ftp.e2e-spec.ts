import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FTPError } from 'basic-ftp';
import { IssuedCredential, createCredential, createMaster, listAll, readRequestLog } from '../support/factories';
import { DataConnection, FTPLIB_SCRIPT, RawFtp, basicFtp, download, runProcess, upload } from '../support/ftp-clients';
import { AttachedFtp, attachFtp, makeTestCertificate } from '../support/ftp-server';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { SessionRegistry } from '@gatehouse/core';
import { expectNothingInternal } from '../support/assertions';

/**
 * The FTP listener (DESIGN.md §2 `ftp` row, issue 10): real clients over real sockets on
 * 127.0.0.1 — basic-ftp (plain and explicit TLS), Python's ftplib, curl, lftp — and a raw control
 * connection for what a well-behaved client would never send. The listener runs inside the
 * test app (support/ftp-server.ts), so the admin API, the ban list and the session registry
 * are the ones it uses.
 */

const MAX_UPLOAD = 64 * 1024;
const CSV = 'to,body\r\n+447700900123,first\r\n+447700900124,second\r\n';

let t: TestApp;
let cert: ReturnType<typeof makeTestCertificate>;
let ftp: AttachedFtp;
let accountId: string;

beforeAll(async () => {
  cert = makeTestCertificate();
  t = await startTestApp({
    GATEHOUSE_BAN_THRESHOLD: '100000', // this suite fails logins on purpose; bans have their own app below
    GATEHOUSE_FTP_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
    GATEHOUSE_TLS_CERT: cert.certFile,
    GATEHOUSE_TLS_KEY: cert.keyFile,
  });
  ftp = await attachFtp(t);
  accountId = (await createMaster(t)).id;
});

afterAll(async () => {
  await t?.close();
  if (cert) fs.rmSync(cert.dir, { recursive: true, force: true });
});

const ftpCredential = (input: Record<string, unknown> = {}) =>
  createCredential(t, accountId, { channel: 'ftp', ...input });

/** Polls `check` until it returns a value, within a generous deadline. */
async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The account's tree on disk (for checks a client cannot make). */
const treeOf = (account: string) => path.join(t.dataDir, 'trees', account);

async function reportOf(c: IssuedCredential, name: string): Promise<string[][]> {
  const client = await basicFtp(ftp.port, c.username, c.secret);
  try {
    const text = await eventually(async () => {
      const names = (await client.list('/reports')).map((f) => f.name);
      return names.includes(`${name}.report.csv`) ? download(client, `/reports/${name}.report.csv`) : null;
    }, `the report of ${name}`);
    return text
      .trim()
      .split(/\r?\n/)
      .map((line) => line.split(','));
  } finally {
    client.close();
  }
}

describe('login', () => {
  it('the right credential logs in and sees its jailed tree: /outbox, /reports, /processed', async () => {
    const c = await ftpCredential();
    const raw = await RawFtp.connect(ftp.port);
    try {
      expect(await raw.greeting).toEqual(expect.objectContaining({ code: 220 }));
      expect(await raw.login(c.username, c.secret)).toEqual(expect.objectContaining({ code: 230 }));
      expect((await raw.send('PWD')).text).toMatch(/^"\/"/);
    } finally {
      raw.close();
    }
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      expect((await client.list('/')).map((f) => f.name).sort()).toEqual(['outbox', 'processed', 'reports']);
    } finally {
      client.close();
    }
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.filter((r) => r.operation === 'ftp.login')).toEqual([
      expect.objectContaining({ outcome: 'ok', status: '230', channel: 'ftp', peer: '127.0.0.1' }),
      expect.objectContaining({ outcome: 'ok', status: '230', channel: 'ftp', peer: '127.0.0.1' }),
    ]);
  });

  it('a wrong password and an unknown user get the same 530, logged without the password', async () => {
    const c = await ftpCredential();
    const wrong = `${c.secret.slice(0, -1)}${c.secret.endsWith('x') ? 'y' : 'x'}`;
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      const bad = await raw.login(c.username, wrong);
      const unknown = await raw.login(unique('ghost'), c.secret);
      expect(bad).toEqual(expect.objectContaining({ code: 530, text: 'Login incorrect.' }));
      expect(unknown).toEqual(expect.objectContaining({ code: 530, text: 'Login incorrect.' }));
    } finally {
      raw.close();
    }
    const { rows, raw: logText } = await readRequestLog(t, { credentialId: c.id });
    expect(rows).toEqual([expect.objectContaining({ operation: 'ftp.login', outcome: 'bad_secret', status: '530' })]);
    expect(logText).not.toContain(wrong);
  });

  it('a blocked credential is told so with 530 (only with the right password)', async () => {
    const c = await ftpCredential();
    await t.http.patch(`/admin/v1/credentials/${c.id}`).set(t.auth()).send({ enabled: false }).expect(200);
    await expect(basicFtp(ftp.port, c.username, c.secret)).rejects.toThrow(
      /530 Login refused: this credential is blocked/,
    );
  });

  it('a credential of another channel does not log in over FTP', async () => {
    const rest = await createCredential(t, accountId, { channel: 'rest' });
    await expect(basicFtp(ftp.port, rest.username, rest.secret)).rejects.toThrow(/530 Login incorrect/);
  });

  it('a custom password with quotes and dash-words arrives unchanged (ftp-srv dropped `"` and `-x`)', async () => {
    const secret = `pa"ss -a word "x" ${unique('pw')}`;
    const c = await ftpCredential({ username: unique('ftp-user'), secret });
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      expect(await raw.login(c.username, secret)).toEqual(expect.objectContaining({ code: 230 }));
    } finally {
      raw.close();
    }
  });

  it('three failed logins on one connection close it', async () => {
    const c = await ftpCredential();
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      for (let i = 0; i < 2; i++) expect((await raw.login(c.username, 'wrong-password')).code).toBe(530);
      expect((await raw.login(c.username, 'wrong-password')).code).toBe(530);
      expect(await raw.closedWithin(5000)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('nothing but login, TLS and harmless commands before login', async () => {
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      for (const command of ['PWD', 'LIST', 'PASV', 'RETR /etc/passwd', 'CWD /', 'SITE CHMOD 777 /', 'MKD x']) {
        expect({ command, code: (await raw.send(command)).code }).toEqual({ command, code: 530 });
      }
      expect((await raw.send('NOOP')).code).toBe(200);
      expect((await raw.send('SYST')).code).toBe(215);
    } finally {
      raw.close();
    }
  });
});

describe('uploads', () => {
  it('uploaded under a temporary name, then renamed (RNFR/RNTO) to `.csv`: processed as a batch', async () => {
    // An account of its own: other tests here list the shared account's /processed/.
    const c = await createCredential(t, (await createMaster(t)).id, { channel: 'ftp' });
    const name = `${unique('renamed')}.csv`;
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      await upload(client, `/outbox/${name}.filepart`, CSV);
      expect((await client.list('/outbox')).map((f) => f.name)).toEqual([`${name}.filepart`]);
      await client.rename(`/outbox/${name}.filepart`, `/outbox/${name}`);
    } finally {
      client.close();
    }
    expect((await reportOf(c, name)).slice(1).map((r) => r[1])).toEqual(['accepted', 'accepted']);
  });

  it('a CSV uploaded into /outbox/ becomes submissions, a report in /reports/ and a file in /processed/', async () => {
    const c = await ftpCredential();
    const name = `${unique('batch')}.csv`;
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      await upload(client, `/outbox/${name}`, CSV);
    } finally {
      client.close();
    }
    const report = await reportOf(c, name);
    expect(report[0]).toEqual(['row', 'status', 'submission_id', 'error']);
    expect(report.slice(1).map((r) => r[1])).toEqual(['accepted', 'accepted']);
    for (const row of report.slice(1)) {
      const res = await t.http.get(`/admin/v1/submissions/${row[2]}`).set(t.auth()).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ credentialId: c.id, channel: 'ftp' }));
    }
    const check = await basicFtp(ftp.port, c.username, c.secret);
    try {
      expect((await check.list('/processed')).map((f) => f.name)).toEqual([name]);
      expect(await check.list('/outbox')).toEqual([]);
    } finally {
      check.close();
    }
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.filter((r) => r.operation === 'ftp.STOR')).toEqual([
      expect.objectContaining({ outcome: 'ok', status: '226', channel: 'ftp', peer: '127.0.0.1' }),
    ]);
  });

  it('explicit FTPS with basic-ftp (AUTH TLS, PBSZ 0, PROT P): upload, list, download', async () => {
    const c = await ftpCredential();
    const name = `${unique('tls')}.csv`;
    const client = await basicFtp(ftp.port, c.username, c.secret, { secure: true });
    try {
      await upload(client, `/outbox/${name}`, CSV);
      const text = await eventually(async () => {
        const names = (await client.list('/reports')).map((f) => f.name);
        return names.includes(`${name}.report.csv`) ? download(client, `/reports/${name}.report.csv`) : null;
      }, 'the report');
      expect(text).toMatch(/^row,status,submission_id,error\r\n1,accepted,/);
    } finally {
      client.close();
    }
  });

  it("Python's ftplib over FTPS with PROT P: STOR and LIST (150 before the data TLS handshake, ftp-srv #192)", async () => {
    const c = await ftpCredential();
    const name = `${unique('ftplib')}.csv`;
    const result = await runProcess('python3', [
      '-c',
      FTPLIB_SCRIPT,
      '127.0.0.1',
      String(ftp.port),
      c.username,
      c.secret,
      `/outbox/${name}`,
      CSV,
      '/',
    ]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(result.stdout) as { stored: string; list: string[] };
    expect(out.stored).toMatch(/^226/);
    expect(out.list.join('\n')).toMatch(/outbox/);
    expect((await reportOf(c, name)).slice(1).map((r) => r[1])).toEqual(['accepted', 'accepted']);
  });

  it('curl --ssl-reqd: upload and list', async () => {
    const c = await ftpCredential();
    const name = `${unique('curl')}.csv`;
    const file = path.join(os.tmpdir(), name);
    fs.writeFileSync(file, CSV);
    try {
      const auth = ['--ssl-reqd', '--insecure', '--silent', '--show-error', '--user', `${c.username}:${c.secret}`];
      const put = await runProcess('curl', [...auth, '-T', file, `${ftp.url}/outbox/${name}`]);
      expect({ code: put.code, stderr: put.stderr }).toEqual({ code: 0, stderr: '' });
      const list = await runProcess('curl', [...auth, `${ftp.url}/`]);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/reports/);
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect((await reportOf(c, name)).slice(1).map((r) => r[1])).toEqual(['accepted', 'accepted']);
  });

  // .ci/run installs lftp: there a missing one fails the test; elsewhere it is skipped.
  const lftpIt = fs.existsSync('/usr/bin/lftp') || process.env.CI ? it : it.skip;
  lftpIt('lftp over FTPS: put and ls', async () => {
    const c = await ftpCredential();
    const name = `${unique('lftp')}.csv`;
    const file = path.join(os.tmpdir(), name);
    fs.writeFileSync(file, CSV);
    try {
      const script = [
        'set ftp:ssl-force true',
        'set ftp:ssl-protect-data true',
        'set ssl:verify-certificate no',
        'set net:max-retries 1',
        'set net:timeout 20',
        `open -u ${c.username},${c.secret} ${ftp.url}`,
        `put ${file} -o /outbox/${name}`,
        'cls -1 /',
        'bye',
      ].join('; ');
      const result = await runProcess('/usr/bin/lftp', ['-c', script]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/outbox/);
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect((await reportOf(c, name)).slice(1).map((r) => r[1])).toEqual(['accepted', 'accepted']);
  });
});

/** A raw control connection, logged in with `c`. */
async function rawSession(c: IssuedCredential, port = ftp.port): Promise<RawFtp> {
  const raw = await RawFtp.connect(port);
  await raw.greeting;
  const reply = await raw.login(c.username, c.secret);
  if (reply.code !== 230) throw new Error(`login failed: ${reply.code} ${reply.text}`);
  return raw;
}

/** Files anywhere under a directory (relative paths), for "nothing was left" checks. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** Bytes in the account's uploads in progress (outside its tree). */
function uploadBytes(account: string): number {
  const dir = path.join(t.dataDir, 'trees', '.work', account, 'uploads');
  return filesUnder(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}

describe('the jail: path escapes in every form, over a raw control connection', () => {
  let c: IssuedCredential;
  let raw: RawFtp;
  const sentinel = unique('escape-sentinel');

  beforeAll(async () => {
    c = await ftpCredential();
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      await upload(client, '/outbox/mine.txt', 'my own file');
    } finally {
      client.close();
    }
    raw = await rawSession(c);
  });
  afterAll(() => {
    raw.close();
    expect(fs.existsSync(path.join(os.tmpdir(), sentinel))).toBe(false);
  });

  const escapes = [
    '../../etc/passwd',
    '/../../../../etc/passwd',
    'outbox/../../../etc/passwd',
    '/outbox/../../etc/passwd',
    '..\\..\\etc\\passwd',
    '\\etc\\passwd',
    '/outbox/..\\..\\..\\etc\\passwd',
    '/etc/passwd',
    '%2e%2e/%2e%2e/etc/passwd',
    '....//....//etc/passwd',
    '/outbox/mine.txt/../../../etc/passwd',
    `../../../../../../..${os.tmpdir()}/${sentinel}`,
  ];

  it.each(escapes)('RETR %s: refused before any data connection is used, nothing read', async (target) => {
    const pasv = await raw.pasv();
    expect(pasv.reply.code).toBe(227);
    const data = await pasv.connect();
    const reply = await raw.send(`RETR ${target}`);
    expect(reply.code).toBeGreaterThanOrEqual(550);
    expect(reply.code).toBeLessThan(560);
    expectNothingInternal(reply.text);
    expect(reply.text).not.toContain(t.dataDir);
    data.socket.destroy();
    expect(data.received().toString()).not.toMatch(/root:/);
  });

  it.each(escapes)('SIZE, MDTM, DELE, STAT, CWD and STOR of %s are refused alike', async (target) => {
    for (const command of ['SIZE', 'MDTM', 'DELE', 'CWD', 'RNFR']) {
      const reply = await raw.send(`${command} ${target}`);
      expect({ command, code: reply.code }).toEqual({ command, code: expect.any(Number) });
      expect(reply.code).toBeGreaterThanOrEqual(450);
      expect(reply.text).not.toContain(t.dataDir);
    }
    expect((await raw.send('STAT ' + target)).code).toBeGreaterThanOrEqual(450);
    const pasv = await raw.pasv();
    const data = await pasv.connect();
    const stor = await raw.send(`STOR ${target}`);
    expect(stor.code).toBeGreaterThanOrEqual(550);
    data.socket.destroy();
    expect((await raw.send('PWD')).text).toMatch(/^"\/"/);
  });

  it('a NUL, a bare CR or overlong UTF-8 in a path is refused', async () => {
    const nul = await raw.send(Buffer.from('RETR /outbox/mine.txt\u0000../../etc/passwd\r\n'));
    expect(nul.code).toBe(501);
    const cr = await raw.send(Buffer.from('RETR /outbox/mine.txt\r../../etc/passwd\r\n'));
    expect(cr.code).toBe(501);
    // `..` as overlong UTF-8 (0xC0 0xAE): not UTF-8 at all.
    const overlong = await raw.send(
      Buffer.concat([Buffer.from('CWD '), Buffer.from([0xc0, 0xae, 0xc0, 0xae]), Buffer.from('\r\n')]),
    );
    expect(overlong.code).toBe(501);
    expect((await raw.send('PWD')).text).toMatch(/^"\/"/);
  });

  it('percent-encoding is a literal name, not a path: it stays a file directly in /outbox/', async () => {
    const name = '%2e%2e%2f%2e%2e%2fescape.txt';
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      await upload(client, `/outbox/${name}`, 'literal');
      expect((await client.list('/outbox')).map((f) => f.name)).toContain(name);
    } finally {
      client.close();
    }
    expect(fs.readFileSync(path.join(treeOf(accountId), 'outbox', name), 'utf8')).toBe('literal');
  });

  it('CWD .. loops stop at the root: refused, never clamped or escaped', async () => {
    for (let i = 0; i < 5; i++) expect((await raw.send('CWD ..')).code).toBe(550);
    expect((await raw.send('CDUP')).code).toBe(550);
    expect((await raw.send('CWD /outbox')).code).toBe(250);
    expect((await raw.send('CWD ../..')).code).toBe(550);
    expect((await raw.send('CWD ..')).code).toBe(250);
    expect((await raw.send('PWD')).text).toMatch(/^"\/"/);
    expect((await raw.send('CWD /outbox/../../..')).code).toBe(550);
    expect((await raw.send('PWD')).text).toMatch(/^"\/"/);
  });

  it('renames stay in their folder; MKD, RMD, SITE (CHMOD), APPE and STOU are refused', async () => {
    expect((await raw.send('RNFR /outbox/mine.txt')).code).toBe(350);
    expect((await raw.send('RNTO ../../mine.txt')).code).toBe(550);
    expect((await raw.send('RNFR /outbox/mine.txt')).code).toBe(350);
    expect((await raw.send('RNTO /reports/mine.txt')).code).toBe(550);
    expect((await raw.send('MKD /outbox/sub')).code).toBe(550);
    expect((await raw.send('MKD ../../tmp/x')).code).toBe(550);
    expect((await raw.send('RMD /outbox')).code).toBe(550);
    expect((await raw.send('RMD /outbox/mine.txt')).code).toBe(550);
    expect((await raw.send('SITE CHMOD 777 ../../etc/passwd')).code).toBe(502);
    expect((await raw.send('SITE CHMOD 777 /outbox/mine.txt')).code).toBe(502);
    expect((await raw.send('APPE /outbox/mine.txt')).code).toBe(502);
    expect((await raw.send('STOU /outbox/x')).code).toBe(502);
    // Still there, unchanged.
    expect((await raw.send('SIZE /outbox/mine.txt')).text).toBe(String('my own file'.length));
    expect(fs.statSync(path.join(treeOf(accountId), 'outbox', 'mine.txt')).mode & 0o777).toBe(0o600);
  });

  it("no account sees another's files", async () => {
    const other = await createCredential(t, (await createMaster(t)).id, { channel: 'ftp' });
    const theirs = await rawSession(other);
    try {
      expect((await theirs.send('SIZE /outbox/mine.txt')).code).toBe(550);
      expect((await theirs.send(`SIZE ../${accountId}/outbox/mine.txt`)).code).toBe(550);
      expect((await theirs.send(`CWD /../${accountId}`)).code).toBe(550);
    } finally {
      theirs.close();
    }
  });
});

describe('data connections: no FTP bounce, no FXP', () => {
  it.each([
    ['PORT to a foreign host', 'PORT 10,0,0,1,200,10', 504],
    ['PORT to another loopback address', 'PORT 127,0,0,2,200,10', 504],
    ['PORT to a privileged port of the client', 'PORT 127,0,0,1,0,25', 504],
    ['PORT with a byte over 255 (383 & 255 = 127)', 'PORT 383,0,0,1,200,10', 501],
    ['PORT with octal-looking bytes', 'PORT 0177,0,0,1,200,10', 501],
    ['PORT with too few numbers', 'PORT 127,0,0,1,200', 501],
    ['EPRT to a foreign host', 'EPRT |1|10.0.0.1|5000|', 504],
    ['EPRT to IPv6 loopback (the peer is 127.0.0.1)', 'EPRT |2|::1|5000|', 504],
    ['EPRT to a host name', 'EPRT |1|localhost|5000|', 501],
    ['EPRT with an unknown protocol', 'EPRT |3|127.0.0.1|5000|', 522],
    ['EPRT with a short IPv4 form', 'EPRT |1|127.1|5000|', 501],
  ])('%s: refused, and no transfer follows (CVE-2020-15152)', async (_label, command, code) => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    try {
      expect((await raw.send(command)).code).toBe(code);
      expect((await raw.send('LIST')).code).toBe(425);
    } finally {
      raw.close();
    }
  });

  it('PASV announces GATEHOUSE_FTP_PASV_ADDRESS (NAT), else the address the client connected to; ports from the range', async () => {
    const c = await ftpCredential();
    const natted = await attachFtp(t, { ftp: { pasvAddress: '192.0.2.10', pasvPorts: { min: 46000, max: 46009 } } });
    const behindNat = await rawSession(c, natted.port);
    const direct = await rawSession(c);
    try {
      const nat = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/
        .exec((await behindNat.send('PASV')).text)!
        .slice(1)
        .map(Number);
      expect(nat.slice(0, 4)).toEqual([192, 0, 2, 10]);
      expect(nat[4] * 256 + nat[5]).toBeGreaterThanOrEqual(46000);
      expect(nat[4] * 256 + nat[5]).toBeLessThanOrEqual(46009);
      const epsv = /\(\|\|\|(\d+)\|\)/.exec((await behindNat.send('EPSV')).text)!;
      expect(Number(epsv[1])).toBeGreaterThanOrEqual(46000);
      expect((await direct.send('PASV')).text).toMatch(/\(127,0,0,1,\d+,\d+\)/);
    } finally {
      behindNat.close();
      direct.close();
      await natted.listener.stop(0);
    }
  });

  it('PORT and EPRT to the client itself work (active mode)', async () => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    const server = net.createServer();
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      for (const command of [`PORT 127,0,0,1,${port >> 8},${port & 255}`, `EPRT |1|127.0.0.1|${port}|`]) {
        const accepted = new Promise<string>((resolve) =>
          server.once('connection', (s: net.Socket) => {
            let text = '';
            s.on('data', (d: Buffer) => (text += d.toString()));
            s.on('end', () => resolve(text));
          }),
        );
        expect((await raw.send(command)).code).toBe(200);
        expect((await raw.send('NLST /')).code).toBe(150);
        expect((await raw.read()).code).toBe(226);
        expect((await accepted).split('\r\n').filter(Boolean).sort()).toEqual(['outbox', 'processed', 'reports']);
      }
    } finally {
      raw.close();
      server.close();
    }
  });

  it('a passive data connection from another address is dropped; the client’s own still works (no FXP)', async () => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    try {
      const pasv = await raw.pasv();
      const port = Number(
        /,(\d+),(\d+)\)/
          .exec(pasv.reply.text)!
          .slice(1)
          .reduce((hi, lo) => String(Number(hi) * 256 + Number(lo))),
      );
      // 127.0.0.2 is another host as far as the server can tell (any 127/8 address reaches lo).
      const intruder = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      intruder.on('error', () => undefined);
      const intruderClosed = new Promise<void>((resolve) => intruder.on('close', () => resolve()));
      await intruderClosed;
      const data = await pasv.connect();
      expect((await raw.send('NLST /')).code).toBe(150);
      expect((await raw.read()).code).toBe(226);
      await data.ended;
      expect(data.received().toString().split('\r\n').filter(Boolean).sort()).toEqual([
        'outbox',
        'processed',
        'reports',
      ]);
    } finally {
      raw.close();
    }
  });
});

describe('uploads that do not finish', () => {
  /** Nothing of this credential's uploads anywhere: no file in its tree, no work file, no submission. */
  async function expectNothingProcessed(c: IssuedCredential, account = accountId): Promise<void> {
    await ftp.batches.drain();
    expect(filesUnder(path.join(treeOf(account), 'outbox')).filter((f) => f.startsWith('half'))).toEqual([]);
    expect(filesUnder(path.join(treeOf(account), 'processed')).filter((f) => f.startsWith('half'))).toEqual([]);
    expect(filesUnder(path.join(treeOf(account), 'reports')).filter((f) => f.startsWith('half'))).toEqual([]);
    expect(filesUnder(path.join(t.dataDir, 'trees', '.work', account))).toEqual([]);
    const { rows } = await listAll(t, '/admin/v1/submissions', { credentialId: c.id });
    expect(rows).toEqual([]);
  }

  /** STOR on a raw session: the 150, and the data connection to write to. */
  async function startUpload(raw: RawFtp, name: string): Promise<DataConnection> {
    const pasv = await raw.pasv();
    const data = await pasv.connect();
    expect((await raw.send(`STOR /outbox/${name}`)).code).toBe(150);
    return data;
  }

  it('a data connection reset mid-upload: 426, the partial file removed, nothing processed', async () => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    try {
      const data = await startUpload(raw, 'half-reset.csv');
      data.socket.write(CSV.slice(0, 20));
      // The server is reading (it wrote them): a reset now is seen as one, not as the end of data.
      await eventually(() => uploadBytes(accountId) === 20, 'the first bytes on disk');
      data.socket.resetAndDestroy();
      expect((await raw.read()).code).toBe(426);
      await expectNothingProcessed(c);
    } finally {
      raw.close();
    }
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.filter((r) => r.operation === 'ftp.STOR')).toEqual([
      expect.objectContaining({ outcome: 'rejected', status: '426' }),
    ]);
  });

  it('the session lost mid-upload (control connection gone, then the data connection closed cleanly): nothing processed', async () => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    const data = await startUpload(raw, 'half-lost.csv');
    data.socket.write(CSV);
    await eventually(() => uploadBytes(accountId) > 0, 'the first bytes on disk');
    raw.close();
    await eventually(() => t.app.get(SessionRegistry).count(c.id) === 0, 'the server to drop the session');
    data.socket.end();
    await data.ended;
    await expectNothingProcessed(c);
  });

  it('ABOR during an upload: 426 then 226, nothing processed', async () => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    try {
      const data = await startUpload(raw, 'half-abor.csv');
      data.socket.write(CSV.slice(0, 10));
      await eventually(() => uploadBytes(accountId) > 0, 'the first bytes on disk');
      // As clients send it: Telnet IP and Synch before ABOR (RFC 959 §4.1.3).
      raw.write(Buffer.concat([Buffer.from([0xff, 0xf4, 0xff, 0xf2]), Buffer.from('ABOR\r\n')]));
      expect((await raw.read()).code).toBe(426);
      expect((await raw.read()).code).toBe(226);
      await data.ended;
      await expectNothingProcessed(c);
      expect((await raw.send('NOOP')).code).toBe(200);
    } finally {
      raw.close();
    }
  });

  it(`a file over GATEHOUSE_FTP_MAX_UPLOAD_BYTES (${MAX_UPLOAD}): 552, nothing kept`, async () => {
    const c = await ftpCredential();
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      const big = 'to,body\r\n' + '+447700900123,'.padEnd(MAX_UPLOAD + 100, 'x') + '\r\n';
      const err = await upload(client, '/outbox/half-big.csv', big).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FTPError);
      expect((err as FTPError).code).toBe(552);
    } finally {
      client.close();
    }
    await expectNothingProcessed(c);
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.filter((r) => r.operation === 'ftp.STOR')).toEqual([
      expect.objectContaining({ outcome: 'payload_too_large', status: '552' }),
    ]);
  });

  it('exactly GATEHOUSE_FTP_MAX_UPLOAD_BYTES is taken', async () => {
    const c = await ftpCredential();
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      await upload(client, '/outbox/at-limit.txt', Buffer.alloc(MAX_UPLOAD, 'a'));
      expect(await client.size('/outbox/at-limit.txt')).toBe(MAX_UPLOAD);
    } finally {
      client.close();
    }
  });
});

describe('sessions', () => {
  it.each([
    [
      'blocking',
      (c: IssuedCredential) =>
        t.http.patch(`/admin/v1/credentials/${c.id}`).set(t.auth()).send({ enabled: false }).expect(200),
      'this credential was blocked',
    ],
    [
      'rotating without grace',
      (c: IssuedCredential) => t.http.post(`/admin/v1/credentials/${c.id}/rotate`).set(t.auth()).send({}).expect(200),
      'password of this credential was changed',
    ],
    [
      'deleting',
      (c: IssuedCredential) => t.http.delete(`/admin/v1/credentials/${c.id}`).set(t.auth()).expect(204),
      'this credential was deleted',
    ],
  ])('%s the credential over the admin API ends its open session within 2 s with 421', async (_label, act, text) => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    const other = await rawSession(await ftpCredential());
    try {
      await act(c);
      const acted = Date.now();
      expect(await raw.closedWithin(2000)).toBe(true);
      expect(Date.now() - acted).toBeLessThan(2000);
      expect(raw.pending()).toEqual([expect.objectContaining({ code: 421, text: expect.stringContaining(text) })]);
      // Another credential's session is untouched.
      expect((await other.send('NOOP')).code).toBe(200);
    } finally {
      raw.close();
      other.close();
    }
  });

  it.each([
    ['a plain', false],
    ['an explicit TLS', true],
  ])('%s session is registered while logged in and forgotten once the client leaves', async (_label, secure) => {
    const c = await ftpCredential();
    const registry = t.app.get(SessionRegistry);
    const client = await basicFtp(ftp.port, c.username, c.secret, { secure });
    expect(registry.count(c.id)).toBe(1);
    client.close();
    await eventually(() => registry.count(c.id) === 0, 'the session to be unregistered');
    await eventually(() => ftp.listener.openSessions === 0, 'the connection to be gone');
  });

  it('suspending the account ends its sessions', async () => {
    const account = (await createMaster(t)).id;
    const c = await createCredential(t, account, { channel: 'ftp' });
    const raw = await rawSession(c);
    try {
      await t.http.patch(`/admin/v1/accounts/${account}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      expect(await raw.closedWithin(2000)).toBe(true);
      expect(raw.pending()).toEqual([
        expect.objectContaining({ code: 421, text: expect.stringContaining('suspended') }),
      ]);
    } finally {
      raw.close();
    }
  });

  it('blocking the credential during an upload ends the session and the upload is not processed', async () => {
    const c = await ftpCredential();
    const raw = await rawSession(c);
    try {
      const pasv = await raw.pasv();
      const data = await pasv.connect();
      expect((await raw.send('STOR /outbox/half-blocked.csv')).code).toBe(150);
      data.socket.write(CSV.slice(0, 20));
      await t.http.patch(`/admin/v1/credentials/${c.id}`).set(t.auth()).send({ enabled: false }).expect(200);
      expect(await raw.closedWithin(2000)).toBe(true);
      await data.ended;
      await ftp.batches.drain();
      // The cut upload's temp file is removed by its session's close handler, which may run
      // just after the client saw the socket end.
      const work = path.join(t.dataDir, 'trees', '.work', accountId);
      await eventually(() => filesUnder(work).length === 0, `no files left under ${work}`);
      expect((await listAll(t, '/admin/v1/submissions', { credentialId: c.id })).rows).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('an off-the-record credential logs in and uploads without rows; its failed login still writes one', async () => {
    const c = await ftpCredential({ offTheRecord: true });
    const client = await basicFtp(ftp.port, c.username, c.secret);
    try {
      await upload(client, `/outbox/${unique('otr')}.csv`, CSV);
    } finally {
      client.close();
    }
    await ftp.batches.drain();
    expect((await readRequestLog(t, { credentialId: c.id })).rows).toEqual([]);
    await expect(basicFtp(ftp.port, c.username, 'wrong-password')).rejects.toThrow(/530/);
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.map((r) => [r.operation, r.outcome])).toEqual([['ftp.login', 'bad_secret']]);
  });
});

describe('the command stream', () => {
  it('commands pipelined after AUTH TLS in plain text are discarded, not run over TLS', async () => {
    const c = await ftpCredential();
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      // The injection: USER/PASS in clear text right behind AUTH TLS, in one segment, hoping to
      // be run as if they had come over TLS (the STARTTLS injection of CVE-2011-0411 and kin).
      raw.write(`AUTH TLS\r\nUSER ${c.username}\r\nPASS ${c.secret}\r\n`);
      expect((await raw.read()).code).toBe(234);
      await raw.handshake();
      // Had they run, 331 and 230 would come first, and the session would be logged in.
      expect((await raw.send('NOOP')).code).toBe(200);
      expect((await raw.send('PWD')).code).toBe(530);
      expect(raw.pending()).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('a command line over 4096 bytes: 500 and the connection is closed', async () => {
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      raw.write(`USER ${'a'.repeat(5000)}`);
      expect((await raw.read()).code).toBe(500);
      expect(await raw.closedWithin(5000)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('a command split across TCP segments is one command; pipelined commands answer in order', async () => {
    const c = await ftpCredential();
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      raw.write('US');
      await new Promise((r) => setImmediate(r));
      raw.write(`ER ${c.username}\r`);
      await new Promise((r) => setImmediate(r));
      raw.write(`\nPASS ${c.secret}\r\nPWD\r\nNOOP\r\nTYPE I\r\n`);
      expect(
        [await raw.read(), await raw.read(), await raw.read(), await raw.read(), await raw.read()].map((r) => r.code),
      ).toEqual([331, 230, 257, 200, 200]);
    } finally {
      raw.close();
    }
  });

  it('unknown commands are refused without echoing them; FEAT lists what works', async () => {
    const raw = await RawFtp.connect(ftp.port);
    try {
      await raw.greeting;
      const unknown = await raw.send('XYZW <script>');
      expect(unknown.code).toBe(502);
      expect(unknown.text).not.toContain('XYZW');
      const feat = await raw.send('FEAT');
      expect(feat.code).toBe(211);
      expect(feat.lines.slice(1, -1).map((l) => l.trim())).toEqual([
        'AUTH TLS',
        'PBSZ',
        'PROT',
        'EPRT',
        'EPSV',
        'MDTM',
        'REST STREAM',
        'SIZE',
        'UTF8',
      ]);
    } finally {
      raw.close();
    }
  });

  it('an idle control connection is closed with 421', async () => {
    const idle = await attachFtp(t, {}, { idleTimeoutMs: 300 });
    const raw = await RawFtp.connect(idle.port);
    try {
      await raw.greeting;
      expect(await raw.closedWithin(10_000)).toBe(true);
      expect(raw.pending()).toEqual([
        expect.objectContaining({ code: 421, text: expect.stringContaining('Idle timeout') }),
      ]);
    } finally {
      raw.close();
      await idle.listener.stop(0);
    }
  });
});

describe('GATEHOUSE_FTP_REQUIRE_TLS', () => {
  let strict: AttachedFtp;
  beforeAll(async () => {
    strict = await attachFtp(t, { ftp: { requireTls: true } });
  });

  it('USER and PASS before AUTH TLS get 530 and the password is never checked', async () => {
    const c = await ftpCredential();
    const raw = await RawFtp.connect(strict.port);
    try {
      await raw.greeting;
      const user = await raw.send(`USER ${c.username}`);
      expect(user).toEqual(expect.objectContaining({ code: 530, text: expect.stringContaining('AUTH TLS') }));
      const pass = await raw.send(`PASS ${c.secret}`);
      expect(pass).toEqual(expect.objectContaining({ code: 530, text: expect.stringContaining('AUTH TLS') }));
    } finally {
      raw.close();
    }
    expect((await readRequestLog(t, { credentialId: c.id })).rows).toEqual([]);
    const curl = await runProcess('curl', [
      '--silent',
      '--show-error',
      '--user',
      `${c.username}:${c.secret}`,
      `${strict.url}/`,
    ]);
    expect(curl.code).not.toBe(0);
    expect(curl.stderr).toMatch(/530/);
  });

  it('after AUTH TLS the login works, and data connections need PBSZ 0 and PROT P (521, 534)', async () => {
    const c = await ftpCredential();
    const raw = await RawFtp.connect(strict.port);
    try {
      await raw.greeting;
      expect((await raw.send('PBSZ 0')).code).toBe(503);
      expect((await raw.startTls()).code).toBe(234);
      expect((await raw.login(c.username, c.secret)).code).toBe(230);
      expect((await raw.send('PASV')).code).toBe(521);
      expect((await raw.send('EPSV')).code).toBe(521);
      expect((await raw.send('PORT 127,0,0,1,200,10')).code).toBe(521);
      expect((await raw.send('PBSZ 0')).code).toBe(200);
      expect((await raw.send('PROT C')).code).toBe(534);
      expect((await raw.send('PROT P')).code).toBe(200);
      expect((await raw.send('EPSV')).code).toBe(229);
    } finally {
      raw.close();
    }
  });

  it('basic-ftp over explicit TLS works as usual', async () => {
    const c = await ftpCredential();
    const client = await basicFtp(strict.port, c.username, c.secret, { secure: true });
    try {
      await upload(client, '/outbox/strict.txt', 'over TLS');
      expect(await download(client, '/outbox/strict.txt')).toBe('over TLS');
    } finally {
      client.close();
    }
  });

  it('without a certificate, AUTH TLS is answered 502 and FEAT does not offer it', async () => {
    const plain = await attachFtp(t, { tls: null });
    const raw = await RawFtp.connect(plain.port);
    try {
      await raw.greeting;
      expect((await raw.send('AUTH TLS')).code).toBe(502);
      expect((await raw.send('FEAT')).lines.join('\n')).not.toMatch(/AUTH TLS/);
    } finally {
      raw.close();
      await plain.listener.stop(0);
    }
  });
});

describe('bans', () => {
  it('wrong passwords until the ban: then 421 at connect, before any greeting; the HTTP channels refuse the peer too', async () => {
    const app = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: '3', GATEHOUSE_BAN_SECONDS: '600' });
    try {
      const banned = await attachFtp(app);
      const account = (await createMaster(app)).id;
      const c = await createCredential(app, account, { channel: 'ftp' });
      const rest = await createCredential(app, account, { channel: 'rest' });
      // Opened before the ban: its login comes after it.
      const early = await RawFtp.connect(banned.port);
      expect((await early.greeting).code).toBe(220);

      const raw = await RawFtp.connect(banned.port);
      await raw.greeting;
      for (let i = 0; i < 3; i++) expect((await raw.login(c.username, 'wrong-password')).code).toBe(530);
      expect(await raw.closedWithin(5000)).toBe(true);

      const after = await RawFtp.connect(banned.port);
      const greeting = await after.greeting;
      expect(greeting.code).toBe(421);
      expect(greeting.text).toMatch(/^Too many failed logins from your address; try again in \d+ seconds\.$/);
      expect(Number(/in (\d+) seconds/.exec(greeting.text)![1])).toBeLessThanOrEqual(600);
      expect(await after.closedWithin(5000)).toBe(true);

      // The right password on the connection opened before: 421, and closed.
      const late = await early.login(c.username, c.secret);
      expect(late).toEqual(
        expect.objectContaining({ code: 421, text: expect.stringContaining('Too many failed logins') }),
      );
      expect(await early.closedWithin(5000)).toBe(true);

      await app.http
        .post('/rest/v1/messages')
        .set('Authorization', `Bearer ${rest.secret}`)
        .send({ to: ['+447700900123'], body: 'x' })
        .expect(429);
    } finally {
      await app.close();
    }
  });
});

describe('connections per address (GATEHOUSE_MAX_CONNECTIONS_PER_PEER)', () => {
  it('past the limit a connection gets 421 before any greeting; closing one frees a slot', async () => {
    const f = await attachFtp(t, { maxConnectionsPerPeer: 3 });
    const open = await Promise.all([1, 2, 3].map(() => RawFtp.connect(f.port)));
    try {
      for (const raw of open) expect((await raw.greeting).code).toBe(220);
      const refused = await RawFtp.connect(f.port);
      const greeting = await refused.greeting;
      expect(greeting).toEqual(
        expect.objectContaining({ code: 421, text: expect.stringMatching(/^Too many connections/) }),
      );
      expect(await refused.closedWithin(5000)).toBe(true);

      open.pop()!.close();
      // The slot is freed when the server sees the close: poll for a greeting, within a deadline.
      const again = await eventually(async () => {
        const raw = await RawFtp.connect(f.port);
        if ((await raw.greeting).code === 220) return raw;
        raw.close();
        return undefined;
      }, 'a freed connection slot');
      again.close();
    } finally {
      for (const raw of open) raw.close();
      await f.listener.stop(0);
    }
  });
});

describe('stop', () => {
  async function uploadUnderWay(port: number, c: IssuedCredential, name: string) {
    const raw = await rawSession(c, port);
    const pasv = await raw.pasv();
    const data = await pasv.connect();
    expect((await raw.send(`STOR /outbox/${name}`)).code).toBe(150);
    data.socket.write(CSV.slice(0, 10));
    await eventually(() => uploadBytes(accountId) >= 10, 'the first bytes on disk');
    return { raw, data };
  }

  it('stops accepting, says 421 to idle sessions at once, lets an upload finish within the grace, then 421', async () => {
    const f = await attachFtp(t);
    const c = await ftpCredential();
    const idle = await rawSession(c, f.port);
    const name = `${unique('stop')}.csv`;
    const { raw: busy, data } = await uploadUnderWay(f.port, c, name);
    const stopping = f.listener.stop(30_000);
    try {
      expect(await idle.closedWithin(5000)).toBe(true);
      expect(idle.pending()).toEqual([
        expect.objectContaining({ code: 421, text: expect.stringContaining('shutting down') }),
      ]);
      await expect(RawFtp.connect(f.port)).rejects.toThrow(/ECONNREFUSED/);
      expect(busy.isClosed).toBe(false);
      data.socket.end(CSV.slice(10));
      expect((await busy.read()).code).toBe(226);
      expect(await busy.closedWithin(5000)).toBe(true);
      expect(busy.pending()).toEqual([expect.objectContaining({ code: 421 })]);
      await stopping;
    } finally {
      idle.close();
      busy.close();
    }
    expect((await reportOf(c, name)).slice(1).map((r) => r[1])).toEqual(['accepted', 'accepted']);
  });

  it('past the grace, an upload is cut, told 421, and nothing of it is processed', async () => {
    const f = await attachFtp(t);
    const c = await ftpCredential();
    const { raw: busy, data } = await uploadUnderWay(f.port, c, 'half-stop.csv');
    try {
      await f.listener.stop(100);
      expect(await busy.closedWithin(5000)).toBe(true);
      expect(busy.pending().map((r) => r.code)).toContain(421);
      await data.ended;
      await ftp.batches.drain();
      // The cut upload's temp file is removed by its session's close handler, which may run
      // just after the client saw the socket end.
      const work = path.join(t.dataDir, 'trees', '.work', accountId);
      await eventually(() => filesUnder(work).length === 0, `no files left under ${work}`);
      expect((await listAll(t, '/admin/v1/submissions', { credentialId: c.id })).rows).toEqual([]);
    } finally {
      busy.close();
    }
  });
});

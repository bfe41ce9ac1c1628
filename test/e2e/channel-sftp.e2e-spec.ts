import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';
import { BatchFileProcessor } from '@gatehouse/channels/files';
import { GENERATED_HOST_KEY_FILE } from '@gatehouse/channels/sftp';
import { expectNothingInternal } from '../support/assertions';
import {
  AUTH_FAILED,
  parseReport,
  rawRequest,
  rawSftp,
  sftpConnect,
  sftpDriver,
  sftpListener,
  sftpPort,
  sftpRefusal,
  sshConfig,
  waitForReport,
} from '../support/channels/sftp';
import { IssuedCredential, createCredential, createMaster, listAll, readRequestLog } from '../support/factories';
import { eventually, keygenFingerprint, opensshSftp, rawSsh, run, SSH_KEYGEN, within } from '../support/ssh-tools';
import { TestApp, TestAppOptions, startTestApp, unique } from '../support/test-app';

/**
 * The SFTP listener (DESIGN.md §2 `ftp` row, issue 10 items 2-7) inside the real app, built by
 * the same runtime as main.ts with GATEHOUSE_LISTENERS=http,sftp: the admin API, the change
 * notifier, the ban list and the session registry are the ones the listener uses. Clients are
 * real: ssh2-sftp-client, raw ssh2, and OpenSSH's `sftp`.
 */

const CAP = 64 * 1024;
const SESSION_END_MS = 2000; // DESIGN.md §1: sessions end within 2 s
const csv = (...rows: string[]) => Buffer.from(['to,body', ...rows].join('\r\n') + '\r\n');

function startSftpApp(env: Record<string, string> = {}, options?: TestAppOptions): Promise<TestApp> {
  return startTestApp(
    {
      GATEHOUSE_LISTENERS: 'http,sftp',
      GATEHOUSE_SFTP_PORT: '0',
      GATEHOUSE_FTP_MAX_UPLOAD_BYTES: String(CAP),
      GATEHOUSE_BAN_THRESHOLD: '100000',
      ...env,
    },
    options,
  );
}

/** The SFTP error a promise rejected with, as a refusal (status = SFTP status or 51 for a failed login). */
async function refusalOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return sftpRefusal(err);
  }
  throw new Error('expected a refusal, the request succeeded');
}

function open(client: SftpClient, file: string, flags: 'w' | 'a' | 'r+' | 'wx' | 'r'): Promise<Buffer> {
  return rawRequest<Buffer>(client, (sftp, done) => sftp.open(file, flags, done));
}

function write(client: SftpClient, handle: Buffer, data: Buffer, position: number): Promise<void> {
  return rawRequest(client, (sftp, done) => sftp.write(handle, data, 0, data.length, position, done));
}

function closeHandle(client: SftpClient, handle: Buffer): Promise<void> {
  return rawRequest(client, (sftp, done) => sftp.close(handle, done));
}

const treeOf = (t: TestApp, accountId: string) => path.join(t.dataDir, 'trees', accountId);
const uploadsOf = (t: TestApp, accountId: string) => path.join(t.dataDir, 'trees', '.work', accountId, 'uploads');
const leftoverUploads = (t: TestApp, accountId: string) =>
  fs.existsSync(uploadsOf(t, accountId)) ? fs.readdirSync(uploadsOf(t, accountId)) : [];

describe('SFTP channel', () => {
  let t: TestApp;
  let accountId: string;

  beforeAll(async () => {
    t = await startSftpApp();
    accountId = (await createMaster(t)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const ftpCredential = (input: Record<string, unknown> = {}) => sftpDriver.createCredential(t, accountId, input);

  describe('login', () => {
    it.each(['password', 'keyboard-interactive'] as const)(
      'the FTP credential logs in by %s; the login is one request-log row (sftp.login, 52)',
      async (method) => {
        const c = await ftpCredential();
        const client = await sftpConnect(t, c.username, c.secret, method);
        try {
          expect(await client.realPath('.')).toBe('/');
          expect((await client.list('/')).map((e) => `${e.type}${e.name}`).sort()).toEqual([
            'doutbox',
            'dprocessed',
            'dreports',
          ]);
        } finally {
          await client.end();
        }
        const { rows, raw } = await readRequestLog(t, { credentialId: c.id });
        expect(rows).toEqual([
          expect.objectContaining({
            channel: 'ftp',
            operation: 'sftp.login',
            outcome: 'ok',
            status: '52',
            peer: '127.0.0.1',
          }),
        ]);
        expect(raw).not.toContain(c.secret);
      },
    );

    it('a generated FTP secret logs in too (usernames match ASCII case-insensitively)', async () => {
      const c = await createCredential(t, accountId, { channel: 'ftp', username: unique('Mixed-Case') });
      expect(c.secret).toMatch(/^gkf_/);
      const client = await sftpConnect(t, c.username.toUpperCase(), c.secret);
      await client.end();
    });

    it('wrong secret, unknown user, another channel’s credential, a blocked one, a disallowed address: all one SSH auth failure, each logged with its reason', async () => {
      const c = await ftpCredential();
      const other = await createCredential(t, accountId, {
        channel: 'http',
        username: unique('http-user'),
        secret: 'Http-Pass-123456789',
      });
      const attempts: Array<[string, string, string]> = [
        [c.username, `${c.secret}x`, 'bad_secret'],
        [unique('ghost'), c.secret, 'unknown_credential'],
        [other.username, other.secret, 'unknown_credential'],
      ];
      for (const [username, secret] of attempts) {
        for (const method of ['password', 'keyboard-interactive'] as const) {
          const refusal = await refusalOf(sftpConnect(t, username, secret, method));
          expect(refusal).toEqual(expect.objectContaining({ status: AUTH_FAILED, code: 'auth_failed' }));
          expectNothingInternal(refusal.text, [secret]);
        }
      }
      await t.http.patch(`/admin/v1/credentials/${c.id}`).set(t.auth()).send({ enabled: false }).expect(200);
      expect(await refusalOf(sftpConnect(t, c.username, c.secret))).toMatchObject({ status: AUTH_FAILED });

      const fenced = await ftpCredential({ allowedCidrs: ['192.0.2.0/24'] });
      expect(await refusalOf(sftpConnect(t, fenced.username, fenced.secret))).toMatchObject({ status: AUTH_FAILED });

      const { rows, raw } = await readRequestLog(t, { credentialId: c.id });
      expect(rows.map((r) => [r.operation, r.outcome, r.status])).toEqual([
        ['sftp.login', 'bad_secret', '51'],
        ['sftp.login', 'bad_secret', '51'],
        ['sftp.login', 'disabled', '51'],
      ]);
      expect(raw).not.toContain(c.secret);
      expect((await readRequestLog(t, { credentialId: fenced.id })).rows.map((r) => r.outcome)).toEqual([
        'ip_not_allowed',
      ]);
    });

    it('at most 3 authentication attempts per connection, then SSH disconnects (14, with a reason)', async () => {
      const c = await ftpCredential();
      let sent = 0;
      const { ssh, error } = await rawSsh({
        ...sshConfig(t, c.username, c.secret),
        // Keeps trying wrong passwords for as long as the server lets it.
        authHandler: (_left, _partial, next) => {
          sent++;
          next({ type: 'password', username: c.username, password: `wrong-password-${sent}` });
        },
      });
      expect(error).not.toBeNull();
      expect(await within(ssh.closed, 10_000)).toBe(true);
      expect(ssh.disconnect()).toEqual({ reason: 14, text: 'too many authentication failures' });
      const { rows } = await readRequestLog(t, { credentialId: c.id });
      expect(rows.map((r) => r.outcome)).toEqual(['bad_secret', 'bad_secret', 'bad_secret']);
    });

    it('the first `none` (the method-list probe) is free; every later one counts', async () => {
      let sent = 0;
      const { ssh } = await rawSsh({
        ...sshConfig(t, unique('nobody'), 'irrelevant'),
        authHandler: (_left, _partial, next) => {
          sent++;
          next('none');
        },
      });
      expect(await within(ssh.closed, 10_000)).toBe(true);
      expect(ssh.disconnect()).toEqual({ reason: 14, text: 'too many authentication failures' });
      expect(sent).toBeGreaterThanOrEqual(4);
    });

    it('offers only password and keyboard-interactive; a public key is refused', async () => {
      const offered: string[][] = [];
      const key = (await import('ssh2')).utils.generateKeyPairSync('ed25519');
      const c = await ftpCredential();
      const { ssh, error } = await rawSsh({
        ...sshConfig(t, c.username, c.secret),
        privateKey: key.private,
        authHandler: (left, _partial, next) => {
          if (left) offered.push(left);
          if (offered.length === 0) return next('none');
          if (offered.length === 1) return next({ type: 'publickey', username: c.username, key: key.private });
          return next(false as never); // gives up
        },
      });
      expect(error?.message).toMatch(/authentication methods failed/);
      expect(offered[0]).toEqual(['password', 'keyboard-interactive']);
      expect(offered.length).toBe(2); // the public key was answered with a failure too
      ssh.client.end();
    });

    it.each([
      [
        'kex',
        { kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1', 'diffie-hellman-group-exchange-sha1'] },
      ],
      ['cipher', { cipher: ['aes128-cbc', 'aes256-cbc', '3des-cbc'] }],
      ['mac', { cipher: ['aes128-ctr'], hmac: ['hmac-sha1', 'hmac-md5'] }],
      ['host key', { serverHostKey: ['ssh-rsa', 'ssh-dss'] }],
    ])('a client offering only legacy %s algorithms is refused at the handshake', async (_kind, algorithms) => {
      const c = await ftpCredential();
      const { ssh, error } = await rawSsh({ ...sshConfig(t, c.username, c.secret), algorithms: algorithms as never });
      expect(error?.message).toMatch(/Handshake failed: no matching/);
      ssh.client.end();
    });

    it('a default ssh2 client negotiates curve25519, an AEAD cipher and the Ed25519 host key', async () => {
      const c = await ftpCredential();
      const negotiated: unknown[] = [];
      const client = (await import('ssh2')).Client;
      const conn = new client();
      conn.on('handshake', (n) => negotiated.push(n));
      await new Promise<void>((resolve, reject) => {
        conn.on('ready', () => resolve()).on('error', reject);
        conn.connect(sshConfig(t, c.username, c.secret));
      });
      conn.end();
      expect(negotiated[0]).toEqual(
        expect.objectContaining({
          kex: expect.stringMatching(/^curve25519-sha256/),
          serverHostKey: 'ssh-ed25519',
          cs: expect.objectContaining({ cipher: expect.stringMatching(/gcm|chacha20/), compress: 'none' }),
        }),
      );
    });

    it('no shell, exec, port forwarding or other subsystem: only SFTP', async () => {
      const c = await ftpCredential();
      const { ssh, error } = await rawSsh(sshConfig(t, c.username, c.secret));
      expect(error).toBeNull();
      const failure = (start: (cb: (err: Error | undefined) => void) => void) =>
        new Promise<Error | undefined>((resolve) => start((err) => resolve(err)));
      try {
        expect(await failure((cb) => ssh.client.exec('id', (err) => cb(err)))).toBeInstanceOf(Error);
        expect(await failure((cb) => ssh.client.shell((err) => cb(err)))).toBeInstanceOf(Error);
        expect(await failure((cb) => ssh.client.subsys('netconf', (err) => cb(err)))).toBeInstanceOf(Error);
        expect(
          await failure((cb) => ssh.client.forwardOut('127.0.0.1', 0, '127.0.0.1', sftpPort(t), (err) => cb(err))),
        ).toBeInstanceOf(Error);
        expect(await failure((cb) => ssh.client.forwardIn('127.0.0.1', 0, (err) => cb(err)))).toBeInstanceOf(Error);
        // The connection still serves SFTP.
        expect(await failure((cb) => ssh.client.sftp((err) => cb(err)))).toBeUndefined();
      } finally {
        ssh.client.end();
      }
    });
  });

  describe('files', () => {
    let c: IssuedCredential;
    let client: SftpClient;
    beforeAll(async () => {
      c = await ftpCredential();
      client = await sftpConnect(t, c.username, c.secret);
    });
    afterAll(async () => {
      await client.end();
    });

    it('a CSV uploaded into /outbox/ becomes submissions, a report in /reports/ and a file in /processed/', async () => {
      const own = await ftpCredential();
      const mine = await sftpConnect(t, own.username, own.secret);
      try {
        const name = `${unique('batch')}.csv`;
        await mine.put(csv('+447700900123,first', 'not a number,second'), `/outbox/${name}`);
        const report = parseReport(await waitForReport(mine, name));
        expect(report).toEqual([
          { row: 1, status: 'accepted', id: expect.any(String), error: '' },
          { row: 2, status: 'refused', id: '', error: expect.any(String) },
        ]);
        const submission = await t.http.get(`/admin/v1/submissions/${report[0].id}`).set(t.auth()).expect(200);
        expect(submission.body).toMatchObject({ channel: 'ftp', credentialId: own.id, accountId, body: 'first' });
        expect((await mine.list('/processed')).map((e) => e.name)).toContain(name);
        expect((await mine.list('/outbox')).map((e) => e.name)).not.toContain(name);

        await t.app.get(BatchFileProcessor).drain();
        const { rows } = await readRequestLog(t, { credentialId: own.id });
        expect(rows.map((r) => [r.operation, r.outcome, r.status]).sort()).toEqual([
          ['file.batch', 'ok', '207'],
          ['sftp.WRITE', 'ok', '0'],
          ['sftp.login', 'ok', '52'],
        ]);
      } finally {
        await mine.end();
      }
    });

    it('uploaded under a temporary name, then renamed to `.csv` (as WinSCP does): processed as a batch', async () => {
      const name = `${unique('renamed')}.csv`;
      await client.put(csv('+447700900123,renamed'), `/outbox/${name}.filepart`);
      expect((await client.list('/outbox')).map((e) => e.name)).toContain(`${name}.filepart`);
      await client.rename(`/outbox/${name}.filepart`, `/outbox/${name}`);
      const report = parseReport(await waitForReport(client, name));
      expect(report).toEqual([{ row: 1, status: 'accepted', id: expect.any(String), error: '' }]);
      expect((await client.list('/outbox')).map((e) => e.name)).not.toContain(`${name}.filepart`);
    });

    it('any other file lands in /outbox/ as uploaded, and reads back', async () => {
      const name = `${unique('notes')}.txt`;
      await client.put(Buffer.from('hello'), `/outbox/${name}`);
      expect(((await client.get(`/outbox/${name}`)) as Buffer).toString()).toBe('hello');
      expect(await client.stat(`/outbox/${name}`)).toMatchObject({ size: 5, isFile: true });
      await client.delete(`/outbox/${name}`);
      expect(await client.exists(`/outbox/${name}`)).toBe(false);
    });

    type Request = (s: SftpClient) => Promise<unknown>;
    it.each<[string, number, Request]>([
      ['.. out of the tree', 3, (s) => s.put(Buffer.from('x'), '/outbox/../../../../tmp/escape.txt')],
      ['.. at the root', 3, (s) => s.list('/..')],
      ['realpath above the root', 3, (s) => s.realPath('/../..')],
      ['a relative climb', 3, (s) => s.get('../../etc/passwd')],
      ['backslashes', 3, (s) => s.get('/outbox/..\\..\\..\\etc\\passwd')],
      ['a NUL', 3, (s) => s.get('/outbox/x\u0000/../../etc/passwd')],
      ['an absolute host path (inside the tree it names nothing)', 2, (s) => s.get('/etc/passwd')],
      ['writing outside /outbox/', 3, (s) => s.put(Buffer.from('x'), '/reports/forged.report.csv')],
      ['writing at the root', 3, (s) => s.put(Buffer.from('x'), '/x.csv')],
      ['a sub-directory', 3, (s) => s.mkdir('/outbox/sub')],
      ['removing a folder', 3, (s) => s.rmdir('/outbox')],
      ['a symlink', 3, (s) => rawRequest(s, (sftp, done) => sftp.symlink('/etc/passwd', '/outbox/passwd', done))],
      ['readlink', 4, (s) => rawRequest<string>(s, (sftp, done) => sftp.readlink('/outbox', done))],
      ['a file that is not there', 2, (s) => s.get('/reports/none.csv')],
    ])('%s is refused (SFTP status %i), without a host path', async (_label, expected, request) => {
      const refusal = await refusalOf(request(client));
      expect(refusal.status).toBe(expected);
      expect(refusal.text).not.toContain(t.dataDir);
      expectNothingInternal(refusal.text, [c.secret]);
    });

    it('the host path of the tree itself names nothing', async () => {
      const host = path.join(treeOf(t, accountId), 'outbox');
      expect((await refusalOf(client.list(host))).status).toBe(2);
    });

    it('rename within a folder works; across folders or out of the tree it is refused', async () => {
      const name = `${unique('r')}.txt`;
      await client.put(Buffer.from('r'), `/outbox/${name}`);
      expect((await refusalOf(client.rename(`/outbox/${name}`, `/reports/${name}`))).status).toBe(3);
      expect((await refusalOf(client.rename(`/outbox/${name}`, `/../${name}`))).status).toBe(3);
      await client.put(Buffer.from('other'), `/outbox/${name}.taken`);
      // SFTP v3 RENAME never replaces an existing name.
      expect((await refusalOf(client.rename(`/outbox/${name}`, `/outbox/${name}.taken`))).status).toBe(4);
      await client.rename(`/outbox/${name}`, `/outbox/${name}.renamed`);
      expect(await client.exists(`/outbox/${name}.renamed`)).toBe('-');
      expect(await client.exists(`/outbox/${name}`)).toBe(false);
    });

    it('percent-encoding is a name, not a path', async () => {
      const name = `%2e%2e%2f%2e%2e%2f${unique('p')}.txt`;
      await client.put(Buffer.from('p'), `/outbox/${name}`);
      expect(await client.exists(`/outbox/${name}`)).toBe('-');
      expect(fs.existsSync(path.join(treeOf(t, accountId), 'outbox', name))).toBe(true);
    });

    it('a symlink planted in the tree is neither listed nor followed', async () => {
      const link = `${unique('planted')}`;
      fs.symlinkSync('/etc', path.join(treeOf(t, accountId), 'outbox', link));
      try {
        expect((await client.list('/outbox')).map((e) => e.name)).not.toContain(link);
        expect((await refusalOf(client.get(`/outbox/${link}/passwd`))).status).toBe(3);
        expect((await refusalOf(client.list(`/outbox/${link}`))).status).toBe(3);
      } finally {
        fs.unlinkSync(path.join(treeOf(t, accountId), 'outbox', link));
      }
    });

    it('an account sees only its own tree', async () => {
      const name = `${unique('mine')}.txt`;
      await client.put(Buffer.from('mine'), `/outbox/${name}`);
      const otherAccount = (await createMaster(t)).id;
      const stranger = await sftpDriver.createCredential(t, otherAccount);
      const theirs = await sftpConnect(t, stranger.username, stranger.secret);
      try {
        expect((await theirs.list('/outbox')).map((e) => e.name)).not.toContain(name);
        expect((await refusalOf(theirs.get(`/outbox/${name}`))).status).toBe(2);
        expect((await refusalOf(theirs.get(`/../${accountId}/outbox/${name}`))).status).toBe(3);
      } finally {
        await theirs.end();
      }
    });

    it('an upload of exactly the cap is kept; one byte more fails with FAILURE and leaves nothing', async () => {
      const own = await ftpCredential();
      const mine = await sftpConnect(t, own.username, own.secret);
      try {
        await mine.put(Buffer.alloc(CAP, 0x61), '/outbox/exact.bin');
        expect(await mine.stat('/outbox/exact.bin')).toMatchObject({ size: CAP });

        const refusal = await refusalOf(mine.put(Buffer.alloc(CAP + 1, 0x61), '/outbox/too-big.csv'));
        expect(refusal).toMatchObject({ status: 4 });
        expect(refusal.text).toMatch(/too large/);
        expect(await mine.exists('/outbox/too-big.csv')).toBe(false);
        expect(leftoverUploads(t, accountId)).toEqual([]);
        await t.app.get(BatchFileProcessor).drain();
        expect(await mine.exists('/reports/too-big.csv.report.csv')).toBe(false);
      } finally {
        await mine.end();
      }
      const { rows } = await readRequestLog(t, { credentialId: own.id });
      expect(
        rows
          .filter((r) => r.operation === 'sftp.WRITE')
          .map((r) => [r.outcome, r.status])
          .sort(),
      ).toEqual([
        ['ok', '0'],
        ['payload_too_large', '4'],
      ]);
    });

    it('an upload cut off mid-way (the connection drops before CLOSE) is aborted: nothing kept, nothing processed', async () => {
      const own = await ftpCredential();
      const mine = await sftpConnect(t, own.username, own.secret);
      const name = `${unique('cut')}.csv`;
      const handle = await open(mine, `/outbox/${name}`, 'w');
      await write(mine, handle, csv('+447700900123,never sent'), 0);
      expect(sftpListener(t).connectionCount()).toBeGreaterThan(0);
      // The TCP connection dies: no CLOSE, no SSH disconnect.
      (mine as unknown as { client: { _sock: { destroy(): void } } }).client._sock.destroy();

      expect(await eventually(async () => (await readRequestLog(t, { credentialId: own.id })).rows.length === 2)).toBe(
        true,
      );
      const { rows } = await readRequestLog(t, { credentialId: own.id });
      expect(rows.map((r) => [r.operation, r.outcome, r.status]).sort()).toEqual([
        ['sftp.WRITE', 'rejected', 'aborted'],
        ['sftp.login', 'ok', '52'],
      ]);
      await t.app.get(BatchFileProcessor).drain();
      expect(leftoverUploads(t, accountId)).toEqual([]);
      expect(fs.existsSync(path.join(treeOf(t, accountId), 'outbox', name))).toBe(false);
      expect(fs.existsSync(path.join(treeOf(t, accountId), 'reports', `${name}.report.csv`))).toBe(false);
      expect((await listAll(t, '/admin/v1/submissions', { credentialId: own.id })).rows).toEqual([]);
    });

    it('appending and resuming (writing into an existing file without truncating) are refused', async () => {
      const name = `${unique('resume')}.txt`;
      await client.put(Buffer.from('first part'), `/outbox/${name}`);
      expect((await refusalOf(open(client, `/outbox/${name}`, 'a'))).status).toBe(8);
      expect((await refusalOf(open(client, `/outbox/${name}`, 'r+'))).status).toBe(8);
      expect((await refusalOf(open(client, `/outbox/${name}`, 'wx'))).status).toBe(4);
      expect(((await client.get(`/outbox/${name}`)) as Buffer).toString()).toBe('first part');
    });

    it('open handles are bounded per session', async () => {
      const sftp: SFTPWrapper = rawSftp(client);
      const opendir = () =>
        new Promise<Buffer>((resolve, reject) => sftp.opendir('/', (err, h) => (err ? reject(err) : resolve(h))));
      const handles: Buffer[] = [];
      try {
        for (let i = 0; i < 64; i++) handles.push(await opendir());
        const refusal = await refusalOf(opendir());
        expect(refusal).toMatchObject({ status: 4 });
        expect(refusal.text).toMatch(/too many open handles/);
      } finally {
        for (const h of handles) await closeHandle(client, h);
      }
      await closeHandle(client, await opendir());
    });

    it('an off-the-record credential writes no rows for its login and upload, but one for a failed login', async () => {
      const secret = unique('Off-The-Record-Pass');
      const own = await sftpDriver.createCredential(t, accountId, { offTheRecord: true, secret });
      const mine = await sftpConnect(t, own.username, secret);
      try {
        const name = `${unique('otr')}.csv`;
        await mine.put(csv('+447700900123,quiet'), `/outbox/${name}`);
        await waitForReport(mine, name);
      } finally {
        await mine.end();
      }
      await t.app.get(BatchFileProcessor).drain();
      expect((await readRequestLog(t, { credentialId: own.id })).rows).toEqual([]);
      await refusalOf(sftpConnect(t, own.username, `${secret}-wrong`));
      expect((await readRequestLog(t, { credentialId: own.id })).rows.map((r) => r.outcome)).toEqual(['bad_secret']);
    });
  });

  describe('sessions end when their credential changes (SSH DISCONNECT within 2 s)', () => {
    it.each([
      [
        'blocking',
        'the credential was blocked',
        (c: IssuedCredential) =>
          t.http.patch(`/admin/v1/credentials/${c.id}`).set(t.auth()).send({ enabled: false }).expect(200),
      ],
      [
        'rotating without grace',
        'the credential was rotated',
        (c: IssuedCredential) => t.http.post(`/admin/v1/credentials/${c.id}/rotate`).set(t.auth()).send({}).expect(200),
      ],
      [
        'deleting',
        'the credential was deleted',
        (c: IssuedCredential) => t.http.delete(`/admin/v1/credentials/${c.id}`).set(t.auth()).expect(204),
      ],
    ])('%s', async (_action, text, act) => {
      const c = await ftpCredential();
      const { ssh, error } = await rawSsh(sshConfig(t, c.username, c.secret));
      expect(error).toBeNull();
      const other = await ftpCredential();
      const bystander = await sftpConnect(t, other.username, other.secret);
      try {
        await act(c);
        expect(await within(ssh.closed, SESSION_END_MS)).toBe(true);
        expect(ssh.disconnect()).toEqual({ reason: 11, text: expect.stringContaining(text) });
        // Other credentials' sessions carry on.
        expect(await bystander.realPath('.')).toBe('/');
      } finally {
        ssh.client.end();
        await bystander.end();
      }
    });

    it('suspending the account ends its sessions', async () => {
      const ownAccount = (await createMaster(t)).id;
      const c = await sftpDriver.createCredential(t, ownAccount);
      const { ssh, error } = await rawSsh(sshConfig(t, c.username, c.secret));
      expect(error).toBeNull();
      try {
        await t.http.patch(`/admin/v1/accounts/${ownAccount}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
        expect(await within(ssh.closed, SESSION_END_MS)).toBe(true);
        expect(ssh.disconnect()).toEqual({ reason: 11, text: 'session ended: the account was suspended' });
      } finally {
        ssh.client.end();
      }
    });

    it('rotating with a grace period keeps the session', async () => {
      const c = await ftpCredential();
      const client = await sftpConnect(t, c.username, c.secret);
      try {
        await t.http.post(`/admin/v1/credentials/${c.id}/rotate`).set(t.auth()).send({ graceSeconds: 600 }).expect(200);
        expect(await client.realPath('.')).toBe('/');
      } finally {
        await client.end();
      }
    });
  });
});

describe('SFTP bans (GATEHOUSE_BAN_THRESHOLD=3)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startSftpApp({ GATEHOUSE_BAN_THRESHOLD: '3', GATEHOUSE_BAN_SECONDS: '600' });
  });
  afterEach(async () => {
    await t.close();
  });

  /** After the ban even the right password is an auth failure, then a disconnect (1) that says why. */
  async function expectBanned(c: IssuedCredential): Promise<void> {
    const { ssh, error } = await rawSsh(sshConfig(t, c.username, c.secret));
    expect(error?.message).toMatch(/authentication methods failed/);
    expect(await within(ssh.closed, 10_000)).toBe(true);
    expect(ssh.disconnect()).toEqual({ reason: 1, text: expect.stringMatching(/too many failed logins/) });
    expect(await refusalOf(sftpConnect(t, c.username, c.secret, 'keyboard-interactive'))).toMatchObject({
      status: AUTH_FAILED,
    });
  }

  it('wrong passwords until the ban; then the right one is refused too, logged as one folded row', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const accountId = (await createMaster(t)).id;
    const c = await sftpDriver.createCredential(t, accountId);
    for (let i = 0; i < 2; i++) await refusalOf(sftpConnect(t, c.username, `${c.secret}-${i}`));
    // One short of the threshold the right password still works.
    await (await sftpConnect(t, c.username, c.secret)).end();
    await refusalOf(sftpConnect(t, c.username, `${c.secret}-2`));
    await expectBanned(c);

    const banned = await readRequestLog(t, { channel: 'ftp', outcome: 'banned', from });
    expect(banned.rows.filter((r) => r.username === c.username)).toEqual([
      expect.objectContaining({
        operation: 'sftp.login',
        status: '51',
        count: 2,
        credentialId: null,
        peer: '127.0.0.1',
      }),
    ]);
    expect(banned.raw).not.toContain(c.secret);
  });

  it('failed HTTP logins from the same address ban SFTP too', async () => {
    const accountId = (await createMaster(t)).id;
    const c = await sftpDriver.createCredential(t, accountId);
    await (await sftpConnect(t, c.username, c.secret)).end();
    // Unknown usernames score 2 each: two of them pass the threshold of 3.
    for (let i = 0; i < 2; i++) {
      await t.http
        .get(`/http/send?username=${unique('ghost')}&password=wrong-password-123&to=%2B447700900123&text=hi`)
        .expect(401);
    }
    await expectBanned(c);
  });
});

describe('SFTP connections per address (GATEHOUSE_MAX_CONNECTIONS_PER_PEER=2)', () => {
  const sockets: net.Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));

  /** A raw TCP connection: what the server sends first, or `closed` if it closes without a word. */
  function connect(port: number): Promise<{ socket: net.Socket; first: string }> {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.once('error', () => resolve({ socket, first: 'closed' }));
      socket.once('data', (data) => resolve({ socket, first: data.toString('latin1') }));
      socket.once('close', () => resolve({ socket, first: 'closed' }));
    });
  }

  it('past the limit a connection is dropped before the SSH identification; closing one frees a slot', async () => {
    const app = await startSftpApp({ GATEHOUSE_MAX_CONNECTIONS_PER_PEER: '2' });
    try {
      const port = sftpPort(app);
      const held = [await connect(port), await connect(port)];
      for (const { first } of held) expect(first).toMatch(/^SSH-2\.0-Gatehouse\r\n/);
      expect((await connect(port)).first).toBe('closed');

      held[0].socket.destroy();
      // The slot is freed when the server sees the close: poll, within a deadline.
      expect(
        await eventually(async () => {
          const { socket, first } = await connect(port);
          socket.destroy();
          return first.startsWith('SSH-2.0-');
        }),
      ).toBe(true);
    } finally {
      sockets.splice(0).forEach((socket) => socket.destroy());
      await app.close();
    }
  });
});

describe('SFTP host key', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-hostkey-'));
    dirs.push(dir);
    return dir;
  };

  it('is generated at first start (Ed25519, 0600), fingerprinted as ssh-keygen does, and reused after a restart', async () => {
    const first = await startSftpApp();
    const file = path.join(first.dataDir, GENERATED_HOST_KEY_FILE);
    let fingerprint: string | null;
    try {
      fingerprint = sftpListener(first).hostKeyFingerprint();
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
      expect(await keygenFingerprint(file)).toBe(fingerprint);
    } finally {
      await first.close({ keepDataDir: true });
    }
    const second = await startSftpApp({}, { reuse: first });
    try {
      expect(sftpListener(second).hostKeyFingerprint()).toBe(fingerprint);
      const accountId = (await createMaster(second)).id;
      const c = await sftpDriver.createCredential(second, accountId);
      // sshConfig pins the announced fingerprint: the served key is that key.
      await (await sftpConnect(second, c.username, c.secret)).end();
    } finally {
      await second.close();
    }
  });

  it('GATEHOUSE_SFTP_HOST_KEY is used instead (here an ECDSA key made by ssh-keygen)', async () => {
    const file = path.join(tempDir(), 'host_key');
    expect((await run(SSH_KEYGEN, ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', file])).code).toBe(0);
    const app = await startSftpApp({ GATEHOUSE_SFTP_HOST_KEY: file });
    try {
      expect(sftpListener(app).hostKeyFingerprint()).toBe(await keygenFingerprint(file));
      expect(fs.existsSync(path.join(app.dataDir, GENERATED_HOST_KEY_FILE))).toBe(false);
      const accountId = (await createMaster(app)).id;
      const c = await sftpDriver.createCredential(app, accountId);
      await (await sftpConnect(app, c.username, c.secret)).end();
    } finally {
      await app.close();
    }
  });

  it('an unusable GATEHOUSE_SFTP_HOST_KEY stops the start with a message naming it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'not_a_key');
    fs.writeFileSync(file, 'not a key\n', { mode: 0o600 });
    await expect(
      startSftpApp({ GATEHOUSE_SFTP_HOST_KEY: file, GATEHOUSE_DATA_DIR: path.join(dir, 'data') }),
    ).rejects.toThrow(/GATEHOUSE_SFTP_HOST_KEY: .*not_a_key is not a private key/);
  });
});

describe('SFTP large pipelined transfers (flow control)', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startSftpApp({ GATEHOUSE_FTP_MAX_UPLOAD_BYTES: String(64 * 1024 * 1024) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sftp-big-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a client with 512 requests in flight (16 MiB, past the 8 MiB the session takes at once) uploads and downloads 24 MiB intact', async () => {
    const accountId = (await createMaster(t)).id;
    const c = await sftpDriver.createCredential(t, accountId);
    const source = path.join(dir, 'big.bin');
    const data = crypto.randomBytes(24 * 1024 * 1024);
    fs.writeFileSync(source, data);
    const client = await sftpConnect(t, c.username, c.secret);
    try {
      await client.fastPut(source, '/outbox/big.bin', { concurrency: 512, chunkSize: 32 * 1024 });
      const back = path.join(dir, 'back.bin');
      await client.fastGet('/outbox/big.bin', back, { concurrency: 512, chunkSize: 32 * 1024 });
      const digest = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
      expect(digest(fs.readFileSync(back))).toBe(digest(data));
    } finally {
      await client.end();
    }
  }, 120_000);
});

describe('SFTP listener stop', () => {
  it('stops accepting, ends idle sessions at once, lets an upload finish within the grace, then disconnects', async () => {
    const t = await startSftpApp();
    try {
      const accountId = (await createMaster(t)).id;
      const idle = await sftpDriver.createCredential(t, accountId);
      const busy = await sftpDriver.createCredential(t, accountId);
      const { ssh: idleSsh } = await rawSsh(sshConfig(t, idle.username, idle.secret));
      const uploader = await sftpConnect(t, busy.username, busy.secret);
      const closed = new Promise<void>((resolve) => uploader.on('close', () => resolve()));
      const name = `${unique('late')}.csv`;
      const handle = await open(uploader, `/outbox/${name}`, 'w');
      await write(uploader, handle, Buffer.from('to,body\r\n'), 0);

      const lateConfig = sshConfig(t, idle.username, idle.secret);
      const stopping = sftpListener(t).stop(30_000);
      expect(await within(idleSsh.closed, 10_000)).toBe(true);
      expect(idleSsh.disconnect()).toEqual({ reason: 11, text: 'server shutting down' });
      // No new connections; the upload in progress goes on and completes.
      const late = await rawSsh(lateConfig);
      expect(late.error).not.toBeNull();
      await write(uploader, handle, Buffer.from('+447700900123,finished while stopping\r\n'), 9);
      await closeHandle(uploader, handle);
      expect(await within(stopping, 10_000)).toBe(true);
      expect(await within(closed, 10_000)).toBe(true);
      await t.app.get(BatchFileProcessor).drain();
      const report = fs.readFileSync(path.join(treeOf(t, accountId), 'reports', `${name}.report.csv`), 'utf8');
      expect(parseReport(report)).toEqual([expect.objectContaining({ row: 1, status: 'accepted' })]);
    } finally {
      await t.close();
    }
  });
});

describe('OpenSSH sftp client', () => {
  let t: TestApp;
  let accountId: string;
  let hostKeyFile: string;
  beforeAll(async () => {
    t = await startSftpApp();
    accountId = (await createMaster(t)).id;
    hostKeyFile = path.join(t.dataDir, GENERATED_HOST_KEY_FILE);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['password', 'keyboard-interactive'] as const)(
    'logs in by %s with the host key pinned, uploads a batch and reads its report',
    async (method) => {
      const c = await sftpDriver.createCredential(t, accountId);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-openssh-files-'));
      try {
        const name = `${unique('cli')}.csv`;
        fs.writeFileSync(path.join(dir, name), csv('+447700900123,from openssh'));
        const result = await opensshSftp(t, {
          username: c.username,
          password: c.secret,
          method,
          hostKeyFile,
          commands: [`put ${path.join(dir, name)} /outbox/${name}`, 'ls -l /outbox', 'pwd'],
        });
        expect(result.output).toMatch(/Remote working directory: \//);
        expect(result.code).toBe(0);
        const client = await sftpConnect(t, c.username, c.secret);
        try {
          expect(parseReport(await waitForReport(client, name))).toEqual([
            expect.objectContaining({ row: 1, status: 'accepted' }),
          ]);
        } finally {
          await client.end();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('a wrong password is "Permission denied"', async () => {
    const c = await sftpDriver.createCredential(t, accountId);
    const result = await opensshSftp(t, {
      username: c.username,
      password: `${c.secret}-wrong`,
      hostKeyFile,
      commands: ['pwd'],
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Permission denied \(password,keyboard-interactive\)/);
  });

  it('legacy-only algorithms find no match', async () => {
    const c = await sftpDriver.createCredential(t, accountId);
    for (const option of [
      'KexAlgorithms=diffie-hellman-group14-sha1',
      'Ciphers=aes128-cbc',
      'MACs=hmac-sha1',
      'HostKeyAlgorithms=ssh-rsa',
    ]) {
      const result = await opensshSftp(t, {
        username: c.username,
        password: c.secret,
        hostKeyFile,
        commands: ['pwd'],
        sshOptions: [option, ...(option.startsWith('MACs') ? ['Ciphers=aes128-ctr'] : [])],
      });
      expect([option, result.code === 0]).toEqual([option, false]);
      expect(result.output).toMatch(/no matching/);
    }
  });
});

import { createHash } from 'node:crypto';
import SftpClient from 'ssh2-sftp-client';
import type { ConnectConfig, SFTPWrapper } from 'ssh2';
import { SftpListener } from '@gatehouse/channels/sftp';
import { IssuedCredential, createCredential } from '../factories';
import { TestApp, unique } from '../test-app';
import type { ChannelDriver, ChannelSession, Outcome, RawAnswer, Refusal } from './index';

/**
 * SFTP (DESIGN.md §2, `ftp` row): ssh2 on GATEHOUSE_SFTP_PORT with the FTP credential, by
 * password or keyboard-interactive; a batch CSV uploaded into /outbox/ becomes submissions and
 * a report in /reports/. The app must run the `sftp` listener (GATEHOUSE_LISTENERS=http,sftp,
 * GATEHOUSE_SFTP_PORT=0).
 *
 * How SSH says no: every login refusal is an authentication failure (SSH_MSG_USERAUTH_FAILURE,
 * logged as status 51); the client cannot tell a wrong secret from a blocked credential or a
 * ban. Path refusals are SFTP statuses (3 PERMISSION_DENIED, 2 NO_SUCH_FILE, 4 FAILURE).
 */

export const AUTH_FAILED = 51;
const STATUS_NAMES: Record<number, string> = {
  1: 'eof',
  2: 'no_such_file',
  3: 'permission_denied',
  4: 'failure',
  8: 'op_unsupported',
};
const REPORT_TIMEOUT_MS = 20_000;

export type SftpMethod = 'password' | 'keyboard-interactive';

export function sftpListener(t: TestApp): SftpListener {
  return t.app.get(SftpListener);
}

export function sftpPort(t: TestApp): number {
  const address = sftpListener(t).address();
  if (!address) throw new Error('the sftp listener is not running: start the app with GATEHOUSE_LISTENERS=http,sftp');
  return address.port;
}

/** ssh2 connection settings for a login with one method only, pinned to the listener's host key. */
export function sshConfig(
  t: TestApp,
  username: string,
  secret: string,
  method: SftpMethod = 'password',
  extra: Partial<ConnectConfig> = {},
): ConnectConfig {
  const fingerprint = sftpListener(t).hostKeyFingerprint();
  return {
    host: '127.0.0.1',
    port: sftpPort(t),
    username,
    password: secret,
    tryKeyboard: method === 'keyboard-interactive',
    authHandler: method === 'password' ? ['none', 'password'] : ['none', 'keyboard-interactive'],
    // The served key must be the one the listener announces (what a known_hosts entry pins).
    hostVerifier: (key: Buffer) =>
      `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === fingerprint,
    readyTimeout: 20_000,
    ...extra,
  };
}

/** Logs in with ssh2-sftp-client; keyboard-interactive answers the one prompt with the secret. */
export async function sftpConnect(
  t: TestApp,
  username: string,
  secret: string,
  method: SftpMethod = 'password',
  extra: Partial<ConnectConfig> = {},
): Promise<SftpClient> {
  // Its default global listeners print every close to the console.
  const quiet = () => undefined;
  const client = new SftpClient('gatehouse-test', { error: quiet, end: quiet, close: quiet });
  if (method === 'keyboard-interactive') {
    client.on('keyboard-interactive', (...args: unknown[]) => {
      const finish = args[4] as (answers: string[]) => void;
      finish([secret]);
    });
  }
  await client.connect(sshConfig(t, username, secret, method, extra));
  return client;
}

/** ssh2's SFTP channel under an ssh2-sftp-client, for requests the wrapper has no method for. */
export function rawSftp(client: SftpClient): SFTPWrapper {
  return (client as unknown as { sftp: SFTPWrapper }).sftp;
}

/** Runs one callback-style request on the raw channel. */
export function rawRequest<T = void>(
  client: SftpClient,
  call: (sftp: SFTPWrapper, done: (err: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    call(rawSftp(client), (err, value) => (err ? reject(err) : resolve(value as T))),
  );
}

/** The rows of a report (`row,status,submission_id,error`, CRLF), header dropped. */
export function parseReport(text: string): Array<{ row: number; status: string; id: string; error: string }> {
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const [row, status, id, ...error] = line.split(',');
      return { row: Number(row), status, id, error: error.join(',') };
    });
}

/** Polls `/reports/<name>.report.csv` (`batch.csv` → `batch.csv.report.csv`) over this connection until it is there (batches are processed in the background). */
export async function waitForReport(client: SftpClient, name: string, timeoutMs = REPORT_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const report = `/reports/${name}.report.csv`;
  for (;;) {
    if ((await client.exists(report)) === '-') return ((await client.get(report)) as Buffer).toString('utf8');
    if (Date.now() > deadline) throw new Error(`no report for ${name} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A refusal as this driver reports it: a failed login is SSH's auth failure, an SFTP error its status. */
export function sftpRefusal(err: unknown): Refusal {
  const message = err instanceof Error ? err.message : String(err);
  if (/authentication methods failed/i.test(message)) {
    return { ok: false, status: AUTH_FAILED, code: 'auth_failed', text: message };
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && STATUS_NAMES[code]) {
    return { ok: false, status: code, code: STATUS_NAMES[code], text: message };
  }
  throw new Error(`SFTP: neither an auth failure nor an SFTP status: ${message}`);
}

/** Uploads a one-row batch and reads the submission id from its report. */
async function submitWith(t: TestApp, c: IssuedCredential, secret: string, method: SftpMethod): Promise<Outcome> {
  let client: SftpClient;
  try {
    client = await sftpConnect(t, c.username, secret, method);
  } catch (err) {
    return sftpRefusal(err);
  }
  try {
    const name = `${unique('batch')}.csv`;
    await client.put(Buffer.from(`to,body\r\n+447700900123,conformance ${unique('m')}\r\n`), `/outbox/${name}`);
    const [row] = parseReport(await waitForReport(client, name));
    if (row?.status !== 'accepted') throw new Error(`SFTP: the batch row was not accepted: ${JSON.stringify(row)}`);
    return { ok: true, id: row.id };
  } finally {
    await client.end();
  }
}

/** One SFTP request that must be refused; `status` is the SFTP status code the client got. */
async function refusedRequest(
  t: TestApp,
  c: IssuedCredential,
  request: (client: SftpClient) => Promise<unknown>,
): Promise<RawAnswer> {
  const client = await sftpConnect(t, c.username, c.secret);
  try {
    await request(client);
    return { status: 0, body: 'accepted' };
  } catch (err) {
    const refusal = sftpRefusal(err);
    return { status: refusal.status, body: refusal.text };
  } finally {
    await client.end();
  }
}

const batch = (text: string) => Buffer.from(`to,body\r\n+447700900123,${text}\r\n`);

export const sftpDriver: ChannelDriver = {
  name: 'sftp',
  channel: 'ftp',
  // A refused login is logged as `sftp.login`; an accepted upload also writes `sftp.WRITE` and
  // its batch a `file.batch` row.
  operation: 'sftp.login',
  submitOperations: ['sftp.login', 'sftp.WRITE', 'file.batch'],
  appEnv: { GATEHOUSE_LISTENERS: 'http,sftp', GATEHOUSE_SFTP_PORT: '0' },

  // Legacy file clients bring their own username and password.
  createCredential: (t, accountId, input = {}) =>
    createCredential(t, accountId, {
      channel: 'ftp',
      username: unique('sftp-user'),
      secret: `Sftp-Pass-${unique('pw')}`,
      ...input,
    }),

  submit: (t, c) => submitWith(t, c, c.secret, 'password'),

  logins: [
    { name: 'password', attempt: (t, c, secret) => submitWith(t, c, secret, 'password') },
    { name: 'keyboard-interactive', attempt: (t, c, secret) => submitWith(t, c, secret, 'keyboard-interactive') },
  ],

  refusals: {
    invalidCredentials: { status: AUTH_FAILED, code: 'auth_failed' },
    disabled: { status: AUTH_FAILED, code: 'auth_failed' },
    banned: { status: AUTH_FAILED, code: 'auth_failed' },
    // SSH cannot say why before authentication: a login over the limit is one more failure.
    rateLimited: { status: AUTH_FAILED, code: 'auth_failed' },
  },

  errorCode: (answer) => (answer.status === AUTH_FAILED ? 'auth_failed' : STATUS_NAMES[answer.status]),

  malformed: [
    {
      name: 'an upload path climbing out of the tree (../)',
      expected: { status: 3, code: 'permission_denied' },
      send: (t, c) => refusedRequest(t, c, (s) => s.put(batch(c.secret), '/outbox/../../../etc/escape.csv')),
    },
    {
      name: 'a path with backslashes',
      expected: { status: 3, code: 'permission_denied' },
      send: (t, c) => refusedRequest(t, c, (s) => s.put(batch(c.secret), '/outbox/..\\..\\escape.csv')),
    },
    {
      name: 'a NUL in the file name',
      expected: { status: 3, code: 'permission_denied' },
      send: (t, c) => refusedRequest(t, c, (s) => s.put(batch(c.secret), '/outbox/a\u0000.csv')),
    },
    {
      name: 'an upload outside /outbox/',
      expected: { status: 3, code: 'permission_denied' },
      send: (t, c) => refusedRequest(t, c, (s) => s.put(batch(c.secret), '/reports/forged.report.csv')),
    },
    {
      name: 'a symlink',
      expected: { status: 3, code: 'permission_denied' },
      send: (t, c) =>
        refusedRequest(t, c, (s) => rawRequest(s, (raw, done) => raw.symlink('/etc/passwd', '/outbox/passwd', done))),
    },
  ],

  openSession: async (t, c): Promise<ChannelSession> => {
    const client = await sftpConnect(t, c.username, c.secret);
    let ended = false;
    const endedNow = new Promise<void>((resolve) =>
      client.on('close', () => {
        ended = true;
        resolve();
      }),
    );
    return {
      isAlive: async () => !ended && (await client.realPath('.')) === '/',
      endedWithin: async (timeoutMs) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([endedNow, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
        return ended;
      },
      close: async () => {
        if (!ended) await client.end().catch(() => undefined);
      },
    };
  },
};

import { IssuedCredential, createCredential } from '../factories';
import { FtpReply, RawFtp } from '../ftp-clients';
import { ftpFor } from '../ftp-server';
import { TestApp, unique } from '../test-app';
import { replyCodes } from './reply-codes';
import type { ChannelDriver, ChannelSession, Outcome, RawAnswer } from './index';

/**
 * FTP (DESIGN.md §2, `ftp` row) over a raw control connection: USER/PASS with the FTP
 * credential, a one-row batch CSV stored into /outbox/ through a passive data connection, its
 * submission id read back from /reports/<name>.report.csv. The FTP listener is the app's own
 * (GATEHOUSE_LISTENERS=http,ftp with GATEHOUSE_FTP_PORT=0), or one attached to the app on first
 * use (support/ftp-server.ts): either way it shares the app's ban list and session registry.
 *
 * How FTP says no: `status` is the reply code (530 refused login, 421 banned — at connect, before
 * any login — or a session ended, 5xx for refused commands); `code` is named by the reply's text
 * (FTP has no error codes of its own); `retryAfter` is the "try again in N seconds" of a ban.
 */

const REPORT_TIMEOUT_MS = 20_000;

/** The reply texts the listener sends (libs/channels/src/ftp/ftp-replies.ts and ftp-session.ts), by code name. */
const TEXT_CODES: Array<[RegExp, string]> = [
  [/^Login incorrect\.$/, 'invalid_credentials'],
  [/^Login refused: this credential is blocked\.$/, 'credential_disabled'],
  [/^Login refused: this credential has expired\.$/, 'credential_expired'],
  [/^Login refused: the account is suspended\.$/, 'account_suspended'],
  [/^Login refused: your address is not allowed/, 'ip_not_allowed'],
  [/^Too many failed logins from your address/, 'banned'],
  [/^Over this credential's rate limit/, 'rate_limited'],
  [/^Permission denied\.$/, 'permission_denied'],
  [/^File name not allowed\.$/, 'invalid_name'],
  [/^No such file or directory\.$/, 'not_found'],
  [/^Control characters are not allowed/, 'control_characters'],
  [/^Command line too long\.$/, 'line_too_long'],
  [/^Data connections go to your own address only\.$/, 'foreign_address'],
  [/^Upload refused: larger than/, 'too_large'],
];

const { refusal, errorCode } = replyCodes('FTP', TEXT_CODES);

/** A control connection to the app's FTP listener; a refusal at connect (a ban) comes back as its 421. */
async function connect(t: TestApp): Promise<{ raw: RawFtp; greeting: FtpReply }> {
  const raw = await RawFtp.connect((await ftpFor(t)).port);
  return { raw, greeting: await raw.greeting };
}

/** Stores `content` at `path` over a passive data connection; the STOR's final reply. */
async function stor(raw: RawFtp, path: string, content: string | Buffer): Promise<FtpReply> {
  const pasv = await raw.pasv();
  if (pasv.reply.code !== 227) return pasv.reply;
  const data = await pasv.connect();
  const first = await raw.send(`STOR ${path}`);
  if (first.code !== 150) {
    data.socket.destroy();
    return first;
  }
  data.socket.end(content);
  return raw.read();
}

/** Reads a file over a passive data connection, or null if RETR is refused. */
async function retr(raw: RawFtp, path: string): Promise<string | null> {
  const pasv = await raw.pasv();
  const data = await pasv.connect();
  const first = await raw.send(`RETR ${path}`);
  if (first.code !== 150) {
    data.socket.destroy();
    return null;
  }
  await data.ended;
  const done = await raw.read();
  if (done.code !== 226) throw new Error(`FTP: RETR ${path} ended with ${done.code} ${done.text}`);
  return data.received().toString('utf8');
}

/** Polls for a batch's report (processed in the background) and returns its one row. */
async function reportRow(raw: RawFtp, name: string): Promise<string[]> {
  const deadline = Date.now() + REPORT_TIMEOUT_MS;
  for (;;) {
    const report = await retr(raw, `/reports/${name}.report.csv`);
    if (report !== null) return report.split(/\r?\n/)[1].split(',');
    if (Date.now() > deadline) throw new Error(`FTP: no report for ${name} within ${REPORT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Logs in with `secret`; a one-row batch goes in, its submission id comes back from the report. */
async function submitWith(t: TestApp, c: IssuedCredential, secret: string): Promise<Outcome> {
  const { raw, greeting } = await connect(t);
  try {
    if (greeting.code !== 220) return refusal(greeting);
    const login = await raw.login(c.username, secret);
    if (login.code !== 230) return refusal(login);
    const name = `${unique('batch')}.csv`;
    const stored = await stor(raw, `/outbox/${name}`, `to,body\r\n+447700900123,conformance ${unique('m')}\r\n`);
    if (stored.code !== 226) return refusal(stored);
    const [, status, id] = await reportRow(raw, name);
    if (status !== 'accepted') throw new Error(`FTP: the batch row was not accepted: ${status}`);
    return { ok: true, id };
  } finally {
    raw.close();
  }
}

/** One logged-in exchange that must be refused: the refusing reply, and every reply's text. */
async function refused(
  t: TestApp,
  c: IssuedCredential,
  exchange: (raw: RawFtp) => Promise<FtpReply>,
): Promise<RawAnswer> {
  const { raw } = await connect(t);
  try {
    const login = await raw.login(c.username, c.secret);
    if (login.code !== 230) throw new Error(`FTP: login failed: ${login.code} ${login.text}`);
    const reply = await exchange(raw);
    return { status: reply.code, body: [...reply.lines, ...raw.pending().flatMap((r) => r.lines)].join('\r\n') };
  } finally {
    raw.close();
  }
}

const batch = (text: string) => `to,body\r\n+447700900123,${text}\r\n`;

export const ftpDriver: ChannelDriver = {
  name: 'ftp',
  channel: 'ftp',
  operation: 'ftp.login',
  submitOperations: ['ftp.login', 'ftp.STOR', 'file.batch'],
  appEnv: { GATEHOUSE_LISTENERS: 'http,ftp', GATEHOUSE_FTP_PORT: '0', GATEHOUSE_FTP_PASV_PORTS: '47000-47999' },
  refusesBannedAtConnect: true,

  // Legacy file clients bring their own username and password.
  createCredential: (t, accountId, input = {}) =>
    createCredential(t, accountId, {
      channel: 'ftp',
      username: unique('ftp-user'),
      secret: `Ftp-Pass-${unique('pw')}`,
      ...input,
    }),

  submit: (t, c) => submitWith(t, c, c.secret),

  logins: [{ name: 'USER/PASS', attempt: (t, c, secret) => submitWith(t, c, secret) }],

  refusals: {
    invalidCredentials: { status: 530, code: 'invalid_credentials' },
    disabled: { status: 530, code: 'credential_disabled' },
    banned: { status: 421, code: 'banned', retryAfter: true },
    rateLimited: { status: 421, code: 'rate_limited', retryAfter: true },
  },

  errorCode,

  malformed: [
    {
      name: 'an upload path climbing out of the tree (../)',
      expected: { status: 550, code: 'permission_denied' },
      send: (t, c) => refused(t, c, (raw) => stor(raw, `/outbox/../../../etc/${c.secret}.csv`, batch(c.secret))),
    },
    {
      name: 'a path with backslashes (CVE-2020-26299)',
      expected: { status: 553, code: 'invalid_name' },
      send: (t, c) => refused(t, c, (raw) => stor(raw, `/outbox/..\\..\\${c.secret}.csv`, batch(c.secret))),
    },
    {
      name: 'a NUL in the file name',
      expected: { status: 501, code: 'control_characters' },
      send: (t, c) => refused(t, c, (raw) => raw.send(Buffer.from(`STOR /outbox/a\u0000${c.secret}.csv\r\n`))),
    },
    {
      name: 'an upload outside /outbox/',
      expected: { status: 550, code: 'permission_denied' },
      send: (t, c) => refused(t, c, (raw) => stor(raw, '/reports/forged.report.csv', batch(c.secret))),
    },
    {
      name: 'PORT to a foreign host (FTP bounce, CVE-2020-15152)',
      expected: { status: 504, code: 'foreign_address' },
      send: (t, c) => refused(t, c, (raw) => raw.send('PORT 192,0,2,1,200,10')),
    },
    {
      name: 'a command line over 4096 bytes',
      expected: { status: 500, code: 'line_too_long' },
      send: (t, c) => refused(t, c, (raw) => raw.send(`NOOP ${c.secret.repeat(Math.ceil(5000 / c.secret.length))}`)),
    },
  ],

  openSession: async (t, c): Promise<ChannelSession> => {
    const { raw, greeting } = await connect(t);
    if (greeting.code !== 220) throw new Error(`FTP: refused at connect: ${greeting.code} ${greeting.text}`);
    const login = await raw.login(c.username, c.secret);
    if (login.code !== 230) throw new Error(`FTP: login failed: ${login.code} ${login.text}`);
    return {
      isAlive: async () => !raw.isClosed && (await raw.send('PWD')).code === 257,
      endedWithin: (timeoutMs) => raw.closedWithin(timeoutMs),
      close: () => Promise.resolve(raw.close()),
    };
  },
};

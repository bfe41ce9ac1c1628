import { SmtpListener } from '@gatehouse/channels/smtp';
import { IssuedCredential, createCredential } from '../factories';
import { RawSmtp, SmtpReply, plainMessage } from '../smtp-clients';
import { TestApp, unique } from '../test-app';
import { replyCodes } from './reply-codes';
import type { ChannelDriver, ChannelSession, LoginForm, Outcome, RawAnswer, Refusal } from './index';

/**
 * SMTP (DESIGN.md §2, `email` row) over a raw connection: EHLO, AUTH PLAIN or LOGIN with the
 * email credential, one mail to `<number>@<sms domain>`, whose 250 names the submission. The
 * app runs the `smtp` listener with GATEHOUSE_SMTP_INSECURE_AUTH=true (no certificate in the
 * shared conformance app); STARTTLS is the SMTP suite's own (channel-smtp.e2e-spec.ts).
 *
 * How SMTP says no: `status` is the reply code (535 refused AUTH, 421 banned — at connect,
 * before any AUTH — or a session ended, 5xx for refused commands); `code` is named by the reply's
 * text (after its enhanced status code); `retryAfter` is the "try again in N seconds" of a ban.
 */

const NUMBER = '+447700900123';

const TEXT_CODES: Array<[RegExp, string]> = [
  [/^Authentication credentials invalid\.$/, 'invalid_credentials'],
  [/^Authentication refused: this credential is blocked\.$/, 'credential_disabled'],
  [/^Authentication refused: this credential has expired\.$/, 'credential_expired'],
  [/^Authentication refused: the account is suspended\.$/, 'account_suspended'],
  [/^Authentication refused: your address is not allowed/, 'ip_not_allowed'],
  [/^Too many failed logins from your address/, 'banned'],
  [/^Over this credential's rate limit/, 'rate_limited'],
  [/^Relaying denied/, 'relay_denied'],
  [/^Recipient is not a phone number/, 'not_a_number'],
  [/^Error: Command line too long$/, 'line_too_long'],
  [/^Message too big/, 'too_large'],
];

const { refusal, errorCode } = replyCodes('SMTP', TEXT_CODES, (text) => text.replace(/^\d\.\d{1,3}\.\d{1,3} /, ''));

function smtpPort(t: TestApp): number {
  const address = t.app.get(SmtpListener).address();
  if (!address) throw new Error('the smtp listener is not running: start the app with GATEHOUSE_LISTENERS=http,smtp');
  return address.port;
}

type Auth = (raw: RawSmtp, username: string, secret: string) => Promise<SmtpReply>;
const authPlain: Auth = (raw, username, secret) => raw.authPlain(username, secret);
const authLogin: Auth = (raw, username, secret) => raw.authLogin(username, secret);

/** Connects, EHLOs and logs in: the logged-in connection, or the refusal (at connect or AUTH). */
async function login(
  t: TestApp,
  c: IssuedCredential,
  secret: string,
  auth: Auth,
): Promise<{ raw: RawSmtp } | { refusal: Refusal }> {
  const raw = await RawSmtp.connect(smtpPort(t));
  const greeting = await raw.greeting;
  if (greeting.code !== 220) {
    raw.close();
    return { refusal: refusal(greeting) };
  }
  await raw.ehlo();
  const reply = await auth(raw, c.username, secret);
  if (reply.code !== 235) {
    raw.close();
    return { refusal: refusal(reply) };
  }
  return { raw };
}

async function submitWith(t: TestApp, c: IssuedCredential, secret: string, auth: Auth = authPlain): Promise<Outcome> {
  const session = await login(t, c, secret, auth);
  if ('refusal' in session) return session.refusal;
  const { raw } = session;
  try {
    const replies = await raw.mail(
      'monitor@example.com',
      [`${NUMBER}@${t.config.smtp.smsDomain}`],
      plainMessage(`conformance ${unique('m')}`),
    );
    const last = replies.at(-1)!;
    if (last.code !== 250) return refusal(last);
    const id = /Accepted: (\S+)/.exec(last.text)?.[1];
    if (!id) throw new Error(`SMTP: a 250 without a submission id: ${last.text}`);
    return { ok: true, id };
  } finally {
    raw.close();
  }
}

/** One logged-in exchange that must be refused: the refusing reply, and every reply's text. */
async function refused(
  t: TestApp,
  c: IssuedCredential,
  exchange: (raw: RawSmtp) => Promise<SmtpReply>,
): Promise<RawAnswer> {
  const session = await login(t, c, c.secret, authPlain);
  if ('refusal' in session) throw new Error(`SMTP: login failed: ${session.refusal.status} ${session.refusal.text}`);
  const { raw } = session;
  try {
    const reply = await exchange(raw);
    return { status: reply.code, body: [...reply.lines, ...raw.pending().flatMap((r) => r.lines)].join('\r\n') };
  } finally {
    raw.close();
  }
}

const logins: [LoginForm, ...LoginForm[]] = [
  { name: 'AUTH PLAIN', attempt: (t, c, secret) => submitWith(t, c, secret, authPlain) },
  { name: 'AUTH LOGIN', attempt: (t, c, secret) => submitWith(t, c, secret, authLogin) },
];

export const smtpDriver: ChannelDriver = {
  name: 'smtp',
  channel: 'email',
  operation: 'smtp.AUTH',
  submitOperations: ['smtp.AUTH', 'smtp.DATA'],
  appEnv: { GATEHOUSE_LISTENERS: 'http,smtp', GATEHOUSE_SMTP_PORT: '0', GATEHOUSE_SMTP_INSECURE_AUTH: 'true' },
  refusesBannedAtConnect: true,

  // Mail systems and printers are configured with a username and password of their own.
  createCredential: (t, accountId, input = {}) =>
    createCredential(t, accountId, {
      channel: 'email',
      username: unique('mailer'),
      secret: `Mail-Pass-${unique('pw')}`,
      ...input,
    }),

  submit: (t, c) => submitWith(t, c, c.secret),
  logins,

  refusals: {
    invalidCredentials: { status: 535, code: 'invalid_credentials' },
    disabled: { status: 535, code: 'credential_disabled' },
    banned: { status: 421, code: 'banned', retryAfter: true },
    rateLimited: { status: 451, code: 'rate_limited', retryAfter: true },
  },

  errorCode,

  malformed: [
    {
      name: 'a relay attempt to another domain, the secret in the address',
      expected: { status: 550, code: 'relay_denied' },
      send: (t, c) =>
        refused(t, c, async (raw) => {
          await raw.send('MAIL FROM:<a@example.com>');
          return raw.send(`RCPT TO:<${c.secret}@example.com>`);
        }),
    },
    {
      name: 'a recipient that is not a number, the secret as its local part',
      expected: { status: 550, code: 'not_a_number' },
      send: (t, c) =>
        refused(t, c, async (raw) => {
          await raw.send('MAIL FROM:<a@example.com>');
          return raw.send(`RCPT TO:<${c.secret}@${t.config.smtp.smsDomain}>`);
        }),
    },
    {
      name: 'a command line over the limit',
      expected: { status: 421, code: 'line_too_long' },
      send: (t, c) => refused(t, c, (raw) => raw.send(`NOOP ${c.secret.repeat(Math.ceil(5000 / c.secret.length))}`)),
    },
  ],

  openSession: async (t, c): Promise<ChannelSession> => {
    const session = await login(t, c, c.secret, authPlain);
    if ('refusal' in session) throw new Error(`SMTP: login failed: ${session.refusal.status} ${session.refusal.text}`);
    const { raw } = session;
    return {
      isAlive: async () => !raw.isClosed && (await raw.send('NOOP')).code === 250,
      endedWithin: (timeoutMs) => raw.closedWithin(timeoutMs),
      close: () => Promise.resolve(raw.close()),
    };
  },
};

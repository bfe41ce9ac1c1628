import type { Response } from 'supertest';
import { IssuedCredential, createCredential } from '../factories';
import { TestApp, unique } from '../test-app';
import type { ChannelDriver, Outcome, RawAnswer } from './index';

/**
 * The legacy HTTP channel (DESIGN.md §2): `/http/send` with `username`/`password` fields (query
 * or form) or Basic; answers `OK <id>` or `ERR <code> <message>` as text/plain.
 */

type Fields = Array<[string, string]>;

const SEND = '/http/send';
const qs = (fields: Fields): string => new URLSearchParams(fields).toString();
const message = (): Fields => [
  ['to', '+447700900123'],
  ['text', `conformance ${unique('m')}`],
];
const login = (c: IssuedCredential, secret = c.secret): Fields => [
  ['username', c.username],
  ['password', secret],
];

const raw = (res: Response): RawAnswer => ({ status: res.status, body: res.text });

/** `ERR <code> <message>`. */
const errorCode = (answer: RawAnswer): string | undefined => /^ERR (\S+) /.exec(answer.body)?.[1];

function outcome(res: Response): Outcome {
  const ok = /^OK (\S+)\n$/.exec(res.text);
  if (res.status === 200 && ok) return { ok: true, id: ok[1] };
  const code = errorCode(raw(res));
  // One line of text/plain, nothing else (no JSON or HTML error page).
  const plain = /^text\/plain/.test(String(res.headers['content-type'])) && /^ERR [^\n]+\n$/.test(res.text);
  if (res.status < 400 || code === undefined || !plain) {
    throw new Error(`HTTP: neither OK nor ERR: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const retryAfter = res.headers['retry-after'] as string | undefined;
  return { ok: false, status: res.status, code, ...(retryAfter === undefined ? {} : { retryAfter }), text: res.text };
}

const postForm = (t: TestApp, fields: Fields | string) =>
  t.http
    .post(SEND)
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .send(typeof fields === 'string' ? fields : qs(fields));

export const httpDriver: ChannelDriver = {
  name: 'http',
  channel: 'http',
  operation: 'http.send',

  // Legacy clients bring their own username and password (bcrypt-hashed, unlike generated secrets).
  createCredential: (t, accountId, input = {}) =>
    createCredential(t, accountId, {
      channel: 'http',
      username: unique('http-user'),
      secret: `Http-Pass-${unique('pw')}`,
      ...input,
    }),

  submit: async (t, c) => outcome(await t.http.get(`${SEND}?${qs([...login(c), ...message()])}`)),

  logins: [
    {
      name: 'GET with username/password query fields',
      attempt: async (t, c, secret) => outcome(await t.http.get(`${SEND}?${qs([...login(c, secret), ...message()])}`)),
    },
    {
      name: 'form POST with username/password fields',
      attempt: async (t, c, secret) => outcome(await postForm(t, [...login(c, secret), ...message()])),
    },
    {
      name: 'HTTP Basic',
      attempt: async (t, c, secret) => outcome(await t.http.get(`${SEND}?${qs(message())}`).auth(c.username, secret)),
    },
  ],

  errorCode,

  refusals: {
    invalidCredentials: { status: 401, code: 'invalid_credentials' },
    disabled: { status: 403, code: 'credential_disabled' },
    banned: { status: 429, code: 'banned', retryAfter: true },
    rateLimited: { status: 429, code: 'rate_limited', retryAfter: true },
  },

  malformed: [
    {
      name: 'text missing',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await t.http.get(`${SEND}?${qs([...login(c), ['to', '+447700900123']])}`)),
    },
    {
      // A repeated field parses to a list: this protocol's "wrong type".
      name: 'a field given twice (password)',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await t.http.get(`${SEND}?${qs([...login(c), ['password', c.secret], ...message()])}`)),
    },
    {
      name: 'a recipient with a space',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await postForm(t, [...login(c), ['to', '+44 7700 900123'], ['text', c.secret]])),
    },
    {
      name: 'a JSON body',
      expected: { status: 415, code: 'unsupported_media_type' },
      send: async (t, c) =>
        raw(
          await t.http
            .post(SEND)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify({ username: c.username, password: c.secret, text: 'hi' })),
        ),
    },
    {
      name: 'more form fields than the parser takes',
      expected: { status: 413, code: 'payload_too_large' },
      send: async (t, c) =>
        raw(
          await postForm(t, [
            ...login(c),
            ...message(),
            ...Array.from({ length: 120 }, (_, i): [string, string] => [`x${i}`, '1']),
          ]),
        ),
    },
    {
      name: 'a form over the 1 MiB limit',
      expected: { status: 413, code: 'payload_too_large' },
      send: async (t, c) => raw(await postForm(t, [...login(c), ['text', 'x'.repeat(1024 * 1024 + 10)]])),
    },
  ],
};

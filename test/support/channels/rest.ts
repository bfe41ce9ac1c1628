import type { Response } from 'supertest';
import { IssuedCredential, createCredential } from '../factories';
import { TestApp, unique } from '../test-app';
import type { ChannelDriver, Outcome, RawAnswer } from './index';

/** REST (DESIGN.md §2): JSON over HTTP, bearer key or Basic `username:key`, JSON `error.code`. */

const MESSAGES = '/rest/v1/messages';
const message = () => ({ to: ['+447700900123'], body: `conformance ${unique('m')}` });

const raw = (res: Response): RawAnswer => ({ status: res.status, body: res.text });

/** `error.code` of the JSON error shape (DESIGN.md §3). */
function errorCode(answer: RawAnswer): string | undefined {
  try {
    const code = (JSON.parse(answer.body) as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function outcome(res: Response): Outcome {
  if (res.status === 202 && typeof res.body?.id === 'string') return { ok: true, id: res.body.id as string };
  const code = errorCode(raw(res));
  const json = /^application\/json/.test(String(res.headers['content-type']));
  if (res.status < 400 || code === undefined || !json) {
    throw new Error(`REST: neither an acceptance nor a JSON error: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const retryAfter = res.headers['retry-after'] as string | undefined;
  return { ok: false, status: res.status, code, ...(retryAfter === undefined ? {} : { retryAfter }), text: res.text };
}

const postJson = (t: TestApp, c: IssuedCredential, text: string) =>
  t.http.post(MESSAGES).set('Authorization', `Bearer ${c.secret}`).set('Content-Type', 'application/json').send(text);

export const restDriver: ChannelDriver = {
  name: 'rest',
  channel: 'rest',
  operation: 'rest.POST /rest/v1/messages',

  // REST keys are always generated (no custom username or secret).
  createCredential: (t, accountId, input = {}) => createCredential(t, accountId, { channel: 'rest', ...input }),

  submit: async (t, c) =>
    outcome(await t.http.post(MESSAGES).set('Authorization', `Bearer ${c.secret}`).send(message())),

  logins: [
    {
      name: 'Basic username:key',
      attempt: async (t, c, secret) => outcome(await t.http.post(MESSAGES).auth(c.username, secret).send(message())),
    },
    {
      name: 'Bearer key',
      attempt: async (t, c, secret) =>
        outcome(await t.http.post(MESSAGES).set('Authorization', `Bearer ${secret}`).send(message())),
    },
    {
      // Reads go through the same guard; the id is nobody's, so a login that got through would be a 404.
      name: 'Bearer key, GET /rest/v1/messages/:id',
      attempt: async (t, _c, secret) =>
        outcome(
          await t.http.get(`${MESSAGES}/01900000-0000-7000-8000-000000000000`).set('Authorization', `Bearer ${secret}`),
        ),
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
      name: 'malformed JSON',
      expected: { status: 400, code: 'invalid_json' },
      send: async (t, c) => raw(await postJson(t, c, `{"body": "${c.secret}",`)),
    },
    {
      name: 'a JSON array instead of an object',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await postJson(t, c, JSON.stringify([c.secret]))),
    },
    {
      name: 'body missing',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await postJson(t, c, JSON.stringify({ to: ['+447700900123'] }))),
    },
    {
      name: 'wrong types (to a string, body a number)',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await postJson(t, c, JSON.stringify({ to: c.secret, body: 5 }))),
    },
    {
      name: 'an unknown field holding the key',
      expected: { status: 400, code: 'validation_failed' },
      send: async (t, c) => raw(await postJson(t, c, JSON.stringify({ body: 'hi', key: c.secret }))),
    },
    {
      name: 'a body over the 1 MiB limit',
      expected: { status: 413, code: 'payload_too_large' },
      send: async (t, c) =>
        raw(await postJson(t, c, JSON.stringify({ body: `${c.secret}${'a'.repeat(1024 * 1024)}` }))),
    },
  ],
};

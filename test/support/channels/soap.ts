import type { Response } from 'supertest';
import { IssuedCredential, createCredential } from '../factories';
import { TestApp, unique } from '../test-app';
import type { ChannelDriver, Outcome, RawAnswer } from './index';

/**
 * The Web Service channel (DESIGN.md §2): SOAP 1.1 `SendMessage` at /ws/messaging, login in the
 * request elements or a WS-Security UsernameToken. Every failure is a fault whose faultstring is
 * `code: message` and whose detail holds `<gh:code>`; faults are HTTP 500 except refusals at
 * the HTTP layer (413, 415, 405). Raw XML, so the driver sees exactly what a client gets.
 */

const WS = '/ws/messaging';
const NS = 'urn:gatehouse:messaging:v1';
const ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

const xml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const envelope = (body: string, header = ''): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ENV_NS}" xmlns:m="${NS}">` +
  (header ? `<soap:Header>${header}</soap:Header>` : '') +
  `<soap:Body>${body}</soap:Body></soap:Envelope>`;

const sendMessage = (fields: Record<string, string>): string =>
  `<m:SendMessage>${Object.entries(fields)
    .map(([name, value]) => `<m:${name}>${xml(value)}</m:${name}>`)
    .join('')}</m:SendMessage>`;

const usernameToken = (username: string, password: string): string =>
  `<wsse:Security xmlns:wsse="${WSSE_NS}"><wsse:UsernameToken><wsse:Username>${xml(username)}</wsse:Username>` +
  `<wsse:Password>${xml(password)}</wsse:Password></wsse:UsernameToken></wsse:Security>`;

const message = () => ({ to: '+447700900123', body: `conformance ${unique('m')}` });
const login = (c: IssuedCredential, secret = c.secret) => ({ username: c.username, password: secret });

const post = (t: TestApp, body: string | Buffer, contentType = 'text/xml; charset=utf-8') =>
  t.http.post(WS).set('Content-Type', contentType).send(body);

const raw = (res: Response): RawAnswer => ({ status: res.status, body: res.text });

/** The fault's code, from faultstring (`code: message`) and detail (`<gh:code>`); undefined if not a fault. */
function faultCode(body: string): string | undefined {
  const faultstring = /<faultstring>([a-z_]+): [^<]*<\/faultstring>/.exec(body)?.[1];
  const detail = /<gh:code>([a-z_]+)<\/gh:code>/.exec(body)?.[1];
  if (faultstring !== detail) {
    throw new Error(`SOAP: faultstring and detail disagree (${faultstring} / ${detail}): ${body.slice(0, 500)}`);
  }
  return faultstring;
}

function outcome(res: Response): Outcome {
  const id = /<(?:\w+:)?submissionId>([^<]+)<\/(?:\w+:)?submissionId>/.exec(res.text)?.[1];
  if (res.status === 200 && id) return { ok: true, id };
  const code = faultCode(res.text);
  // A refused login is the client's fault (DESIGN.md §2), in a SOAP 1.1 envelope.
  const clientFault =
    /^text\/xml/.test(String(res.headers['content-type'])) && res.text.includes('<faultcode>soap:Client</faultcode>');
  if (res.status < 400 || !code || !clientFault) {
    throw new Error(`SOAP: neither a result nor a soap:Client fault: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const retryAfter = res.headers['retry-after'] as string | undefined;
  if (retryAfter !== undefined) {
    // The fault says it too, for clients that never see HTTP headers.
    const inDetail = /<gh:retryAfterSeconds>(\d+)<\/gh:retryAfterSeconds>/.exec(res.text)?.[1];
    if (inDetail !== retryAfter) throw new Error(`SOAP: Retry-After ${retryAfter} but retryAfterSeconds ${inDetail}`);
  }
  return { ok: false, status: res.status, code, ...(retryAfter === undefined ? {} : { retryAfter }), text: res.text };
}

export const soapDriver: ChannelDriver = {
  name: 'webservice (SOAP)',
  channel: 'webservice',
  operation: 'soap.SendMessage',

  // Legacy clients bring their own username and password (bcrypt-hashed, unlike generated secrets).
  createCredential: (t, accountId, input = {}) =>
    createCredential(t, accountId, {
      channel: 'webservice',
      username: unique('soap-user'),
      secret: `Soap-Pass-${unique('pw')}`,
      ...input,
    }),

  submit: async (t, c) => outcome(await post(t, envelope(sendMessage({ ...login(c), ...message() })))),

  logins: [
    {
      name: 'username/password elements',
      attempt: async (t, c, secret) =>
        outcome(await post(t, envelope(sendMessage({ ...login(c, secret), ...message() })))),
    },
    {
      name: 'WS-Security UsernameToken',
      attempt: async (t, c, secret) =>
        outcome(await post(t, envelope(sendMessage(message()), usernameToken(c.username, secret)))),
    },
  ],

  errorCode: (answer) => faultCode(answer.body),

  // SOAP 1.1 answers every fault with 500, banned included (with Retry-After).
  refusals: {
    invalidCredentials: { status: 500, code: 'invalid_credentials' },
    disabled: { status: 500, code: 'credential_disabled' },
    banned: { status: 500, code: 'banned', retryAfter: true },
    rateLimited: { status: 500, code: 'rate_limited', retryAfter: true },
  },

  malformed: [
    {
      name: 'malformed XML',
      expected: { status: 500, code: 'invalid_xml' },
      send: async (t, c) =>
        raw(await post(t, envelope(sendMessage({ ...login(c), ...message() })).replace('</m:body>', '</m:bdy>'))),
    },
    {
      name: 'an empty request',
      expected: { status: 500, code: 'empty_request' },
      send: async (t) => raw(await post(t, '')),
    },
    {
      name: 'a DOCTYPE with an external entity',
      expected: { status: 500, code: 'dtd_not_allowed' },
      send: async (t, c) =>
        raw(
          await post(
            t,
            `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
              envelope(sendMessage({ ...login(c), to: '+447700900123', body: 'x' }))
                .replace(/^<\?xml[^>]*\?>/, '')
                .replace('>x<', '>&xxe;<'),
          ),
        ),
    },
    {
      name: 'SendMessage without its body element',
      expected: { status: 500, code: 'validation_failed' },
      send: async (t, c) => raw(await post(t, envelope(sendMessage({ ...login(c), to: '+447700900123' })))),
    },
    {
      name: 'markup where text belongs (body holds elements)',
      expected: { status: 500, code: 'validation_failed' },
      send: async (t, c) =>
        raw(
          await post(
            t,
            envelope(sendMessage({ ...login(c), to: '+447700900123', body: 'x' })).replace(
              '<m:body>x</m:body>',
              `<m:body><m:text>${xml(c.secret)}</m:text></m:body>`,
            ),
          ),
        ),
    },
    {
      name: 'JSON instead of XML',
      expected: { status: 415, code: 'unsupported_media_type' },
      send: async (t, c) => raw(await post(t, JSON.stringify({ ...login(c), body: 'hi' }), 'application/json')),
    },
    {
      name: 'a body over the 1 MiB limit',
      expected: { status: 413, code: 'payload_too_large' },
      send: async (t, c) =>
        raw(await post(t, envelope(sendMessage({ ...login(c), to: '+447700900123', body: 'a'.repeat(1024 * 1024) })))),
    },
  ],
};

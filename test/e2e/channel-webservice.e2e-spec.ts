import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as soap from 'soap';
import { expectNothingInternal } from '../support/assertions';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { IssuedCredential, createCredential, createGroup, createMaster, readRequestLog } from '../support/factories';

/**
 * The Web Service channel (DESIGN.md §2 `webservice` row): SOAP 1.1 at /ws/messaging with the
 * WSDL at `?wsdl`, driven by the `soap` package's own client over a real socket. Logins come
 * from the request elements or a WS-Security UsernameToken; every failure is a SOAP Fault
 * (`soap:Client`, the stable code first in faultstring and in detail) — never HTML, JSON or a
 * stack trace. Raw requests check the XML guard in front of the `soap` parser: DTDs and entity
 * bombs, oversize bodies, malformed XML and `soap`-parser traps are refused before it runs.
 *
 * The main app raises the ban threshold: this suite fails logins from 127.0.0.1 on purpose and
 * they must not add up to a ban there. What every channel shares — bans (also across channels),
 * blocking, rotation and deletion by both login forms (elements, UsernameToken), the request-log
 * rows of a success, a failed login and an off-the-record key, a few malformed requests, "no
 * stack trace, no echo" — is in channel-conformance.e2e-spec.ts (driver:
 * test/support/channels/soap.ts).
 */

type Row = Record<string, any>;
type Args = Record<string, string>;

const WS = '/ws/messaging';
const NS = 'urn:gatehouse:messaging:v1';
const ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

interface Fault {
  status: number;
  faultcode: string;
  faultstring: string;
  code: string;
  headers: Record<string, string>;
  body: string;
}

/** A fault body is a SOAP envelope: no HTML or JSON, and nothing internal (stack frames, paths, error names). */
function expectPlainFault(body: string): void {
  expectNothingInternal(body);
  expect(body).not.toMatch(/\.(ts|js):\d+|TypeError|<html|<!DOCTYPE|^\s*\{/i);
}

const envelope = (body: string, header = '', envNs = ENV_NS): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${envNs}" xmlns:m="${NS}">` +
  (header ? `<soap:Header>${header}</soap:Header>` : '') +
  `<soap:Body>${body}</soap:Body></soap:Envelope>`;

const sendMessageXml = (fields: Args): string =>
  `<m:SendMessage>${Object.entries(fields)
    .map(([name, value]) => `<m:${name}>${value}</m:${name}>`)
    .join('')}</m:SendMessage>`;

describe('Web Service (SOAP 1.1) channel: /ws/messaging', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const newClient = async (login?: { username: string; password: string; type?: string }): Promise<soap.Client> => {
    const client = await soap.createClientAsync(`${t.baseUrl}${WS}?wsdl`);
    if (login) {
      client.setSecurity(
        new soap.WSSecurity(login.username, login.password, { passwordType: login.type ?? 'PasswordText' }),
      );
    }
    return client;
  };
  const loginOf = (c: IssuedCredential) => ({ username: c.username, password: c.secret });

  /** SendMessage with the request elements (and optionally a UsernameToken); the submission id. */
  const sendMessage = async (args: Record<string, string | undefined>, token?: IssuedCredential): Promise<string> => {
    const client = await newClient(token && loginOf(token));
    const [result] = await client.SendMessageAsync(args);
    expect(result).toEqual({ submissionId: expect.any(String), status: 'accepted' });
    return result.submissionId as string;
  };

  /** The fault the client got: SOAP 1.1, HTTP 500, stable code in faultstring and detail. */
  async function expectFault(call: Promise<unknown>, code: string, faultcode = 'soap:Client'): Promise<Fault> {
    const err: any = await call.then(
      () => {
        throw new Error(`expected a ${code} fault, the call succeeded`);
      },
      (e: unknown) => e,
    );
    const fault = err?.root?.Envelope?.Body?.Fault;
    expect(fault).toBeDefined();
    expect(fault.faultcode).toBe(faultcode);
    expect(fault.faultstring).toMatch(new RegExp(`^${code}: \\S`));
    expect(fault.detail.GatehouseFault).toMatchObject({ code, message: expect.any(String) });
    expect(err.response.status).toBe(500);
    expect(err.response.headers['content-type']).toMatch(/^text\/xml/);
    expectPlainFault(err.body as string);
    return {
      status: err.response.status,
      faultcode: fault.faultcode,
      faultstring: fault.faultstring,
      code: fault.detail.GatehouseFault.code,
      headers: err.response.headers,
      body: err.body,
    };
  }

  const sendFault = async (
    args: Record<string, string | undefined>,
    code: string,
    token?: { username: string; password: string; type?: string },
  ): Promise<Fault> => expectFault((await newClient(token)).SendMessageAsync(args), code);

  const post = async (body: string | Buffer | Readable, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const res = await fetch(`${t.baseUrl}${WS}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers },
      body: body instanceof Readable ? Readable.toWeb(body) : body,
      ...(body instanceof Readable ? { duplex: 'half' } : {}),
    });
    return { status: res.status, headers: res.headers, text: await res.text(), ms: Date.now() - started };
  };

  /** A fault written by the guard (raw HTTP): the status, SOAP 1.1 envelope and code. */
  function expectRawFault(
    res: { status: number; headers: Headers; text: string },
    status: number,
    code: string,
    faultcode = 'soap:Client',
  ): void {
    expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
      status,
      type: expect.stringMatching(/^text\/xml/),
    });
    expect(res.text).toMatch(new RegExp(`^<\\?xml [^>]+\\?><soap:Envelope xmlns:soap="${ENV_NS}"[ >]`));
    expect(res.text).toContain(`<faultcode>${faultcode}</faultcode>`);
    expect(res.text).toMatch(new RegExp(`<faultstring>${code}: [^<]+</faultstring>`));
    expect(res.text).toContain(`<gh:code>${code}</gh:code>`);
    expectPlainFault(res.text);
  }

  const submission = async (id: string): Promise<Row> =>
    (await t.http.get(`/admin/v1/submissions/${id}`).set(t.auth()).expect(200)).body;
  const requestLog = (query: Record<string, string>) => readRequestLog(t, query);

  /** The app still serves SOAP requests normally. */
  const stillServes = async (): Promise<void> => {
    const account = await createMaster(t);
    const key = await createCredential(t, account.id, { channel: 'webservice' });
    await sendMessage({ ...loginOf(key), to: '+447700900999', body: 'still here' });
  };

  describe('the endpoint', () => {
    it("serves the hand-written WSDL at ?wsdl with the listener's own address", async () => {
      for (const query of ['wsdl', 'WSDL']) {
        const res = await fetch(`${t.baseUrl}${WS}?${query}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
        const wsdl = await res.text();
        expect(wsdl).toContain(`targetNamespace="${NS}"`);
        expect(wsdl).toContain('<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>');
        for (const operation of ['SendMessage', 'GetMessageStatus']) {
          expect(wsdl).toContain(`<wsdl:operation name="${operation}">`);
        }
        expect(wsdl).toContain(`<soap:address location="${t.baseUrl}${WS}"/>`);
      }
      const client = await newClient();
      expect(Object.keys(client.describe().MessagingService.MessagingPort).sort()).toEqual([
        'GetMessageStatus',
        'SendMessage',
      ]);
    });

    it('never takes the WSDL address from the Host header: 127.0.0.1 and the port actually bound', async () => {
      const port = (t.app.getHttpServer().address() as { port: number }).port;
      for (const host of ['evil.example', `evil.example:${port}`, 'localhost']) {
        const res = await t.http.get(`${WS}?wsdl`).set('Host', host).expect(200);
        expect(res.text).toContain(`<soap:address location="http://127.0.0.1:${port}${WS}"/>`);
        expect(res.text).not.toContain('evil.example');
      }
    });

    it('answers other methods, and GET without ?wsdl, with a 405 fault; unknown routes stay JSON 404s', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`${t.baseUrl}${WS}`, { method });
        expectRawFault({ status: res.status, headers: res.headers, text: await res.text() }, 405, 'method_not_allowed');
        expect(res.headers.get('allow')).toBe('POST');
      }
      for (const path of ['/ws/other', `${WS}/extra`, '/nothing-here']) {
        const res = await t.http.post(path).set('Content-Type', 'text/xml').send(envelope('<m:SendMessage/>'));
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: expect.objectContaining({ code: 'not_found' }) });
      }
      await t.http.get('/ws/other?wsdl').expect(404);
    });

    it('is not part of the OpenAPI document', async () => {
      const doc = (await t.http.get('/docs/openapi.json').expect(200)).body;
      expect(Object.keys(doc.paths as Record<string, unknown>).filter((p) => p.startsWith('/ws'))).toEqual([]);
    });
  });

  describe('SendMessage', () => {
    let account: { id: string };
    let key: IssuedCredential;
    let g1: string;
    let g2: string;

    beforeAll(async () => {
      account = await createMaster(t);
      key = await createCredential(t, account.id, { channel: 'webservice' });
      g1 = (await createGroup(t, account.id)).slug;
      g2 = (await createGroup(t, account.id)).slug;
    });

    it('with username/password elements → a submissionId the admin API shows as a webservice submission', async () => {
      const text = `Your code is ${unique('c')}`;
      const id = await sendMessage({
        ...loginOf(key),
        to: '+447700900001, +447700900002,,',
        body: text,
        groups: `${g1},${g2}`,
      });
      const stored = await submission(id);
      expect(stored).toMatchObject({
        id,
        accountId: account.id,
        credentialId: key.id,
        channel: 'webservice',
        to: ['+447700900001', '+447700900002'],
        body: text,
        status: 'accepted',
      });
      expect([...stored.groups].sort()).toEqual([g1, g2].sort());
      expect(JSON.stringify(stored)).not.toContain(key.secret);
    });

    it('with a WS-Security UsernameToken (PasswordText) header instead', async () => {
      const id = await sendMessage({ to: '+447700900003', body: 'via ws-security', groups: g1 }, key);
      await expect(submission(id)).resolves.toMatchObject({
        channel: 'webservice',
        credentialId: key.id,
        to: ['+447700900003'],
        body: 'via ws-security',
        groups: [g1],
      });
    });

    it('keeps the body exactly as sent: markup characters, non-ASCII, surrounding whitespace', async () => {
      const text = '  Héllo <b>&amp; "friends" & \'all\' 🎉\nline two  ';
      const id = await sendMessage({ ...loginOf(key), to: '+447700900004', body: text });
      await expect(submission(id)).resolves.toMatchObject({ body: text, to: ['+447700900004'] });
    });

    it('without to and groups: an account-wide submission (scope all)', async () => {
      const id = await sendMessage({ ...loginOf(key), body: 'to everyone' });
      await expect(submission(id)).resolves.toMatchObject({ to: [], groups: [], body: 'to everyone' });
    });

    it('refuses a missing or empty body and invalid recipients with validation_failed', async () => {
      const login = loginOf(key);
      for (const args of [
        { ...login, to: '+447700900005' },
        { ...login, to: '+447700900005', body: '' },
        { ...login, to: '+447700900005', body: '   ' },
        { ...login, to: 'not a number!', body: 'hello' },
      ]) {
        const fault = await sendFault(args, 'validation_failed');
        expect(fault.faultstring).not.toContain(key.secret);
      }
    });

    it('applies a groups-scoped key: its own groups by default, scope_violation outside, unknown_group for unknown slugs', async () => {
      const scoped = await createCredential(t, account.id, { channel: 'webservice', scope: 'groups', groups: [g1] });
      const id = await sendMessage({ ...loginOf(scoped), body: 'scoped default' });
      await expect(submission(id)).resolves.toMatchObject({ groups: [g1], credentialId: scoped.id });

      const violation = await sendFault({ ...loginOf(scoped), body: 'x', groups: `${g1},${g2}` }, 'scope_violation');
      expect(violation.faultstring).toContain(g2);
      await sendFault({ ...loginOf(key), body: 'x', groups: unique('nogroup') }, 'unknown_group');
    });
  });

  describe('GetMessageStatus', () => {
    it('reports accepted, then delivered with the receipt detail; body or WS-Security login', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'webservice' });
      const id = await sendMessage({ ...loginOf(key), to: '+447700900010', body: 'status please' });

      const [accepted] = await (await newClient()).GetMessageStatusAsync({ ...loginOf(key), submissionId: id });
      expect(accepted).toMatchObject({ submissionId: id, status: 'accepted' });
      expect(accepted.detail).toBeUndefined();
      expect(Number.isNaN(Date.parse(String(accepted.createdAt)))).toBe(false);

      await t.http
        .post(`/admin/v1/submissions/${id}/events`)
        .set(t.auth())
        .send({ type: 'delivered', detail: 'provider-ref-42' })
        .expect(200);
      const [delivered] = await (await newClient(loginOf(key))).GetMessageStatusAsync({ submissionId: id });
      expect(delivered).toMatchObject({ submissionId: id, status: 'delivered', detail: 'provider-ref-42' });
    });

    it("is not_found for an unknown id and for another account's submission", async () => {
      const mine = await createMaster(t);
      const other = await createMaster(t);
      const key = await createCredential(t, mine.id, { channel: 'webservice' });
      const otherKey = await createCredential(t, other.id, { channel: 'webservice' });
      const foreign = await sendMessage({ ...loginOf(otherKey), body: 'not yours' });
      const client = await newClient();
      for (const submissionId of [foreign, '01900000-0000-7000-8000-000000000000']) {
        await expectFault(client.GetMessageStatusAsync({ ...loginOf(key), submissionId }), 'not_found');
      }
      await expectFault(client.GetMessageStatusAsync({ ...loginOf(key) }), 'validation_failed');
    });
  });

  describe('logins that fail, as soap:Client faults', () => {
    let account: { id: string };

    beforeAll(async () => {
      account = await createMaster(t);
    });
    const fresh = () => createCredential(t, account.id, { channel: 'webservice' });
    const patchCredential = (id: string, body: Record<string, unknown>) =>
      t.http.patch(`/admin/v1/credentials/${id}`).set(t.auth()).send(body).expect(200);

    it('no credentials at all, or only one half → unauthorized', async () => {
      const key = await fresh();
      await sendFault({ to: '+447700900020', body: 'hi' }, 'unauthorized');
      await sendFault({ username: key.username, body: 'hi' }, 'unauthorized');
      await sendFault({ password: key.secret, body: 'hi' }, 'unauthorized');
      await sendFault({ username: '', password: '', body: 'hi' }, 'unauthorized');
    });

    it('a wrong password and an unknown user get the same invalid_credentials fault', async () => {
      const key = await fresh();
      const wrong = await sendFault(
        { username: key.username, password: `${key.secret}x`, body: 'hi' },
        'invalid_credentials',
      );
      const unknown = await sendFault(
        { username: unique('nobody'), password: key.secret, body: 'hi' },
        'invalid_credentials',
      );
      expect(unknown.faultstring).toBe(wrong.faultstring);
      expect(wrong.faultstring).toBe('invalid_credentials: invalid credentials');
      // The same through the WS-Security header.
      await sendFault({ body: 'hi' }, 'invalid_credentials', { username: key.username, password: 'not-the-secret' });
    });

    it('a key of another channel (rest, http) never logs in here', async () => {
      for (const channel of ['rest', 'http']) {
        const other = await createCredential(t, account.id, { channel });
        await sendFault({ ...loginOf(other), body: 'hi' }, 'invalid_credentials');
        await sendFault({ body: 'hi' }, 'invalid_credentials', loginOf(other));
      }
    });

    // Blocking itself (both login forms) is in the conformance suite; this is the way back.
    it('blocked → credential_disabled through the soap client; enabling restores it', async () => {
      const key = await fresh();
      await patchCredential(key.id, { enabled: false });
      await sendFault({ body: 'blocked' }, 'credential_disabled', loginOf(key));
      await patchCredential(key.id, { enabled: true });
      await sendMessage({ ...loginOf(key), body: 'after' });
    });

    it('expired → credential_expired', async () => {
      const key = await fresh();
      await patchCredential(key.id, { expiresAt: '2020-01-01T00:00:00.000Z' });
      await sendFault({ ...loginOf(key), body: 'late' }, 'credential_expired');
    });

    it('allowedCidrs without 127.0.0.1 → ip_not_allowed; with it → accepted', async () => {
      const outside = await createCredential(t, account.id, { channel: 'webservice', allowedCidrs: ['10.0.0.0/8'] });
      await sendFault({ ...loginOf(outside), body: 'from loopback' }, 'ip_not_allowed');
      const inside = await createCredential(t, account.id, {
        channel: 'webservice',
        allowedCidrs: ['10.0.0.0/8', '127.0.0.1'],
      });
      await sendMessage({ ...loginOf(inside), body: 'from loopback' });
    });

    it('a suspended account → account_suspended', async () => {
      const suspended = await createMaster(t);
      const key = await createCredential(t, suspended.id, { channel: 'webservice' });
      await t.http.patch(`/admin/v1/accounts/${suspended.id}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      await sendFault({ ...loginOf(key), body: 'hi' }, 'account_suspended');
    });

    it('both request elements and a UsernameToken → ambiguous_credentials, even when they agree', async () => {
      const key = await fresh();
      await sendFault({ ...loginOf(key), body: 'twice' }, 'ambiguous_credentials', loginOf(key));
      await sendFault({ username: key.username, body: 'twice' }, 'ambiguous_credentials', loginOf(key));
    });

    it('a PasswordDigest UsernameToken → unsupported_password_type', async () => {
      const key = await fresh();
      await sendFault({ body: 'digest' }, 'unsupported_password_type', { ...loginOf(key), type: 'PasswordDigest' });
    });
  });

  describe('the request log', () => {
    it('one row per request: operation soap.SendMessage / soap.GetMessageStatus, status, outcome, no password', async () => {
      const account = await createMaster(t);
      const group = await createGroup(t, account.id);
      const key = await createCredential(t, account.id, {
        channel: 'webservice',
        scope: 'groups',
        groups: [group.slug],
      });
      const id = await sendMessage({ ...loginOf(key), to: '+447700900030', body: 'logged' });
      await sendMessage({ body: 'logged via header' }, key);
      await (await newClient()).GetMessageStatusAsync({ ...loginOf(key), submissionId: id });
      await sendFault({ ...loginOf(key), body: 'outside', groups: unique('other') }, 'unknown_group');

      const { rows, raw } = await requestLog({ credentialId: key.id });
      expect(rows.map((r) => [r.operation, r.outcome, r.status]).sort()).toEqual(
        [
          ['soap.GetMessageStatus', 'ok', '200'],
          ['soap.SendMessage', 'ok', '200'],
          ['soap.SendMessage', 'ok', '200'],
          ['soap.SendMessage', 'unknown_group', '500'],
        ].sort(),
      );
      for (const row of rows) {
        expect(row).toMatchObject({ channel: 'webservice', accountId: account.id, peer: '127.0.0.1' });
      }
      expect(raw).not.toContain(key.secret);
    });

    // Its refused logins still being logged is in the conformance suite.
    it('an offTheRecord key writes no row for its requests, by elements, UsernameToken or a refused submission', async () => {
      const account = await createMaster(t);
      const quiet = await createCredential(t, account.id, { channel: 'webservice', offTheRecord: true });
      const id = await sendMessage({ ...loginOf(quiet), body: 'quiet' });
      await (await newClient(loginOf(quiet))).GetMessageStatusAsync({ submissionId: id });
      await sendFault({ ...loginOf(quiet), body: 'quiet', groups: unique('nope') }, 'unknown_group');
      expect((await requestLog({ credentialId: quiet.id })).rows).toEqual([]);
    });
  });

  describe('raw HTTP: the XML guard in front of the soap parser', () => {
    let key: IssuedCredential;

    beforeAll(async () => {
      const account = await createMaster(t);
      key = await createCredential(t, account.id, { channel: 'webservice' });
    });
    const validSend = () =>
      envelope(sendMessageXml({ username: key.username, password: key.secret, to: '+447700900040', body: 'raw' }));

    it('a hand-written envelope works, with or without SOAPAction (full action or bare name)', async () => {
      for (const action of [undefined, `"${NS}/SendMessage"`, 'SendMessage', '""']) {
        const res = await post(validSend(), action === undefined ? {} : { SOAPAction: action });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
        const id = /<submissionId>([^<]+)<\/submissionId>/.exec(res.text)?.[1];
        expect(id).toBeDefined();
        await expect(submission(id!)).resolves.toMatchObject({ body: 'raw', credentialId: key.id });
      }
    });

    it('is the same guarded endpoint whatever the path case, with or without a trailing slash', async () => {
      for (const path of ['/WS/Messaging', `${WS}/`]) {
        const ok = await fetch(`${t.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml' },
          body: validSend(),
        });
        expect(ok.status).toBe(200);
        const refused = await fetch(`${t.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml' },
          body: `<!DOCTYPE x>${validSend().replace(/^<\?xml[^>]*\?>/, '')}`,
        });
        expectRawFault(
          { status: refused.status, headers: refused.headers, text: await refused.text() },
          500,
          'dtd_not_allowed',
        );
      }
    });

    it('ignores elements it does not know (legacy clients send extras); refuses one given twice', async () => {
      const extra = validSend().replace('<m:body>', '<m:from>Acme</m:from><m:priority>high</m:priority><m:body>');
      expect((await post(extra)).status).toBe(200);
      const twice = validSend().replace('<m:body>', '<m:to>+447700900042</m:to><m:body>');
      expectRawFault(await post(twice), 500, 'validation_failed');
    });

    it('a pretty-printed envelope with comments and a UsernameToken header, as SoapUI sends it', async () => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- sent by hand -->
<soapenv:Envelope xmlns:soapenv="${ENV_NS}" xmlns:m="${NS}">
  <soapenv:Header>
    <wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
      <wsse:UsernameToken>
        <wsse:Username>${key.username}</wsse:Username>
        <wsse:Password>${key.secret}</wsse:Password>
      </wsse:UsernameToken>
    </wsse:Security>
  </soapenv:Header>
  <soapenv:Body>
    <m:SendMessage>
      <m:to>+447700900041</m:to>
      <m:body><![CDATA[pretty <printed>]]></m:body>
    </m:SendMessage>
  </soapenv:Body>
</soapenv:Envelope>
`;
      const res = await post(xml, { SOAPAction: `"${NS}/SendMessage"` });
      expect(res.status).toBe(200);
      const id = /<submissionId>([^<]+)<\/submissionId>/.exec(res.text)![1];
      await expect(submission(id)).resolves.toMatchObject({
        to: ['+447700900041'],
        body: 'pretty <printed>',
        credentialId: key.id,
      });
    });

    it('malformed XML → invalid_xml fault, not HTML', async () => {
      for (const body of ['<soap:Envelope', '<<<', validSend().replace('</m:body>', '</m:bdy>'), 'hello, not xml']) {
        expectRawFault(await post(body), 500, 'invalid_xml');
      }
    });

    it('a billion-laughs entity bomb is refused quickly, and the server still answers afterwards', async () => {
      const lol = ['<!ENTITY lol0 "lol">'];
      for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
      const bomb =
        `<?xml version="1.0"?><!DOCTYPE lolz [${lol.join('')}]>` +
        envelope(sendMessageXml({ username: key.username, password: key.secret, body: '&lol9;' })).replace(
          /^<\?xml[^>]*\?>/,
          '',
        );
      const res = await post(bomb);
      expectRawFault(res, 500, 'dtd_not_allowed');
      expect(res.ms).toBeLessThan(2000);
      await stillServes();
    });

    it('any <!DOCTYPE (XXE, lower case, inside the envelope) is refused', async () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`;
      for (const body of [
        xxe +
          validSend()
            .replace(/^<\?xml[^>]*\?>/, '')
            .replace('>raw<', '>&xxe;<'),
        `<!doctype soap:Envelope>${validSend().replace(/^<\?xml[^>]*\?>/, '')}`,
        validSend().replace('<soap:Body>', '<soap:Body><!DOCTYPE x>'),
      ]) {
        const res = await post(body);
        expectRawFault(res, 500, 'dtd_not_allowed');
        expect(res.text).not.toContain('root:');
      }
    });

    it('a 5 MB body is refused with a 413 fault without being read into memory, by length or chunked', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024, 'a');
      const byLength = await post(big);
      expectRawFault(byLength, 413, 'payload_too_large');
      expect(byLength.ms).toBeLessThan(5000);

      const chunks = Array.from({ length: 80 }, () => Buffer.alloc(64 * 1024, 'b'));
      const chunked = await post(Readable.from(chunks));
      expectRawFault(chunked, 413, 'payload_too_large');

      // The limit counts inflated bytes: a few KiB of gzip that inflate to 5 MB are refused too.
      const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, ' '));
      expect(bomb.length).toBeLessThan(64 * 1024);
      expectRawFault(await post(bomb, { 'Content-Encoding': 'gzip' }), 413, 'payload_too_large');
      await stillServes();
    });

    it('an empty body → empty_request; a non-XML media type → 415; SOAP 1.2 → 415 or VersionMismatch', async () => {
      expectRawFault(await post(''), 500, 'empty_request');
      expectRawFault(
        await post('{"body":"hi"}', { 'Content-Type': 'application/json' }),
        415,
        'unsupported_media_type',
      );
      expectRawFault(
        await post(validSend(), { 'Content-Type': 'application/soap+xml; charset=utf-8' }),
        415,
        'unsupported_media_type',
      );
      const soap12 = envelope(sendMessageXml({ body: 'x' }), '', 'http://www.w3.org/2003/05/soap-envelope');
      expectRawFault(await post(soap12), 500, 'version_mismatch', 'soap:VersionMismatch');
    });

    it('not an envelope, no operation, an unknown operation or a SOAPAction naming another → soap:Client', async () => {
      expectRawFault(await post('<SendMessage/>'), 500, 'invalid_envelope');
      expectRawFault(await post(`<soap:Envelope xmlns:soap="${ENV_NS}"/>`), 500, 'invalid_envelope');
      expectRawFault(await post(envelope('')), 500, 'unknown_operation');
      expectRawFault(await post(envelope('<m:DeleteEverything/>')), 500, 'unknown_operation');
      expectRawFault(await post(envelope('<m:__proto__/>')), 500, 'unknown_operation');
      expectRawFault(
        await post(envelope(`${sendMessageXml({ body: 'a' })}${sendMessageXml({ body: 'b' })}`)),
        500,
        'unknown_operation',
      );
      expectRawFault(await post(validSend(), { SOAPAction: `"${NS}/GetMessageStatus"` }), 500, 'soap_action_mismatch');
    });

    it('a header with mustUnderstand="1" that the service does not process → soap:MustUnderstand', async () => {
      const header = `<x:Transaction xmlns:x="urn:example" soap:mustUnderstand="1">5</x:Transaction>`;
      expectRawFault(
        await post(envelope(sendMessageXml({ body: 'x' }), header)),
        500,
        'must_understand',
        'soap:MustUnderstand',
      );
    });

    it('refuses the soap parser traps: id/href multiRefs (prototype pollution, quadratic merging) and namespace floods', async () => {
      const pollute = validSend().replace('<m:body>', '<m:body id="__proto__">');
      const res = await post(pollute);
      expectRawFault(res, 500, 'unsupported_xml');
      expect(({} as Record<string, unknown>).obj).toBeUndefined();

      const refs = `<m:x id="r"><m:a/></m:x>${'<m:y href="#r"/>'.repeat(50)}`;
      expectRawFault(await post(validSend().replace('<m:body>', `${refs}<m:body>`)), 500, 'unsupported_xml');

      const declarations = Array.from(
        { length: 100 },
        (_, i) => ` xmlns:p${i}="http://www.w3.org/2001/XMLSchema-instance"`,
      );
      const flood = validSend().replace('<m:SendMessage>', `<m:SendMessage${declarations.join('')}>`);
      expectRawFault(await post(flood), 500, 'unsupported_xml');

      const nested = validSend().replace('>raw<', '><![CDATA[<?xml version="1.0"?><a id="__proto__"/>]]><');
      expectRawFault(await post(nested), 500, 'unsupported_xml');
      await stillServes();
    });

    it('refuses 250 000 elements (too_many_elements) and 120 000-deep nesting (too_deep) before parsing or login', async () => {
      const withExtras = (extras: string) => validSend().replace('<m:body>', `${extras}<m:body>`);
      const many = withExtras('<x/>'.repeat(250_000));
      const deep = withExtras(`${'<x>'.repeat(120_000)}${'</x>'.repeat(120_000)}`);
      for (const body of [many, deep]) {
        // Within the body limit, so it is the guard that answers, not the 413 of the body parser.
        expect(Buffer.byteLength(body)).toBeLessThan(t.config.http.bodyLimitBytes);
      }
      const tooMany = await post(many);
      expectRawFault(tooMany, 500, 'too_many_elements');
      expect(tooMany.text).toContain('at most 1000 elements');
      const tooDeep = await post(deep);
      expectRawFault(tooDeep, 500, 'too_deep');
      expect(tooDeep.text).toContain('elements may nest at most 32 deep');

      // Empty comments count too: the parser behind the guard builds a node for each of them.
      expectRawFault(await post(withExtras('<!---->'.repeat(149_000))), 500, 'too_many_elements');

      // Below the caps a request with many unknown elements (7 of its own + 990) is still served.
      const legal = await post(
        withExtras(`<m:extra>${'<x>'.repeat(20)}${'</x>'.repeat(20)}</m:extra>${'<x/>'.repeat(969)}`),
      );
      expect(legal.status).toBe(200);
      await stillServes();
    });

    it('raw faults never echo the password', async () => {
      const secret = `pw-${unique('s')}`;
      const res = await post(envelope(sendMessageXml({ username: unique('ghost'), password: secret, body: 'x' })));
      expectRawFault(res, 500, 'invalid_credentials');
      expect(res.text).not.toContain(secret);
    });
  });
});

describe('Web Service channel: GATEHOUSE_PUBLIC_URL', () => {
  let publicApp: TestApp;

  beforeAll(async () => {
    publicApp = await startTestApp({ GATEHOUSE_PUBLIC_URL: 'https://gw.example.com/base' });
  });
  afterAll(async () => {
    await publicApp.close();
  });

  it('is the address the WSDL names, whatever the Host header says', async () => {
    for (const host of ['evil.example', '127.0.0.1']) {
      const res = await publicApp.http.get(`${WS}?wsdl`).set('Host', host).expect(200);
      expect(res.text).toContain('<soap:address location="https://gw.example.com/base/ws/messaging"/>');
      expect(res.text).not.toContain(host);
    }
  });
});

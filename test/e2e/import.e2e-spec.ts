import { gzipSync } from 'node:zlib';
import * as bcrypt from 'bcrypt';
import { createAdminToken, createMaster, listAll, verify } from '../support/factories';
import { TestApp, startTestApp, unique } from '../support/test-app';

/**
 * `POST /admin/v1/import` (issue 13): legacy accounts with PHP-era `$2y$` hashes come in, keep
 * their passwords, and a second run changes nothing. Over the real HTTP stack and database.
 */
describe('import (POST /admin/v1/import)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  interface Event {
    type: string;
    line?: number;
    externalId?: string;
    error?: { code: string; message: string; details?: Record<string, unknown> };
    credentials?: { credential: { id: string; channel: string; username: string }; secret: string | null }[];
    [key: string]: unknown;
  }

  async function importLines(
    records: (object | string)[],
    { dryRun = false, token = t.rootToken, gzip = false } = {},
  ): Promise<{ status: number; events: Event[]; summary: Event }> {
    const text = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
    const res = await fetch(`${t.baseUrl}/admin/v1/import${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/x-ndjson',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      },
      body: gzip ? gzipSync(text) : text,
    });
    const body = await res.text();
    if (res.status !== 200) return { status: res.status, events: [JSON.parse(body) as Event], summary: {} as Event };
    const events = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
    return { status: res.status, events, summary: events[events.length - 1] };
  }

  /** A PHP `password_hash()` of the old system: `$2y$`, the same algorithm as `$2b$`. */
  const phpHash = (password: string, cost = 4) => bcrypt.hashSync(password, cost).replace(/^\$2b\$/, '$2y$');

  /** The account with this external id, among masters or a master's subs (every page: the MySQL test database is shared). */
  const byExternalId = async (externalId: string, parentId?: string) =>
    (await listAll(t, '/admin/v1/accounts', parentId ? { parentId } : { kind: 'master' })).rows.find(
      (a) => a.externalId === externalId,
    ) as { id: string; externalId: string } | undefined;

  function legacyFile() {
    const masterId = unique('crm');
    const subId = unique('crm-sub');
    const ftpUser = unique('ftp').replace(/-/g, '.');
    const httpUser = unique('http');
    const mailUser = unique('mail');
    const records = [
      {
        externalId: masterId,
        name: 'Acme Messaging',
        kind: 'master',
        createdAt: '2019-03-01T09:00:00Z',
        credentials: [
          { channel: 'ftp', name: 'Nightly batch', username: ftpUser, secretHash: phpHash('ftp-password-2019') },
          {
            channel: 'http',
            name: 'Shop plug-in',
            username: httpUser,
            secretHash: phpHash('http-password-2019'),
            allowedCidrs: ['127.0.0.0/8', '::1'],
          },
        ],
      },
      {
        externalId: subId,
        name: 'Acme Support',
        parentExternalId: masterId,
        credentials: [{ channel: 'email', name: 'Helpdesk', username: mailUser, secret: 'a plain old password' }],
      },
    ];
    return { masterId, subId, ftpUser, httpUser, mailUser, records };
  }

  it('imports legacy accounts whose $2y$ hashes verify and log in on the HTTP channel; a re-run is a no-op', async () => {
    const file = legacyFile();
    const first = await importLines(file.records);
    expect(first.status).toBe(200);
    expect(first.summary).toMatchObject({
      type: 'summary',
      dryRun: false,
      lines: 2,
      accounts: { created: 2, updated: 0, unchanged: 0, refused: 0 },
      credentials: { created: 3, updated: 0, unchanged: 0, refused: 0 },
    });
    // Secrets the file brought are never echoed back; nothing was generated.
    expect(first.events.filter((e) => e.type === 'issued')).toEqual([]);
    expect(JSON.stringify(first.events)).not.toContain('a plain old password');

    const master = await byExternalId(file.masterId);
    expect(master).toBeDefined();
    const account = (await t.http.get(`/admin/v1/accounts/${master!.id}`).set(t.auth()).expect(200)).body;
    expect(account.createdAt).toBe('2019-03-01T09:00:00.000Z');
    // Created before the legacy cutoff, but it brought its own credentials: no generated ones.
    const channels = (await t.http.get(`/admin/v1/accounts/${master!.id}/channels`).set(t.auth()).expect(200)).body
      .data;
    expect(channels).toEqual([
      { channel: 'ftp', active: true, credentials: 1 },
      { channel: 'rest', active: false, credentials: 0 },
      { channel: 'http', active: true, credentials: 1 },
      { channel: 'webservice', active: false, credentials: 0 },
      { channel: 'email', active: false, credentials: 0 },
    ]);

    // The old passwords work: through verify, and on the HTTP channel itself.
    expect(
      await verify(t, { channel: 'ftp', username: file.ftpUser, secret: 'ftp-password-2019', ip: '203.0.113.7' }),
    ).toMatchObject({ valid: true, accountId: master!.id });
    expect(
      await verify(t, { channel: 'email', username: file.mailUser, secret: 'a plain old password', ip: '203.0.113.7' }),
    ).toMatchObject({ valid: true });
    expect(
      await verify(t, { channel: 'ftp', username: file.ftpUser, secret: 'wrong-password-2019', ip: '203.0.113.7' }),
    ).toMatchObject({ valid: false });
    const sent = await t.http.post('/http/send').type('form').send({
      username: file.httpUser.toUpperCase(),
      password: 'http-password-2019',
      to: '+4915112345678',
      text: 'hi',
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toMatch(/^OK /);

    // The same file again: nothing changes, nothing is written.
    const auditBefore = await auditCount(master!.id);
    const again = await importLines(file.records);
    expect(again.summary).toMatchObject({
      accounts: { created: 0, updated: 0, unchanged: 2, refused: 0 },
      credentials: { created: 0, updated: 0, unchanged: 3, refused: 0 },
    });
    expect(await auditCount(master!.id)).toBe(auditBefore);
    // And the password still works after its first login re-hashed it.
    expect(
      await verify(t, { channel: 'ftp', username: file.ftpUser, secret: 'ftp-password-2019', ip: '203.0.113.7' }),
    ).toMatchObject({ valid: true });
  });

  async function auditCount(accountId: string): Promise<number> {
    const res = await t.http.get('/admin/v1/audit-log').query({ accountId, limit: 200 }).set(t.auth()).expect(200);
    return res.body.data.length;
  }

  it('--dry-run checks every line against the file and the database and writes nothing', async () => {
    const file = legacyFile();
    const dry = await importLines(file.records, { dryRun: true });
    expect(dry.summary).toMatchObject({
      dryRun: true,
      accounts: { created: 2, refused: 0 },
      credentials: { created: 3, refused: 0 },
    });
    expect(await byExternalId(file.masterId)).toBeUndefined();
    expect(
      await verify(t, { channel: 'ftp', username: file.ftpUser, secret: 'ftp-password-2019', ip: '203.0.113.7' }),
    ).toMatchObject({ valid: false, reason: 'unknown_credential' });

    // A username another account holds is found by the dry run too.
    const holder = await createMaster(t);
    const taken = unique('taken');
    await t.http
      .post(`/admin/v1/accounts/${holder.id}/credentials`)
      .set(t.auth())
      .send({ channel: 'ftp', name: 'Holder', username: taken })
      .expect(201);
    const clash = await importLines(
      [{ externalId: unique('crm'), name: 'Clash', credentials: [{ channel: 'ftp', name: 'x', username: taken }] }],
      { dryRun: true },
    );
    expect(clash.events[0]).toMatchObject({
      type: 'refused',
      line: 1,
      error: { code: 'username_taken', details: { field: 'credentials[0].username' } },
    });
  });

  it('refuses each bad line with its number and the field, writes nothing of it, and goes on with the rest', async () => {
    const good = unique('good');
    const dup = unique('dup');
    const lines = [
      { externalId: good, name: 'Good one' }, // 1
      '{"externalId": "broken", ', // 2
      { externalId: unique('x'), name: 'Extra', colour: 'red' }, // 3
      {
        externalId: unique('x'),
        name: 'Bad CIDR',
        credentials: [{ channel: 'ftp', name: 'k', username: unique('u'), allowedCidrs: ['10.0.0.0/33'] }],
      }, // 4
      { externalId: unique('x'), name: 'Orphan', parentExternalId: unique('nobody') }, // 5
      { externalId: dup, name: 'First' }, // 6
      { externalId: dup, name: 'Second' }, // 7
      {
        externalId: unique('x'),
        name: 'Too costly',
        credentials: [{ channel: 'http', name: 'k', username: unique('u'), secretHash: phpHash('expensive-pw', 5) }],
      }, // 8
      '', // 9: blank, skipped but counted
      {
        externalId: unique('x'),
        name: 'REST with a secret',
        credentials: [{ channel: 'rest', name: 'k', secret: 'x'.repeat(20) }],
      }, // 10
      { externalId: 'not ok!', name: 'Bad id' }, // 11
    ];
    // Cost 5 is above this app's GATEHOUSE_BCRYPT_COST (4).
    const run = await importLines(lines);
    const refused = run.events.filter((e) => e.type === 'refused');
    expect(refused.map((e) => [e.line, e.error!.code, e.error!.details?.field])).toEqual([
      [2, 'invalid_json', undefined],
      [3, 'validation_failed', 'colour'],
      [4, 'validation_failed', 'credentials[0].allowedCidrs'],
      [5, 'unknown_parent', 'parentExternalId'],
      [7, 'duplicate_in_file', 'externalId'],
      [8, 'hash_cost_too_high', 'credentials[0].secretHash'],
      [10, 'validation_failed', 'credentials[0].secret'],
      [11, 'validation_failed', 'externalId'],
    ]);
    expect(refused[2].error!.message).toContain('10.0.0.0/33');
    expect(refused[4].error!.message).toContain('line 6');
    expect(run.summary).toMatchObject({
      lines: 11,
      accounts: { created: 2, refused: 8 },
      credentials: { created: 0, refused: 3 },
    });
    expect(await byExternalId(good)).toBeDefined();
    expect((await byExternalId(dup)) as unknown).toMatchObject({ externalId: dup });
  });

  it('converges changed fields, adds new credentials, and never changes an existing secret', async () => {
    const externalId = unique('crm');
    const username = unique('conv');
    const base = {
      externalId,
      name: 'Before',
      credentials: [{ channel: 'ftp', name: 'Upload', username, secret: 'original-password' }],
    };
    await importLines([base]);
    const changed = {
      ...base,
      name: 'After',
      status: 'suspended',
      credentials: [
        { ...base.credentials[0], secret: 'another-password', enabled: false, allowedCidrs: ['10.1.2.3'] },
        { channel: 'rest', name: 'API' },
      ],
    };
    const run = await importLines([changed]);
    expect(run.summary).toMatchObject({
      accounts: { created: 0, updated: 1, unchanged: 0 },
      credentials: { created: 1, updated: 1, unchanged: 0 },
    });
    // A generated REST key is issued once, in the stream.
    const issued = run.events.find((e) => e.type === 'issued')!;
    expect(issued.credentials![0].secret).toMatch(/^gkr_[0-9A-Za-z]{60}$/);
    const account = await byExternalId(externalId);
    const creds = (await t.http.get(`/admin/v1/accounts/${account!.id}/credentials`).set(t.auth()).expect(200)).body
      .data;
    expect(creds.find((c: { username: string }) => c.username === username)).toMatchObject({
      enabled: false,
      allowedCidrs: ['10.1.2.3/32'],
    });
    // The REST key without a username is matched by channel and name: the same file again changes nothing.
    const again = await importLines([changed]);
    expect(again.summary).toMatchObject({
      accounts: { unchanged: 1 },
      credentials: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(again.events.some((e) => e.type === 'issued')).toBe(false);
    // The secret is still the first one: imports do not rotate.
    await t.http.patch(`/admin/v1/accounts/${account!.id}`).set(t.auth()).send({ status: 'active' }).expect(200);
    const id = creds.find((c: { username: string }) => c.username === username).id;
    await t.http
      .patch(`/admin/v1/credentials/${id}`)
      .set(t.auth())
      .send({ enabled: true, allowedCidrs: [] })
      .expect(200);
    expect(await verify(t, { channel: 'ftp', username, secret: 'original-password', ip: '203.0.113.9' })).toMatchObject(
      {
        valid: true,
      },
    );
  });

  it('a legacy master that brings no credentials gets the four legacy ones, their secrets in the stream once', async () => {
    const externalId = unique('old');
    const run = await importLines([{ externalId, name: 'Old timer', createdAt: '2020-01-01T00:00:00Z' }]);
    const issued = run.events.find((e) => e.type === 'issued')!;
    expect(issued).toMatchObject({ line: 1, externalId });
    expect(issued.credentials!.map((c) => c.credential.channel).sort()).toEqual(['email', 'ftp', 'http', 'webservice']);
    for (const c of issued.credentials!) expect(c.secret).toMatch(/^gk[fhwe]_/);
    expect(run.summary).toMatchObject({ accounts: { created: 1 }, credentials: { created: 4 } });
  });

  it("a sub whose master's line was refused is told which line", async () => {
    const master = unique('m');
    const run = await importLines([
      { externalId: master, name: 'Master', credentials: [{ channel: 'ftp', name: 'k', allowedCidrs: ['nope'] }] },
      { externalId: unique('s'), name: 'Sub', parentExternalId: master },
    ]);
    const refused = run.events.filter((e) => e.type === 'refused');
    expect(refused.map((e) => [e.line, e.error!.code])).toEqual([
      [1, 'validation_failed'],
      [2, 'unknown_parent'],
    ]);
    expect(refused[1].error!.message).toBe(`parentExternalId: its master "${master}" (line 1) was refused`);
  });

  it('subs find their master earlier in the file or in the database; gzip bodies are read', async () => {
    const master = unique('m');
    await importLines([{ externalId: master, name: 'Master' }]);
    const sub = unique('s');
    const run = await importLines([{ externalId: sub, name: 'Sub', parentExternalId: master }], { gzip: true });
    expect(run.summary).toMatchObject({ accounts: { created: 1, refused: 0 } });
    const parent = await byExternalId(master);
    expect(await byExternalId(sub, parent!.id)).toMatchObject({ externalId: sub });
  });

  it('is for the root token only, and takes NDJSON only', async () => {
    const tenant = await createMaster(t);
    const token = await createAdminToken(t, tenant.id);
    const denied = await importLines([{ externalId: unique('x'), name: 'x' }], { token });
    expect(denied.status).toBe(403);
    expect(denied.events[0]).toMatchObject({ error: { code: 'forbidden' } });

    const json = await t.http.post('/admin/v1/import').set(t.auth()).send({ accounts: [] }).expect(415);
    expect(json.body.error).toMatchObject({ code: 'unsupported_media_type' });
    const noAuth = await t.http.post('/admin/v1/import').set('Content-Type', 'application/x-ndjson').send('{}\n');
    expect(noAuth.status).toBe(401);
  });
});

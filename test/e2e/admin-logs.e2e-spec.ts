import type { Response } from 'supertest';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { createAdminToken, createCredential, createMaster, createSub, verify } from '../support/factories';

type Row = Record<string, any>;

/** Every row of a log for this query, following nextCursor; also the serialized pages. */
async function readLog(
  t: TestApp,
  log: 'audit-log' | 'request-log',
  query: Record<string, string | number>,
  token = t.rootToken,
): Promise<{ rows: Row[]; raw: string }> {
  const rows: Row[] = [];
  const raw: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: Response = await t.http
      .get(`/admin/v1/${log}`)
      .set(t.auth(token))
      .query({ limit: 200, ...query, ...(cursor ? { cursor } : {}) })
      .expect(200);
    raw.push(JSON.stringify(res.body));
    rows.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (++pages > 500) throw new Error('pagination does not terminate');
  } while (cursor);
  return { rows, raw: raw.join('\n') };
}

/** A fresh address per failing call, so failures never add up to a ban of a shared peer. */
let ipCounter = 0;
function nextIp(): string {
  ipCounter++;
  return `198.18.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

describe('admin API: audit log and request log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('audit log', () => {
    it('records every change with actor, action, target and peer, and never a secret', async () => {
      const secrets: string[] = [];

      // account.create (a legacy import, so it returns secrets too)
      const acc = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('audited'), createdAt: '2020-02-02T00:00:00.000Z' })
        .expect(201);
      const accountId = acc.body.account.id as string;
      for (const c of acc.body.credentials as Array<{ secret: string; postbackSigningSecret?: string }>) {
        secrets.push(c.secret);
        if (c.postbackSigningSecret) secrets.push(c.postbackSigningSecret);
      }
      expect(secrets.length).toBeGreaterThanOrEqual(4);

      // credential.create: generated and custom secrets
      const rest = await createCredential(t, accountId, { channel: 'rest' });
      secrets.push(rest.secret, rest.body.postbackSigningSecret);
      const customSecret = `Custom-${unique('pw')}!`;
      const ftp = await createCredential(t, accountId, {
        channel: 'ftp',
        secret: customSecret,
        username: unique('ftpuser'),
      });
      expect(ftp.secret).toBe(customSecret);
      secrets.push(ftp.secret, ftp.body.postbackSigningSecret);

      // credential.update
      await t.http.patch(`/admin/v1/credentials/${rest.id}`).set(t.auth()).send({ name: 'renamed key' }).expect(200);
      // credential.rotate (generated, then custom)
      const rotated = await t.http.post(`/admin/v1/credentials/${rest.id}/rotate`).set(t.auth()).send({}).expect(200);
      secrets.push(rotated.body.secret);
      const customRotated = `Rotated-${unique('pw')}!`;
      const rotatedFtp = await t.http
        .post(`/admin/v1/credentials/${ftp.id}/rotate`)
        .set(t.auth())
        .send({ secret: customRotated })
        .expect(200);
      expect(rotatedFtp.body.secret).toBe(customRotated);
      secrets.push(customRotated);
      // group.create
      const group = await t.http
        .post(`/admin/v1/accounts/${accountId}/groups`)
        .set(t.auth())
        .send({ slug: unique('vip'), name: 'VIP' })
        .expect(201);
      // admin_token.create
      const tok = await t.http
        .post(`/admin/v1/accounts/${accountId}/admin-tokens`)
        .set(t.auth())
        .send({ name: 'ops' })
        .expect(201);
      secrets.push(tok.body.token);
      // changes made by the admin token
      const byToken = await createCredential(t, accountId, { channel: 'http' }, tok.body.token);
      secrets.push(byToken.secret, byToken.body.postbackSigningSecret);
      // credential.delete
      await t.http.delete(`/admin/v1/credentials/${byToken.id}`).set(t.auth(tok.body.token)).expect(204);

      const { rows, raw } = await readLog(t, 'audit-log', { accountId });
      const find = (action: string, targetId: string) =>
        rows.filter((r) => r.action === action && r.targetId === targetId);

      const root = { actorType: 'root', actorId: 'root', accountId };
      const expected: Array<[string, string, Row]> = [
        ['account.create', accountId, { ...root, targetType: 'account' }],
        ['credential.create', rest.id, { ...root, targetType: 'credential' }],
        ['credential.create', ftp.id, { ...root, targetType: 'credential' }],
        ['credential.update', rest.id, { ...root, targetType: 'credential' }],
        ['credential.rotate', rest.id, { ...root, targetType: 'credential' }],
        ['credential.rotate', ftp.id, { ...root, targetType: 'credential' }],
        ['group.create', group.body.id, { ...root, targetType: 'group' }],
        ['admin_token.create', tok.body.adminToken.id, { ...root, targetType: 'admin_token' }],
        [
          'credential.create',
          byToken.id,
          {
            actorType: 'admin_token',
            actorId: tok.body.adminToken.id,
            actorAccountId: accountId,
            accountId,
            targetType: 'credential',
          },
        ],
        [
          'credential.delete',
          byToken.id,
          {
            actorType: 'admin_token',
            actorId: tok.body.adminToken.id,
            actorAccountId: accountId,
            accountId,
            targetType: 'credential',
          },
        ],
      ];
      for (const [action, targetId, fields] of expected) {
        const found = find(action, targetId);
        expect({ action, targetId, count: found.length }).toEqual({ action, targetId, count: 1 });
        expect(found[0]).toMatchObject({ ...fields, action, targetId, peer: '127.0.0.1' });
        expect(found[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      // Everything in this account's log belongs to this account.
      expect(rows.every((r) => r.accountId === accountId)).toBe(true);

      for (const secret of secrets) {
        expect(typeof secret).toBe('string');
        expect(raw.includes(secret)).toBe(false);
      }
      // …and not through any other filter either.
      for (const targetId of [rest.id, ftp.id, byToken.id, tok.body.adminToken.id]) {
        const byTarget = await readLog(t, 'audit-log', { targetId });
        for (const secret of secrets) expect(byTarget.raw.includes(secret)).toBe(false);
      }
    });

    it('filters by targetId, action and accountId', async () => {
      const a = await createMaster(t);
      const b = await createMaster(t);
      const credA = await createCredential(t, a.id);
      const credA2 = await createCredential(t, a.id);
      const credB = await createCredential(t, b.id);
      await t.http.post(`/admin/v1/credentials/${credA.id}/rotate`).set(t.auth()).send({}).expect(200);
      await t.http.post(`/admin/v1/credentials/${credB.id}/rotate`).set(t.auth()).send({}).expect(200);

      const byTarget = await readLog(t, 'audit-log', { targetId: credA.id });
      expect(byTarget.rows.length).toBe(2);
      expect(byTarget.rows.every((r) => r.targetId === credA.id)).toBe(true);
      expect(byTarget.rows.map((r) => r.action).sort()).toEqual(['credential.create', 'credential.rotate']);

      const byAccount = await readLog(t, 'audit-log', { accountId: a.id });
      expect(byAccount.rows.every((r) => r.accountId === a.id)).toBe(true);
      expect(byAccount.rows.map((r) => r.targetId)).toEqual(expect.arrayContaining([a.id, credA.id, credA2.id]));
      expect(byAccount.rows.map((r) => r.targetId)).not.toContain(credB.id);

      const rotations = await readLog(t, 'audit-log', { accountId: a.id, action: 'credential.rotate' });
      expect(rotations.rows.map((r) => [r.action, r.targetId])).toEqual([['credential.rotate', credA.id]]);

      const creates = await readLog(t, 'audit-log', { action: 'credential.create', targetId: credB.id });
      expect(creates.rows).toHaveLength(1);
      expect(creates.rows[0]).toMatchObject({ accountId: b.id, targetId: credB.id, action: 'credential.create' });

      const none = await readLog(t, 'audit-log', { targetId: credA.id, action: 'account.create' });
      expect(none.rows).toEqual([]);
    });

    it('records account suspend, delete and admin token delete', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const tok = await t.http
        .post(`/admin/v1/accounts/${sub.id}/admin-tokens`)
        .set(t.auth())
        .send({ name: 'x' })
        .expect(201);
      await t.http.delete(`/admin/v1/admin-tokens/${tok.body.adminToken.id}`).set(t.auth()).expect(204);
      await t.http.patch(`/admin/v1/accounts/${sub.id}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      await t.http.delete(`/admin/v1/accounts/${sub.id}`).set(t.auth()).expect(204);

      const tokenRows = await readLog(t, 'audit-log', { targetId: tok.body.adminToken.id });
      expect(tokenRows.rows.map((r) => r.action)).toEqual(['admin_token.create', 'admin_token.delete']);
      expect(tokenRows.raw.includes(tok.body.token)).toBe(false);
      const subRows = await readLog(t, 'audit-log', { targetId: sub.id });
      expect(subRows.rows.map((r) => r.action)).toEqual(['account.create', 'account.suspend', 'account.delete']);
      expect(subRows.rows.every((r) => r.actorType === 'root' && r.targetType === 'account')).toBe(true);
    });

    it('filters by from (inclusive) and to (exclusive)', async () => {
      const a = await createMaster(t);
      const [row] = (await readLog(t, 'audit-log', { targetId: a.id })).rows;
      expect(row).toBeDefined();
      const at = Date.parse(row.at);
      const iso = (ms: number) => new Date(ms).toISOString();
      const ids = async (q: Record<string, string>) =>
        (await readLog(t, 'audit-log', { targetId: a.id, ...q })).rows.map((r) => r.id);
      expect(await ids({ from: iso(at) })).toEqual([row.id]);
      expect(await ids({ from: iso(at + 1) })).toEqual([]);
      expect(await ids({ to: iso(at) })).toEqual([]);
      expect(await ids({ to: iso(at + 1) })).toEqual([row.id]);
    });

    it('is ordered oldest first and paginates without duplicates', async () => {
      const a = await createMaster(t);
      for (let i = 0; i < 4; i++) await createCredential(t, a.id);
      const all = await readLog(t, 'audit-log', { accountId: a.id, limit: 2 });
      expect(all.rows).toHaveLength(5);
      expect(new Set(all.rows.map((r) => r.id)).size).toBe(5);
      expect(all.rows[0].action).toBe('account.create');
      const times = all.rows.map((r) => Date.parse(r.at));
      expect([...times].sort((x, y) => x - y)).toEqual(times);
    });

    it('is tenant-scoped for admin tokens', async () => {
      const a = await createMaster(t);
      const subA = await createSub(t, a.id);
      const b = await createMaster(t);
      const credB = await createCredential(t, b.id);
      const tokenA = await createAdminToken(t, a.id);
      const credSubA = await createCredential(t, subA.id, {}, tokenA);

      const own = await readLog(t, 'audit-log', { accountId: subA.id }, tokenA);
      expect(own.rows.map((r) => r.targetId)).toEqual(expect.arrayContaining([subA.id, credSubA.id]));
      const foreign = await readLog(t, 'audit-log', { accountId: b.id }, tokenA);
      expect(foreign.rows).toEqual([]);
      const foreignTarget = await readLog(t, 'audit-log', { targetId: credB.id }, tokenA);
      expect(foreignTarget.rows).toEqual([]);
      // Root does see it (so the empty answers above are scoping, not missing rows).
      expect((await readLog(t, 'audit-log', { targetId: credB.id })).rows).toHaveLength(1);

      const everything = await readLog(t, 'audit-log', {}, tokenA);
      expect(everything.rows.length).toBeGreaterThan(0);
      expect(everything.rows.every((r) => r.accountId === a.id || r.accountId === subA.id)).toBe(true);
    });
  });

  describe('request log', () => {
    it('verify calls produce rows with the fields of the request, never the secret', async () => {
      const master = await createMaster(t);
      const rest = await createCredential(t, master.id, { channel: 'rest' });
      const httpSecret = `Http-${unique('pw')}!`;
      const http = await createCredential(t, master.id, {
        channel: 'http',
        username: unique('httpuser'),
        secret: httpSecret,
      });
      const wrongSecret = `Wrong-${unique('pw')}!`;

      const okIp = nextIp();
      expect(await verify(t, { channel: 'rest', secret: rest.secret, ip: okIp })).toMatchObject({
        valid: true,
        credentialId: rest.id,
      });
      expect(await verify(t, { channel: 'http', username: http.username, secret: httpSecret, ip: okIp })).toMatchObject(
        { valid: true },
      );
      const badIp = nextIp();
      expect(await verify(t, { channel: 'http', username: http.username, secret: wrongSecret, ip: badIp })).toEqual({
        valid: false,
        reason: 'bad_secret',
      });
      await t.flushLogs();

      const { rows, raw } = await readLog(t, 'request-log', { accountId: master.id });
      expect(rows).toHaveLength(3);
      const restRow = rows.find((r) => r.credentialId === rest.id)!;
      expect(restRow).toMatchObject({
        channel: 'rest',
        accountId: master.id,
        peer: okIp,
        operation: 'admin.verify',
        outcome: 'ok',
      });
      expect(restRow.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const httpRows = rows.filter((r) => r.credentialId === http.id);
      expect(httpRows.map((r) => [r.outcome, r.peer, r.username]).sort()).toEqual(
        [
          ['bad_secret', badIp, http.username],
          ['ok', okIp, http.username],
        ].sort(),
      );
      for (const secret of [rest.secret, httpSecret, wrongSecret, rest.body.postbackSigningSecret]) {
        expect(raw.includes(secret)).toBe(false);
      }
    });

    it('filters by accountId, credentialId, channel and outcome', async () => {
      const a = await createMaster(t);
      const b = await createMaster(t);
      const restA = await createCredential(t, a.id, { channel: 'rest' });
      const emailSecret = `Mail-${unique('pw')}!`;
      const emailA = await createCredential(t, a.id, {
        channel: 'email',
        username: unique('mailuser'),
        secret: emailSecret,
      });
      const restB = await createCredential(t, b.id, { channel: 'rest' });

      await verify(t, { channel: 'rest', secret: restA.secret, ip: nextIp() });
      await verify(t, { channel: 'rest', secret: restA.secret, ip: nextIp() });
      await verify(t, { channel: 'email', username: emailA.username, secret: emailSecret, ip: nextIp() });
      await verify(t, { channel: 'email', username: emailA.username, secret: 'definitely-wrong', ip: nextIp() });
      await verify(t, { channel: 'rest', secret: restB.secret, ip: nextIp() });
      await t.flushLogs();

      const byAccountA = await readLog(t, 'request-log', { accountId: a.id });
      expect(byAccountA.rows).toHaveLength(4);
      expect(byAccountA.rows.every((r) => r.accountId === a.id)).toBe(true);

      const byCred = await readLog(t, 'request-log', { credentialId: restA.id });
      expect(byCred.rows).toHaveLength(2);
      expect(byCred.rows.every((r) => r.credentialId === restA.id && r.outcome === 'ok')).toBe(true);

      const emailRows = await readLog(t, 'request-log', { accountId: a.id, channel: 'email' });
      expect(emailRows.rows).toHaveLength(2);
      expect(emailRows.rows.every((r) => r.channel === 'email' && r.credentialId === emailA.id)).toBe(true);

      const restRows = await readLog(t, 'request-log', { accountId: a.id, channel: 'rest' });
      expect(restRows.rows.map((r) => r.credentialId)).toEqual([restA.id, restA.id]);

      const failed = await readLog(t, 'request-log', { accountId: a.id, outcome: 'bad_secret' });
      expect(failed.rows.map((r) => [r.credentialId, r.outcome])).toEqual([[emailA.id, 'bad_secret']]);
      const ok = await readLog(t, 'request-log', { accountId: a.id, outcome: 'ok' });
      expect(ok.rows).toHaveLength(3);

      const byAccountB = await readLog(t, 'request-log', { accountId: b.id });
      expect(byAccountB.rows.map((r) => r.credentialId)).toEqual([restB.id]);
    });

    it('filters by from (inclusive) and to (exclusive)', async () => {
      const a = await createMaster(t);
      const cred = await createCredential(t, a.id, { channel: 'rest' });
      await verify(t, { channel: 'rest', secret: cred.secret, ip: nextIp() });
      await t.flushLogs();
      const [row] = (await readLog(t, 'request-log', { credentialId: cred.id })).rows;
      expect(row).toBeDefined();
      const at = Date.parse(row.at);
      const iso = (ms: number) => new Date(ms).toISOString();

      const ids = async (q: Record<string, string>) =>
        (await readLog(t, 'request-log', { credentialId: cred.id, ...q })).rows.map((r) => r.id);
      expect(await ids({ from: iso(at) })).toEqual([row.id]);
      expect(await ids({ from: iso(at + 1) })).toEqual([]);
      expect(await ids({ to: iso(at) })).toEqual([]);
      expect(await ids({ to: iso(at + 1) })).toEqual([row.id]);
      expect(await ids({ from: iso(at - 60_000), to: iso(at + 60_000) })).toEqual([row.id]);
      expect(await ids({ from: iso(at + 60_000), to: iso(at + 120_000) })).toEqual([]);
    });

    it('rejects malformed filters with 400', async () => {
      await t.http.get('/admin/v1/request-log').set(t.auth()).query({ from: 'yesterday' }).expect(400);
      await t.http.get('/admin/v1/request-log').set(t.auth()).query({ channel: 'fax' }).expect(400);
      await t.http.get('/admin/v1/request-log').set(t.auth()).query({ limit: 0 }).expect(400);
      await t.http.get('/admin/v1/request-log').set(t.auth()).query({ limit: 201 }).expect(400);
    });

    it('an offTheRecord credential logs failed verifies but not successful ones', async () => {
      const a = await createMaster(t);
      const secret = `Quiet-${unique('pw')}!`;
      const quiet = await createCredential(t, a.id, {
        channel: 'webservice',
        username: unique('quiet'),
        secret,
        offTheRecord: true,
        allowedCidrs: ['10.20.30.0/24'],
      });
      expect(quiet.body.credential).toMatchObject({ offTheRecord: true, allowedCidrs: ['10.20.30.0/24'] });

      expect(
        await verify(t, { channel: 'webservice', username: quiet.username, secret, ip: '10.20.30.40' }),
      ).toMatchObject({
        valid: true,
        credentialId: quiet.id,
      });
      await t.flushLogs();
      expect((await readLog(t, 'request-log', { credentialId: quiet.id })).rows).toEqual([]);

      const outsider = nextIp();
      expect(await verify(t, { channel: 'webservice', username: quiet.username, secret, ip: outsider })).toEqual({
        valid: false,
        reason: 'ip_not_allowed',
        credentialId: quiet.id,
        accountId: a.id,
      });
      await t.flushLogs();
      const { rows, raw } = await readLog(t, 'request-log', { credentialId: quiet.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        outcome: 'ip_not_allowed',
        peer: outsider,
        accountId: a.id,
        channel: 'webservice',
      });
      expect(raw.includes(secret)).toBe(false);

      // Switching offTheRecord off makes successes visible again.
      await t.http.patch(`/admin/v1/credentials/${quiet.id}`).set(t.auth()).send({ offTheRecord: false }).expect(200);
      expect(
        (await verify(t, { channel: 'webservice', username: quiet.username, secret, ip: '10.20.30.41' })).valid,
      ).toBe(true);
      await t.flushLogs();
      const after = await readLog(t, 'request-log', { credentialId: quiet.id, outcome: 'ok' });
      expect(after.rows.map((r) => r.peer)).toEqual(['10.20.30.41']);
    });

    it('is tenant-scoped: a master token sees its tenant, not another', async () => {
      const a = await createMaster(t);
      const subA = await createSub(t, a.id);
      const b = await createMaster(t);
      const credA = await createCredential(t, a.id);
      const credSubA = await createCredential(t, subA.id);
      const credB = await createCredential(t, b.id);
      const tokenA = await createAdminToken(t, a.id);
      const tokenB = await createAdminToken(t, b.id);

      await verify(t, { channel: 'rest', secret: credA.secret, ip: nextIp() });
      await verify(t, { channel: 'rest', secret: credSubA.secret, ip: nextIp() });
      await verify(t, { channel: 'rest', secret: credB.secret, ip: nextIp() });
      await t.flushLogs();

      const seenByA = await readLog(t, 'request-log', {}, tokenA);
      const idsA = seenByA.rows.map((r) => r.credentialId);
      expect(idsA).toEqual(expect.arrayContaining([credA.id, credSubA.id]));
      expect(idsA).not.toContain(credB.id);
      expect(seenByA.rows.every((r) => r.accountId === a.id || r.accountId === subA.id)).toBe(true);

      expect((await readLog(t, 'request-log', { accountId: b.id }, tokenA)).rows).toEqual([]);
      expect((await readLog(t, 'request-log', { credentialId: credB.id }, tokenA)).rows).toEqual([]);
      expect((await readLog(t, 'request-log', { credentialId: credB.id }, tokenB)).rows).toHaveLength(1);
      expect((await readLog(t, 'request-log', { accountId: subA.id }, tokenB)).rows).toEqual([]);

      const tokenSubA = await createAdminToken(t, subA.id);
      const seenBySub = await readLog(t, 'request-log', {}, tokenSubA);
      expect(seenBySub.rows.map((r) => r.credentialId)).toEqual([credSubA.id]);
    });

    it("verify with a master token reports another tenant's credential as unknown, without ids", async () => {
      const a = await createMaster(t);
      const b = await createMaster(t);
      const credB = await createCredential(t, b.id);
      const tokenA = await createAdminToken(t, a.id);
      const res = await verify(t, { channel: 'rest', secret: credB.secret, ip: nextIp() }, tokenA);
      expect(res).toEqual({ valid: false, reason: 'unknown_credential' });
    });
  });
});

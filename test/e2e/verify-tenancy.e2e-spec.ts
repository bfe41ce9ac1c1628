import { expectError } from '../support/assertions';
import {
  createAdminToken,
  createCredential,
  createMaster,
  createSub,
  readRequestLog,
  verify,
} from '../support/factories';
import { TestApp, startTestApp } from '../support/test-app';

/**
 * Security review, items 1 and 2: `POST /admin/v1/verify` with an admin token is no oracle for
 * another tenant's passwords, and no lever to ban an address from every listener.
 */
describe('verify: tenant tokens', () => {
  let t: TestApp;
  const THRESHOLD = 8;

  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: String(THRESHOLD) });
  });
  afterAll(async () => {
    await t.close();
  });

  async function twoTenants() {
    const attacker = await createMaster(t);
    const attackerToken = await createAdminToken(t, attacker.id);
    const victim = await createMaster(t);
    const victimKey = await createCredential(t, victim.id, {
      channel: 'http',
      username: `victim-${victim.id.slice(-8)}`,
      secret: 'victims-own-password',
    });
    return { attacker, attackerToken, victim, victimKey };
  }

  it("answers unknown_credential for another tenant's username, whatever the password", async () => {
    const { attackerToken, victimKey } = await twoTenants();
    const ask = (secret: string, username = victimKey.username) =>
      verify(t, { channel: 'http', username, secret, ip: '198.51.100.10' }, attackerToken);

    const wrong = await ask('a-wrong-password');
    const right = await ask('victims-own-password');
    const unknown = await ask('a-wrong-password', 'nobody-has-this-name');
    // One answer for all three: nothing tells a wrong password from a right one or a missing user.
    expect(wrong).toEqual({ valid: false, reason: 'unknown_credential' });
    expect(right).toEqual(wrong);
    expect(unknown).toEqual(wrong);
  });

  it("writes nothing into the other tenant's request log and leaves its cache cold", async () => {
    const { attackerToken, victim, victimKey } = await twoTenants();
    for (let i = 0; i < 3; i++) {
      await verify(
        t,
        { channel: 'http', username: victimKey.username, secret: `guess-${i}-guess`, ip: '198.51.100.11' },
        attackerToken,
      );
    }
    await verify(
      t,
      { channel: 'http', username: victimKey.username, secret: 'victims-own-password', ip: '198.51.100.11' },
      attackerToken,
    );
    const { rows } = await readRequestLog(t, { accountId: victim.id });
    expect(rows).toEqual([]);
    expect((await t.http.get(`/admin/v1/credentials/${victimKey.id}`).set(t.auth()).expect(200)).body.lastUsedAt).toBe(
      null,
    );
  });

  it('a bare REST key of another tenant is unknown too (no HMAC lookup oracle)', async () => {
    const { attackerToken, victim } = await twoTenants();
    const key = await createCredential(t, victim.id, { channel: 'rest' });
    await expect(
      verify(t, { channel: 'rest', secret: key.secret, ip: '198.51.100.12' }, attackerToken),
    ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
  });

  it('its own tenant, subs included, verifies as before', async () => {
    const { attacker, attackerToken } = await twoTenants();
    const sub = await createSub(t, attacker.id);
    const key = await createCredential(t, sub.id, { channel: 'webservice', secret: 'sub-ws-password-1' });
    await expect(
      verify(
        t,
        { channel: 'webservice', username: key.username, secret: 'sub-ws-password-1', ip: '198.51.100.13' },
        attackerToken,
      ),
    ).resolves.toEqual({ valid: true, credentialId: key.id, accountId: sub.id });
    await expect(
      verify(
        t,
        { channel: 'webservice', username: key.username, secret: 'not-the-password', ip: '198.51.100.13' },
        attackerToken,
      ),
    ).resolves.toEqual({ valid: false, reason: 'bad_secret' });
    // a sub's token does not see its master's keys
    const subToken = await createAdminToken(t, sub.id);
    const masterKey = await createCredential(t, attacker.id, { channel: 'http', secret: 'master-http-pass' });
    await expect(
      verify(
        t,
        { channel: 'http', username: masterKey.username, secret: 'master-http-pass', ip: '198.51.100.13' },
        subToken,
      ),
    ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
  });

  it("a tenant token's failures ban the token (429 banned), not the address it names", async () => {
    const { attacker, attackerToken } = await twoTenants();
    const key = await createCredential(t, attacker.id, { channel: 'http', secret: 'tenant-own-pass' });
    // Unknown users of its own tenant do not exist, so score only wrong secrets (1 each).
    for (let i = 0; i < THRESHOLD - 1; i++) {
      await expect(
        verify(
          t,
          { channel: 'http', username: key.username, secret: `wrong-${i}-wrong`, ip: `198.51.100.${20 + i}` },
          attackerToken,
        ),
      ).resolves.toMatchObject({ reason: 'bad_secret' });
    }
    await verify(
      t,
      { channel: 'http', username: key.username, secret: 'wrong-last-wrong', ip: '198.51.100.99' },
      attackerToken,
    );
    const refused = await t.http
      .post('/admin/v1/verify')
      .set(t.auth(attackerToken))
      .send({ channel: 'http', username: key.username, secret: 'tenant-own-pass', ip: '198.51.100.100' });
    expectError(refused, 429, 'banned');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // The addresses it named are not banned: root's verify and the channels still serve them.
    await expect(
      verify(t, { channel: 'http', username: key.username, secret: 'tenant-own-pass', ip: '198.51.100.99' }),
    ).resolves.toMatchObject({ valid: true });
    // Another token of the same tenant is unaffected.
    const otherToken = await createAdminToken(t, attacker.id);
    await expect(
      verify(
        t,
        { channel: 'http', username: key.username, secret: 'tenant-own-pass', ip: '198.51.100.100' },
        otherToken,
      ),
    ).resolves.toMatchObject({ valid: true });
  });

  it("no admin token can get a real client's address banned on the channels (item 2)", async () => {
    const owner = await createMaster(t);
    const ownerToken = await createAdminToken(t, owner.id);
    const restKey = await createCredential(t, owner.id, { channel: 'rest' });
    const httpKey = await createCredential(t, owner.id, { channel: 'http', secret: 'http-client-pass' });
    // The attack of the review: failed verifies naming the client's address, IPv4-mapped.
    for (let i = 0; i < THRESHOLD + 2; i++) {
      await t.http
        .post('/admin/v1/verify')
        .set(t.auth(ownerToken))
        .send({ channel: 'http', username: httpKey.username, secret: `wrong-${i}-wrong`, ip: '::ffff:127.0.0.1' });
      await t.http
        .post('/admin/v1/verify')
        .set(t.auth(ownerToken))
        .send({ channel: 'http', username: `nobody-${i}`, secret: `wrong-${i}-wrong`, ip: '::ffff:127.0.0.1' });
    }
    // The real clients on 127.0.0.1 still get in.
    await t.http
      .post('/rest/v1/messages')
      .set('Authorization', `Bearer ${restKey.secret}`)
      .send({ to: ['+447700900123'], body: 'still here' })
      .expect(202);
    await t.http
      .get('/http/send')
      .query({ username: httpKey.username, password: 'http-client-pass', to: '447700900123', text: 'hi' })
      .expect(200);
  });

  it("root's ip still feeds the listeners' ban list, as a listener's peer would", async () => {
    const owner = await createMaster(t);
    const key = await createCredential(t, owner.id, { channel: 'http', secret: 'root-checked-pass' });
    const ip = '203.0.113.77';
    for (let i = 0; i < THRESHOLD; i++) {
      await verify(t, { channel: 'http', username: key.username, secret: `wrong-${i}-wrong`, ip });
    }
    await expect(
      verify(t, { channel: 'http', username: key.username, secret: 'root-checked-pass', ip }),
    ).resolves.toEqual({
      valid: false,
      reason: 'banned',
    });
  });
});

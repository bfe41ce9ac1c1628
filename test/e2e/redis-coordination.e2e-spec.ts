import { randomBytes } from 'node:crypto';
import { RedisChangeNotifier, RedisLink, RedisPeerBanList } from '@gatehouse/coordination';
import type { ChangeEvent } from '@gatehouse/core';
import { PrivateRedis, haveRedisServer, startPrivateRedis } from '../support/redis-server';
import { eventually } from '../support/ssh-tools';

/**
 * The Redis coordination of several nodes (issue 12), each "node" a RedisLink of its own in this
 * process, against a private redis-server that the tests stop and start (outages). Skipped where
 * redis-server is missing, never under CI.
 */
const run = haveRedisServer() || process.env.CI ? describe : describe.skip;

const POLICY = { threshold: 5, seconds: 600, windowSeconds: 600 };

run('Redis coordination across nodes', () => {
  let redis: PrivateRedis;
  const links: RedisLink[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await redis.stop();
  });

  /** A node: its link, ban list and notifier, on this test's own key prefix. */
  async function node(prefix: string) {
    const link = new RedisLink(redis.url, prefix);
    links.push(link);
    await link.connect(5_000);
    // The bans this node sets (gatehouse_bans_total), not those it mirrors from others.
    const banned: string[] = [];
    const bans = new RedisPeerBanList(link, POLICY, Date.now, { banned: (subject) => banned.push(subject) });
    const changes = new RedisChangeNotifier(link);
    const heard: ChangeEvent[] = [];
    changes.subscribe((event) => heard.push(event));
    return { link, bans, changes, heard, banned };
  }
  const prefix = () => `test-${randomBytes(4).toString('hex')}:`;

  it('failures on two nodes add up to one ban, which both nodes see without asking Redis', async () => {
    const p = prefix();
    const [a, b] = [await node(p), await node(p)];
    expect(a.link.state()).toBe('ok');
    for (let i = 0; i < 2; i++) await a.bans.recordFailure('198.51.100.7', 1);
    for (let i = 0; i < 2; i++) await b.bans.recordFailure('198.51.100.7', 1);
    await expect(a.bans.check('198.51.100.7')).resolves.toEqual({ banned: false });
    await expect(a.bans.recordFailure('198.51.100.7', 1)).resolves.toMatchObject({ banned: true });
    expect(await eventually(async () => (await b.bans.check('198.51.100.7')).banned)).toBe(true);
    await expect(b.bans.check('198.51.100.8')).resolves.toEqual({ banned: false });
    // One ban, counted by the node that set it; a failure recorded on B meanwhile sets none.
    await b.bans.recordFailure('198.51.100.7', 1);
    expect(a.banned).toEqual(['198.51.100.7']);
    expect(b.banned).toEqual([]);
  });

  it('every key it writes expires: the ban with the ban time, a score window with the window', async () => {
    const p = prefix();
    const a = await node(p);
    await a.bans.recordFailure('198.51.100.20', 1);
    const windowTtl = await a.link.commands.pttl(`${p}fail:198.51.100.20`);
    expect(windowTtl).toBeGreaterThan(0);
    expect(windowTtl).toBeLessThanOrEqual(POLICY.windowSeconds * 1000);
    await a.bans.recordFailure('198.51.100.20', 4);
    const banTtl = await a.link.commands.pttl(`${p}ban:198.51.100.20`);
    expect(banTtl).toBeGreaterThan((POLICY.seconds - 60) * 1000);
    expect(await a.link.commands.exists(`${p}fail:198.51.100.20`)).toBe(0);
  });

  it('a node that starts later reads the bans already set', async () => {
    const p = prefix();
    const a = await node(p);
    await a.bans.recordFailure('2001:db8:1:2::/64', 5);
    const late = await node(p);
    await late.bans.reload();
    await expect(late.bans.check('2001:db8:1:2::/64')).resolves.toMatchObject({ banned: true });
  });

  it('a change published on one node reaches the others once, and its own listeners at once', async () => {
    const p = prefix();
    const [a, b, c] = [await node(p), await node(p), await node(p)];
    const event: ChangeEvent = {
      type: 'credential.changed',
      credentialId: 'cred-1',
      endSessions: true,
      reason: 'credential_blocked',
    };
    await a.changes.publish(event);
    expect(a.heard).toEqual([event]);
    expect(await eventually(() => b.heard.length === 1 && c.heard.length === 1)).toBe(true);
    expect(b.heard).toEqual([event]);
    const other = await node(prefix());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(other.heard).toEqual([]); // another deployment's prefix hears nothing
  });

  it('Redis down: nodes go on alone (local bans, not delivering); back: they rejoin, reset their caches and reload bans', async () => {
    const p = prefix();
    const [a, b] = [await node(p), await node(p)];
    await a.bans.recordFailure('203.0.113.50', 5); // shared before the outage
    expect(await eventually(async () => (await b.bans.check('203.0.113.50')).banned)).toBe(true);

    await redis.stop();
    expect(await eventually(() => a.link.state() === 'unavailable' && b.link.state() === 'unavailable')).toBe(true);
    expect(a.changes.isDelivering()).toBe(false);
    // Scored locally meanwhile: a brute force against node A is still stopped by node A.
    for (let i = 0; i < 4; i++) await a.bans.recordFailure('203.0.113.60', 1);
    await expect(a.bans.recordFailure('203.0.113.60', 1)).resolves.toMatchObject({ banned: true });
    await expect(b.bans.check('203.0.113.60')).resolves.toEqual({ banned: false });
    // Published while down: delivered here, lost for the others.
    await a.changes.publish({ type: 'credential.changed', credentialId: 'x', endSessions: false });
    await expect(b.bans.check('203.0.113.50')).resolves.toMatchObject({ banned: true }); // mirrored bans stay

    await redis.start(); // an empty Redis: what it held is gone
    expect(await eventually(() => a.link.state() === 'ok' && b.link.state() === 'ok', 20_000)).toBe(true);
    expect(a.changes.isDelivering()).toBe(true);
    expect(await eventually(() => b.heard.some((e) => e.type === 'cache.reset'))).toBe(true);
    expect(b.heard.some((e) => e.type === 'credential.changed')).toBe(false);
    // Sharing again.
    await b.bans.recordFailure('203.0.113.70', 5);
    expect(await eventually(async () => (await a.bans.check('203.0.113.70')).banned)).toBe(true);
  }, 60_000);

  it('a node started while Redis is down starts, alone, and joins when Redis comes', async () => {
    await redis.stop();
    try {
      const p = prefix();
      const link = new RedisLink(redis.url, p);
      links.push(link);
      const started = Date.now();
      await link.connect(500);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(link.state()).toBe('unavailable');
      const bans = new RedisPeerBanList(link, POLICY);
      await expect(bans.recordFailure('192.0.2.9', 5)).resolves.toMatchObject({ banned: true }); // locally
      await redis.start();
      expect(await eventually(() => link.state() === 'ok', 20_000)).toBe(true);
    } finally {
      await redis.start(); // for whatever runs next
    }
  }, 60_000);
});

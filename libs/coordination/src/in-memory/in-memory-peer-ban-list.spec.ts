import { InMemoryPeerBanList } from './in-memory-peer-ban-list';

const POLICY = { threshold: 15, seconds: 1800, windowSeconds: 1800 };

function setup(policy = POLICY) {
  let now = 1_700_000_000_000;
  const clock = {
    now: () => now,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
  return { bans: new InMemoryPeerBanList(policy, clock.now), clock };
}

async function fail(bans: InMemoryPeerBanList, peer: string, score: number, times: number) {
  let last;
  for (let i = 0; i < times; i++) last = await bans.recordFailure(peer, score);
  return last;
}

describe('InMemoryPeerBanList', () => {
  it('a fresh peer is not banned', async () => {
    const { bans } = setup();
    await expect(bans.check('10.0.0.1')).resolves.toEqual({ banned: false });
  });

  it('stays unbanned below the threshold', async () => {
    const { bans } = setup();
    // 7 × 2 = 14 < 15
    await expect(fail(bans, '10.0.0.1', 2, 7)).resolves.toEqual({ banned: false });
    await expect(bans.check('10.0.0.1')).resolves.toEqual({ banned: false });
  });

  it('bans on reaching the threshold with mixed scores, for the ban time', async () => {
    const { bans } = setup();
    await fail(bans, '10.0.0.1', 2, 7); // 14
    const state = await bans.recordFailure('10.0.0.1', 1); // 15
    expect(state).toEqual({ banned: true, retryAfterSeconds: 1800 });
    await expect(bans.check('10.0.0.1')).resolves.toEqual({ banned: true, retryAfterSeconds: 1800 });
  });

  it('tells its metrics of each ban it sets, once', async () => {
    const banned: string[] = [];
    const bans = new InMemoryPeerBanList({ ...POLICY, threshold: 3 }, Date.now, { banned: (s) => banned.push(s) });
    await fail(bans, 'ip:10.0.0.1', 1, 2);
    expect(banned).toEqual([]);
    await fail(bans, 'ip:10.0.0.1', 1, 4); // the ban, then failures of a banned peer
    await fail(bans, 'ip6:2001:db8::/64', 3, 1);
    expect(banned).toEqual(['ip:10.0.0.1', 'ip6:2001:db8::/64']);
  });

  it('bans with only score-1 failures after exactly threshold of them', async () => {
    const { bans } = setup();
    await expect(fail(bans, 'p', 1, 14)).resolves.toEqual({ banned: false });
    await expect(bans.recordFailure('p', 1)).resolves.toMatchObject({ banned: true });
  });

  it('retryAfterSeconds counts down', async () => {
    const { bans, clock } = setup();
    await fail(bans, 'p', 2, 8);
    clock.advance(600);
    await expect(bans.check('p')).resolves.toEqual({ banned: true, retryAfterSeconds: 1200 });
  });

  it('failures outside the window do not count', async () => {
    const { bans, clock } = setup();
    await fail(bans, 'p', 2, 7); // 14
    clock.advance(1801);
    await expect(bans.recordFailure('p', 1)).resolves.toEqual({ banned: false });
    await expect(fail(bans, 'p', 2, 6)).resolves.toEqual({ banned: false }); // 1 + 12 = 13
    await expect(bans.recordFailure('p', 2)).resolves.toMatchObject({ banned: true }); // 15
  });

  it('only the failures that fell out of the window stop counting', async () => {
    const { bans, clock } = setup();
    await fail(bans, 'p', 2, 4); // 8 at t0
    clock.advance(1000);
    await fail(bans, 'p', 2, 3); // 6 at t0+1000 → 14
    clock.advance(900); // t0 failures are now outside the 1800 s window
    await expect(bans.recordFailure('p', 2)).resolves.toEqual({ banned: false }); // 6 + 2 = 8
    await expect(fail(bans, 'p', 2, 3)).resolves.toEqual({ banned: false }); // 14
    await expect(bans.recordFailure('p', 1)).resolves.toMatchObject({ banned: true }); // 15
  });

  it('the ban expires after the ban time, and the score starts again from zero', async () => {
    const { bans, clock } = setup();
    await fail(bans, 'p', 2, 8);
    clock.advance(1799);
    await expect(bans.check('p')).resolves.toEqual({ banned: true, retryAfterSeconds: 1 });
    clock.advance(1);
    await expect(bans.check('p')).resolves.toEqual({ banned: false });
    await expect(bans.recordFailure('p', 2)).resolves.toEqual({ banned: false });
  });

  it('a score of 0 never bans', async () => {
    const { bans } = setup();
    await expect(fail(bans, 'p', 0, 100)).resolves.toEqual({ banned: false });
    await expect(bans.check('p')).resolves.toEqual({ banned: false });
    // and does not add to the score either
    await expect(fail(bans, 'p', 1, 14)).resolves.toEqual({ banned: false });
  });

  it('peers are independent', async () => {
    const { bans } = setup();
    await fail(bans, '10.0.0.1', 2, 7);
    await fail(bans, '10.0.0.2', 2, 7);
    await expect(bans.recordFailure('10.0.0.1', 2)).resolves.toMatchObject({ banned: true });
    await expect(bans.check('10.0.0.2')).resolves.toEqual({ banned: false });
    await expect(bans.check('2001:db8::1')).resolves.toEqual({ banned: false });
  });

  it('honours a custom policy', async () => {
    const { bans, clock } = setup({ threshold: 3, seconds: 60, windowSeconds: 10 });
    await expect(fail(bans, 'p', 1, 2)).resolves.toEqual({ banned: false });
    clock.advance(11);
    await expect(fail(bans, 'p', 1, 2)).resolves.toEqual({ banned: false });
    await expect(bans.recordFailure('p', 1)).resolves.toEqual({ banned: true, retryAfterSeconds: 60 });
    clock.advance(60);
    await expect(bans.check('p')).resolves.toEqual({ banned: false });
  });
});

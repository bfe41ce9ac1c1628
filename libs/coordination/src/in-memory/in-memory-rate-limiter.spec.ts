import { InMemoryRateLimiter } from './in-memory-rate-limiter';

describe('InMemoryRateLimiter (sliding window)', () => {
  function setup(start = 1_700_000_040_000) {
    let now = start; // a window boundary for 10 s windows (a multiple of 10 000)
    return { limiter: new InMemoryRateLimiter(() => now), advance: (ms: number) => (now += ms) };
  }
  const LIMIT = { requests: 3, perSeconds: 10 };

  it('lets `requests` through in a window, then refuses with the seconds to wait', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 3; i++) await expect(limiter.take('c', LIMIT)).resolves.toEqual({ allowed: true });
    const refused = await limiter.take('c', LIMIT);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(20);
  });

  it('weights the previous window by its overlap: no burst of twice the limit at a boundary', async () => {
    const { limiter, advance } = setup();
    advance(9_000); // the last second of the window
    for (let i = 0; i < 3; i++) await limiter.take('c', LIMIT);
    advance(1_500); // just past the boundary: the previous window still weighs 85 %
    await expect(limiter.take('c', LIMIT)).resolves.toMatchObject({ allowed: false });
    advance(5_000); // 35 %: 3 × 0.35 = 1.05, room for one more
    await expect(limiter.take('c', LIMIT)).resolves.toEqual({ allowed: true });
    await expect(limiter.take('c', LIMIT)).resolves.toMatchObject({ allowed: false });
  });

  it('counts each credential on its own, and refused requests are not counted', async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 5; i++) await limiter.take('a', LIMIT);
    await expect(limiter.take('b', LIMIT)).resolves.toEqual({ allowed: true });
    advance(20_000); // two windows later: a starts afresh (its refused requests left nothing behind)
    for (let i = 0; i < 3; i++) await expect(limiter.take('a', LIMIT)).resolves.toEqual({ allowed: true });
  });

  it('a changed limit starts its counts afresh', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 3; i++) await limiter.take('c', LIMIT);
    await expect(limiter.take('c', { requests: 10, perSeconds: 10 })).resolves.toEqual({ allowed: true });
  });
});

import { afterFailure, retryDelayMs } from './retry-schedule';

describe('retry schedule', () => {
  const policy = { baseDelayMs: 5_000, maxDelayMs: 3_600_000, maxAgeSeconds: 86_400 };
  const low = () => 0;
  const high = () => 0.999999;

  it('doubles from the base delay per failed attempt, within ±20%', () => {
    for (const [attempts, nominal] of [
      [1, 5_000],
      [2, 10_000],
      [3, 20_000],
      [4, 40_000],
      [10, 2_560_000],
    ] as const) {
      expect(retryDelayMs(attempts, policy, () => 0.5)).toBe(nominal);
      expect(retryDelayMs(attempts, policy, low)).toBe(nominal * 0.8);
      expect(retryDelayMs(attempts, policy, high)).toBeLessThanOrEqual(nominal * 1.2);
      expect(retryDelayMs(attempts, policy, high)).toBeGreaterThan(nominal * 1.19);
    }
  });

  it('stays within [0.8, 1.2] × the capped delay for any attempt count and random value', () => {
    for (let attempts = 1; attempts <= 2000; attempts += 7) {
      const nominal = Math.min(5_000 * 2 ** (attempts - 1), 3_600_000);
      const delay = retryDelayMs(attempts, policy);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(nominal * 0.8);
      expect(delay).toBeLessThanOrEqual(nominal * 1.2);
    }
  });

  it('caps at maxDelayMs, even for attempt counts whose power overflows', () => {
    expect(retryDelayMs(11, policy, () => 0.5)).toBe(3_600_000);
    expect(retryDelayMs(5000, policy, () => 0.5)).toBe(3_600_000);
    expect(retryDelayMs(5000, policy, high)).toBeLessThanOrEqual(3_600_000 * 1.2);
  });

  it('treats 0 attempts like the first', () => {
    expect(retryDelayMs(0, policy, () => 0.5)).toBe(5_000);
  });

  it('retries young deliveries and gives up once they are maxAgeSeconds old', () => {
    const createdAt = new Date('2025-01-01T00:00:00Z');
    const at = (ms: number) => new Date(createdAt.getTime() + ms);
    expect(afterFailure({ createdAt }, 1, at(1000), policy, () => 0.5)).toEqual({ type: 'retry', at: at(6000) });
    expect(afterFailure({ createdAt }, 30, at(86_400_000), policy)).toEqual({ type: 'give_up' });
    expect(afterFailure({ createdAt }, 30, at(90_000_000), policy)).toEqual({ type: 'give_up' });
  });

  it('pulls the last retry in to the deadline instead of overshooting it', () => {
    const createdAt = new Date('2025-01-01T00:00:00Z');
    const now = new Date(createdAt.getTime() + 86_000_000);
    expect(afterFailure({ createdAt }, 20, now, policy, high)).toEqual({
      type: 'retry',
      at: new Date(createdAt.getTime() + 86_400_000),
    });
  });

  it('adds up to roughly a day of attempts with the defaults', () => {
    const createdAt = new Date(0);
    let now = createdAt;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const decision = afterFailure({ createdAt }, attempts, now, policy, () => 0.5);
      if (decision.type === 'give_up') break;
      now = decision.at;
    }
    expect(now.getTime()).toBe(86_400_000);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});

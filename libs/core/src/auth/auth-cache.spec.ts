import { AuthCache } from './auth-cache';
import type { AuthSnapshot } from './authenticated-credential';

const snapshot = (credentialId: string) => ({ principal: { credentialId } }) as unknown as AuthSnapshot;

describe('AuthCache', () => {
  it('a verdict older than the asked maximum age is a miss, and is dropped', async () => {
    const cache = new AuthCache(100, 300_000);
    cache.set('k', snapshot('c1'));
    expect(cache.get('k', 10_000)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.get('k')).toBeDefined(); // without a maximum, the TTL rules
    expect(cache.get('k', 10_000)).toBeDefined();
    expect(cache.get('k', 20)).toBeUndefined();
    expect(cache.get('k')).toBeUndefined();
  });

  it('invalidating a credential drops all its verdicts; clear drops everything', () => {
    const cache = new AuthCache();
    cache.set('a1', snapshot('a'));
    cache.set('a2', snapshot('a'));
    cache.set('b1', snapshot('b'));
    cache.invalidateCredential('a');
    expect([cache.get('a1'), cache.get('a2'), cache.get('b1')?.principal.credentialId]).toEqual([
      undefined,
      undefined,
      'b',
    ]);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

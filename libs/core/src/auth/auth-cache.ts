import { LRUCache } from 'lru-cache';
import { AuthSnapshot } from './authenticated-credential';

/**
 * Warm path: verdicts of recent successful secret checks, keyed by a keyed digest of
 * (channel, username, secret), so a repeated bcrypt-backed login costs microseconds.
 * Entries of a credential are dropped the moment it changes.
 */
export class AuthCache {
  private readonly byKey: LRUCache<string, AuthSnapshot>;
  private readonly keysByCredential = new Map<string, Set<string>>();

  constructor(
    max = 50_000,
    private readonly ttlMs = 5 * 60_000,
  ) {
    this.byKey = new LRUCache<string, AuthSnapshot>({
      max,
      ttl: ttlMs,
      dispose: (snapshot, key) => this.unindex(snapshot.principal.credentialId, key),
    });
  }

  /** The cached verdict; with `maxAgeMs`, only one stored at most that long ago. */
  get(key: string, maxAgeMs?: number): AuthSnapshot | undefined {
    const snapshot = this.byKey.get(key);
    if (snapshot === undefined || maxAgeMs === undefined) return snapshot;
    const age = this.ttlMs - this.byKey.getRemainingTTL(key);
    if (age <= maxAgeMs) return snapshot;
    this.byKey.delete(key);
    return undefined;
  }

  set(key: string, snapshot: AuthSnapshot): void {
    this.byKey.set(key, snapshot);
    const id = snapshot.principal.credentialId;
    let keys = this.keysByCredential.get(id);
    if (!keys) this.keysByCredential.set(id, (keys = new Set()));
    keys.add(key);
  }

  invalidateCredential(credentialId: string): void {
    const keys = this.keysByCredential.get(credentialId);
    if (!keys) return;
    for (const key of [...keys]) this.byKey.delete(key);
    this.keysByCredential.delete(credentialId);
  }

  clear(): void {
    this.byKey.clear();
    this.keysByCredential.clear();
  }

  get size(): number {
    return this.byKey.size;
  }

  private unindex(credentialId: string, key: string): void {
    const keys = this.keysByCredential.get(credentialId);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.keysByCredential.delete(credentialId);
  }
}

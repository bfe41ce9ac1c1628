import { KeyObject, createHmac, createSecretKey, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as bcrypt from 'bcrypt';

/**
 * Stored hashes name their scheme, so schemes coexist:
 * - `hmac-sha256$<hex>`   generated secrets (≥256 bits): HMAC with the server pepper, microseconds to check.
 * - `bcrypt-hmac$<bcrypt>` custom secrets: bcrypt over HMAC(pepper, secret), so bcrypt's 72-byte
 *                         truncation cannot make two long custom secrets equal.
 * - `$2a$` / `$2b$` / `$2y$` imported bcrypt hashes, verified as they are.
 */
export type HashScheme = 'hmac-sha256' | 'bcrypt-hmac' | 'bcrypt';

const HMAC_PREFIX = 'hmac-sha256$';
const BCRYPT_HMAC_PREFIX = 'bcrypt-hmac$';
export const IMPORTED_BCRYPT_PATTERN = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

/** The cost factor a bcrypt hash (`$2b$12$…`, or ours behind `bcrypt-hmac$`) was made with. */
export function bcryptCostOf(stored: string): number {
  const bare = stored.startsWith(BCRYPT_HMAC_PREFIX) ? stored.slice(BCRYPT_HMAC_PREFIX.length) : stored;
  const cost = /^\$2[aby]\$(\d\d)\$/.exec(bare);
  if (!cost) throw new Error('not a bcrypt hash');
  return Number(cost[1]);
}

const EQUALISER_INPUT = 'gatehouse-timing-equaliser';

export class SecretHasher {
  /** Dummy hashes by cost, made on first use: what unknown users and cost top-ups compare against. */
  private readonly dummies = new Map<number, Promise<string>>();
  /** Imported once: building an HMAC key from a string on every call costs more than the hash. */
  private readonly pepperKey: KeyObject;
  /** Random per process, so cache keys mean nothing outside this process's memory. */
  private readonly cacheSalt = randomBytes(32).toString('base64');

  constructor(
    pepper: string,
    readonly bcryptCost: number,
  ) {
    this.pepperKey = createSecretKey(Buffer.from(pepper, 'utf8'));
    // Same cost as real custom secrets: a miss on an unknown user takes as long as a wrong password.
    void this.dummyOf(bcryptCost);
  }
  /** Deterministic keyed digest; doubles as the indexed lookup key for bearer tokens. */
  lookupKey(secret: string): string {
    return createHmac('sha256', this.pepperKey).update(secret, 'utf8').digest('hex');
  }

  /** Keyed digest, stable across processes (derives values that must not change, e.g. signing secrets). */
  digest(...parts: string[]): string {
    return createHmac('sha256', this.pepperKey).update(parts.join('\0'), 'utf8').digest('base64url');
  }

  /**
   * Key for the in-memory authentication cache: SHA-256 over a per-process salt and the parts.
   * One-shot hashing costs a fifth of an HMAC, and it runs on every warm authentication; the key
   * never leaves this process, so it needs no pepper.
   */
  cacheKey(...parts: string[]): string {
    return hash('sha256', `${this.cacheSalt}\0${parts.join('\0')}`, 'base64url');
  }

  hashGenerated(secret: string): { hash: string; lookupKey: string } {
    const key = this.lookupKey(secret);
    return { hash: HMAC_PREFIX + key, lookupKey: key };
  }

  async hashCustom(secret: string): Promise<string> {
    return BCRYPT_HMAC_PREFIX + (await bcrypt.hash(this.prehash(secret), this.bcryptCost));
  }

  static isImportableHash(hash: string): boolean {
    return IMPORTED_BCRYPT_PATTERN.test(hash);
  }

  static schemeOf(stored: string): HashScheme {
    if (stored.startsWith(HMAC_PREFIX)) return 'hmac-sha256';
    if (stored.startsWith(BCRYPT_HMAC_PREFIX)) return 'bcrypt-hmac';
    if (IMPORTED_BCRYPT_PATTERN.test(stored)) return 'bcrypt';
    throw new Error('Unknown secret hash scheme');
  }

  static isSlow(scheme: HashScheme): boolean {
    return scheme !== 'hmac-sha256';
  }

  /**
   * `lookupKey`: the secret's lookup key, when the caller already computed it (saves an HMAC).
   *
   * Slow hashes cost the same work whatever their own cost: one at cost c < C (C = the
   * configured cost, e.g. an imported `$2b$10$`) is topped up with dummy compares at costs
   * c … C-1, and 2^c + 2^c + … + 2^(C-1) = 2^C, the work of one compare at C. So a wrong
   * password, an unknown user and an imported hash take the same time, and timing tells
   * nobody which usernames hold imported hashes. An imported hash above C (stored before
   * imports were capped) is never compared: its cost is the attacker's choice.
   */
  async verify(stored: string, secret: string, lookupKey?: string): Promise<boolean> {
    const scheme = SecretHasher.schemeOf(stored);
    switch (scheme) {
      case 'hmac-sha256': {
        const expected = Buffer.from(stored.slice(HMAC_PREFIX.length), 'hex');
        const actual = Buffer.from(lookupKey ?? this.lookupKey(secret), 'hex');
        return expected.length === actual.length && timingSafeEqual(expected, actual);
      }
      case 'bcrypt-hmac': {
        const matched = await this.compare(this.prehash(secret), stored.slice(BCRYPT_HMAC_PREFIX.length));
        await this.topUp(bcryptCostOf(stored));
        return matched;
      }
      case 'bcrypt': {
        const cost = bcryptCostOf(stored);
        if (cost > this.bcryptCost) {
          await this.burn(true, secret);
          return false;
        }
        // $2y$ (PHP) is the same algorithm as $2b$; the native binding only knows the latter.
        const matched = await this.compare(secret, stored.replace(/^\$2y\$/, '$2b$'));
        await this.topUp(cost);
        return matched;
      }
    }
  }

  /** True when a stored hash is not in the scheme and cost new secrets get (re-hash it at the next login). */
  needsRehash(stored: string): boolean {
    const scheme = SecretHasher.schemeOf(stored);
    if (scheme === 'hmac-sha256') return false;
    return scheme === 'bcrypt' || bcryptCostOf(stored) !== this.bcryptCost;
  }

  /** Spends the time a real check of this kind would take, for a credential that does not exist. */
  async burn(slow: boolean, secret: string): Promise<void> {
    if (slow) await this.compare(secret, await this.dummyOf(this.bcryptCost));
    else this.lookupKey(secret);
  }

  /**
   * One bcrypt compare. Every bcrypt compare of this class goes through here, so a test can
   * count the work each path spends.
   */
  protected compare(data: string, hash: string): Promise<boolean> {
    return bcrypt.compare(data, hash);
  }

  /** Dummy compares at costs `from` … C-1: the work that tops a cost-`from` compare up to one at C. */
  private async topUp(from: number): Promise<void> {
    for (let cost = from; cost < this.bcryptCost; cost++) {
      await this.compare(EQUALISER_INPUT, await this.dummyOf(cost));
    }
  }

  private dummyOf(cost: number): Promise<string> {
    let dummy = this.dummies.get(cost);
    if (!dummy) this.dummies.set(cost, (dummy = bcrypt.hash(EQUALISER_INPUT, cost)));
    return dummy;
  }

  private prehash(secret: string): string {
    return createHmac('sha256', this.pepperKey).update(`custom\0${secret}`, 'utf8').digest('base64');
  }
}

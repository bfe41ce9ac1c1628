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

export class SecretHasher {
  private readonly dummyBcrypt: Promise<string>;
  /** Imported once: building an HMAC key from a string on every call costs more than the hash. */
  private readonly pepperKey: KeyObject;
  /** Random per process, so cache keys mean nothing outside this process's memory. */
  private readonly cacheSalt = randomBytes(32).toString('base64');

  constructor(
    pepper: string,
    private readonly bcryptCost: number,
  ) {
    this.pepperKey = createSecretKey(Buffer.from(pepper, 'utf8'));
    // Same cost as real custom secrets: a miss on an unknown user takes as long as a wrong password.
    this.dummyBcrypt = bcrypt.hash('gatehouse-timing-equaliser', bcryptCost);
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

  /** `lookupKey`: the secret's lookup key, when the caller already computed it (saves an HMAC). */
  async verify(stored: string, secret: string, lookupKey?: string): Promise<boolean> {
    const scheme = SecretHasher.schemeOf(stored);
    switch (scheme) {
      case 'hmac-sha256': {
        const expected = Buffer.from(stored.slice(HMAC_PREFIX.length), 'hex');
        const actual = Buffer.from(lookupKey ?? this.lookupKey(secret), 'hex');
        return expected.length === actual.length && timingSafeEqual(expected, actual);
      }
      case 'bcrypt-hmac':
        return bcrypt.compare(this.prehash(secret), stored.slice(BCRYPT_HMAC_PREFIX.length));
      case 'bcrypt':
        // $2y$ (PHP) is the same algorithm as $2b$; the native binding only knows the latter.
        return bcrypt.compare(secret, stored.replace(/^\$2y\$/, '$2b$'));
    }
  }

  /** Spends the time a real check of this kind would take, for a credential that does not exist. */
  async burn(slow: boolean, secret: string): Promise<void> {
    if (slow) await bcrypt.compare(secret, await this.dummyBcrypt);
    else this.lookupKey(secret);
  }

  private prehash(secret: string): string {
    return createHmac('sha256', this.pepperKey).update(`custom\0${secret}`, 'utf8').digest('base64');
  }
}

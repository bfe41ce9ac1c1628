import { createHmac } from 'node:crypto';
import * as bcrypt from 'bcrypt';
// The raw CommonJS export: the one object whose properties jest can spy on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import bcryptModule = require('bcrypt');
import { generateSecret } from './secret-format';
import { SecretHasher } from './secret-hasher';

const PEPPER = 'unit-test-pepper-0123456789abcdef0123456789';
const OTHER_PEPPER = 'another-pepper-fedcba9876543210fedcba98765';
const COST = 4;

describe('SecretHasher', () => {
  const hasher = new SecretHasher(PEPPER, COST);

  describe('hmac-sha256 (generated secrets)', () => {
    it('verifies the right secret and refuses a wrong one', async () => {
      const secret = generateSecret('rest');
      const { hash, lookupKey } = hasher.hashGenerated(secret);
      expect(hash).toBe(`hmac-sha256$${lookupKey}`);
      expect(SecretHasher.schemeOf(hash)).toBe('hmac-sha256');
      await expect(hasher.verify(hash, secret)).resolves.toBe(true);
      await expect(hasher.verify(hash, generateSecret('rest'))).resolves.toBe(false);
      await expect(hasher.verify(hash, secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a'))).resolves.toBe(false);
    });

    it('verifies against a lookup key the caller already computed, with the same verdicts', async () => {
      const secret = generateSecret('rest');
      const other = generateSecret('rest');
      const { hash } = hasher.hashGenerated(secret);
      await expect(hasher.verify(hash, secret, hasher.lookupKey(secret))).resolves.toBe(true);
      await expect(hasher.verify(hash, other, hasher.lookupKey(other))).resolves.toBe(false);
    });

    it('a hash made with another pepper does not verify', async () => {
      const secret = generateSecret('http');
      const { hash } = new SecretHasher(OTHER_PEPPER, COST).hashGenerated(secret);
      await expect(hasher.verify(hash, secret)).resolves.toBe(false);
    });

    it('a truncated stored digest does not verify (and does not throw)', async () => {
      const secret = generateSecret('http');
      const { hash } = hasher.hashGenerated(secret);
      await expect(hasher.verify(hash.slice(0, -2), secret)).resolves.toBe(false);
    });

    it('lookupKey is deterministic per pepper and differs across peppers', () => {
      const secret = generateSecret('rest');
      expect(hasher.lookupKey(secret)).toBe(hasher.lookupKey(secret));
      expect(hasher.lookupKey(secret)).toBe(new SecretHasher(PEPPER, COST).lookupKey(secret));
      expect(hasher.lookupKey(secret)).not.toBe(new SecretHasher(OTHER_PEPPER, COST).lookupKey(secret));
      expect(hasher.lookupKey(secret)).not.toBe(hasher.lookupKey(generateSecret('rest')));
      expect(hasher.lookupKey(secret)).toMatch(/^[0-9a-f]{64}$/);
      expect(hasher.lookupKey(secret)).not.toContain(secret);
    });

    it('isSlow is false only for hmac-sha256', () => {
      expect(SecretHasher.isSlow('hmac-sha256')).toBe(false);
      expect(SecretHasher.isSlow('bcrypt-hmac')).toBe(true);
      expect(SecretHasher.isSlow('bcrypt')).toBe(true);
    });
  });

  describe('bcrypt-hmac (custom secrets)', () => {
    it('verifies the right secret and refuses a wrong one', async () => {
      const hash = await hasher.hashCustom('my custom password');
      expect(hash.startsWith('bcrypt-hmac$$2')).toBe(true);
      expect(hash).not.toContain('my custom password');
      expect(SecretHasher.schemeOf(hash)).toBe('bcrypt-hmac');
      await expect(hasher.verify(hash, 'my custom password')).resolves.toBe(true);
      await expect(hasher.verify(hash, 'my custom passworD')).resolves.toBe(false);
    });

    it('defeats bcrypt 72-byte truncation: long secrets sharing 80 chars do not verify against each other', async () => {
      const common = 'x'.repeat(80);
      const a = common + 'A'.repeat(20);
      const b = common + 'B'.repeat(20);
      expect(a).toHaveLength(100);
      expect(b).toHaveLength(100);
      // Sanity: plain bcrypt would confuse them.
      const plain = await bcrypt.hash(a, COST);
      await expect(bcrypt.compare(b, plain)).resolves.toBe(true);

      const hashA = await hasher.hashCustom(a);
      await expect(hasher.verify(hashA, a)).resolves.toBe(true);
      await expect(hasher.verify(hashA, b)).resolves.toBe(false);
    });

    it('depends on the pepper', async () => {
      const hash = await hasher.hashCustom('pepper-dependent secret');
      await expect(new SecretHasher(OTHER_PEPPER, COST).verify(hash, 'pepper-dependent secret')).resolves.toBe(false);
    });
  });

  describe('imported bcrypt hashes', () => {
    const secret = 'imported-legacy-password';
    let hash2b: string;

    beforeAll(async () => {
      hash2b = await bcrypt.hash(secret, COST);
    });

    it('a $2b$ hash verifies as it is', async () => {
      expect(hash2b.startsWith('$2b$04$')).toBe(true);
      expect(SecretHasher.isImportableHash(hash2b)).toBe(true);
      expect(SecretHasher.schemeOf(hash2b)).toBe('bcrypt');
      await expect(hasher.verify(hash2b, secret)).resolves.toBe(true);
      await expect(hasher.verify(hash2b, secret + '!')).resolves.toBe(false);
    });

    it.each(['$2a$', '$2y$'])('the same hash with prefix %s also verifies', async (prefix) => {
      const hash = prefix + hash2b.slice(4);
      expect(SecretHasher.isImportableHash(hash)).toBe(true);
      expect(SecretHasher.schemeOf(hash)).toBe('bcrypt');
      await expect(hasher.verify(hash, secret)).resolves.toBe(true);
      await expect(hasher.verify(hash, 'wrong password')).resolves.toBe(false);
    });

    it('is not peppered: any pepper verifies an imported hash', async () => {
      await expect(new SecretHasher(OTHER_PEPPER, COST).verify(hash2b, secret)).resolves.toBe(true);
    });

    it('isImportableHash rejects junk', () => {
      expect(SecretHasher.isImportableHash('')).toBe(false);
      expect(SecretHasher.isImportableHash('not a hash')).toBe(false);
      expect(SecretHasher.isImportableHash('$2x$' + hash2b.slice(4))).toBe(false);
      expect(SecretHasher.isImportableHash('$1$abc$def')).toBe(false);
      expect(SecretHasher.isImportableHash(hash2b.slice(0, -1))).toBe(false);
      expect(SecretHasher.isImportableHash(hash2b + 'a')).toBe(false);
      expect(SecretHasher.isImportableHash('$2b$03$' + hash2b.slice(7))).toBe(false);
      expect(SecretHasher.isImportableHash('$2b$32$' + hash2b.slice(7))).toBe(false);
      expect(SecretHasher.isImportableHash(hash2b.slice(0, 10) + '!' + hash2b.slice(11))).toBe(false);
      expect(SecretHasher.isImportableHash(`hmac-sha256$${'0'.repeat(64)}`)).toBe(false);
      expect(SecretHasher.isImportableHash(` ${hash2b}`)).toBe(false);
    });
  });

  describe('schemeOf', () => {
    it('throws on an unknown scheme', () => {
      expect(() => SecretHasher.schemeOf('plain-text')).toThrow('Unknown secret hash scheme');
      expect(() => SecretHasher.schemeOf('')).toThrow();
      expect(() => SecretHasher.schemeOf('sha256$abc')).toThrow();
    });

    it('verify rejects (does not resolve false) for an unknown scheme', async () => {
      await expect(hasher.verify('md5$abc', 'x')).rejects.toThrow('Unknown secret hash scheme');
    });
  });

  describe('digest', () => {
    it('is keyed and separates its parts', () => {
      expect(hasher.digest('a', 'b')).toBe(hasher.digest('a', 'b'));
      expect(hasher.digest('a', 'b')).not.toBe(hasher.digest('ab'));
      expect(hasher.digest('a', 'b')).not.toBe(new SecretHasher(OTHER_PEPPER, COST).digest('a', 'b'));
    });

    it('is the HMAC-SHA256 it has always been (postback signing secrets are derived from it)', () => {
      const expected = createHmac('sha256', PEPPER).update('a\0b', 'utf8').digest('base64url');
      expect(hasher.digest('a', 'b')).toBe(expected);
    });
  });

  describe('cacheKey', () => {
    it('is stable within a process, separates its parts, and differs between processes', () => {
      expect(hasher.cacheKey('rest', '', 'k')).toBe(hasher.cacheKey('rest', '', 'k'));
      expect(hasher.cacheKey('rest', 'a', 'b')).not.toBe(hasher.cacheKey('rest', 'ab', ''));
      expect(hasher.cacheKey('rest', '', 'k')).not.toBe(hasher.cacheKey('http', '', 'k'));
      expect(hasher.cacheKey('rest', '', 'k')).not.toBe(new SecretHasher(PEPPER, COST).cacheKey('rest', '', 'k'));
    });
  });

  describe('burn', () => {
    it('fast burn does not touch bcrypt; slow burn does', async () => {
      const compare = jest.spyOn(bcryptModule, 'compare');
      try {
        await hasher.burn(false, 'whatever');
        expect(compare).not.toHaveBeenCalled();
        await hasher.burn(true, 'whatever');
        expect(compare).toHaveBeenCalledTimes(1);
      } finally {
        compare.mockRestore();
      }
    });
  });
});

import { CHANNELS, Channel } from '../channels/channel';
import {
  CUSTOM_SECRET_MAX,
  CUSTOM_SECRET_MIN,
  GENERATED_SECRET_LENGTH,
  USERNAME_PATTERN,
  generateSecret,
  generateUsername,
  hasGeneratedShape,
  looksGenerated,
  secretHint,
} from './secret-format';

const EXPECTED_PREFIX: Record<Channel, string> = {
  rest: 'gkr_',
  http: 'gkh_',
  webservice: 'gkw_',
  ftp: 'gkf_',
  email: 'gke_',
};

describe('generateSecret', () => {
  it.each(CHANNELS.map((c) => [c, EXPECTED_PREFIX[c]] as const))(
    '%s secrets are 64 chars: %s + 60 base62 characters',
    (channel, prefix) => {
      const secret = generateSecret(channel);
      expect(GENERATED_SECRET_LENGTH).toBe(64);
      expect(secret).toHaveLength(64);
      expect(secret.startsWith(prefix)).toBe(true);
      expect(secret.slice(4)).toMatch(/^[0-9A-Za-z]{60}$/);
    },
  );

  it('is distinct across many calls and uses the whole base62 alphabet', () => {
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = generateSecret('rest');
      seen.add(s);
      for (const ch of s.slice(4)) chars.add(ch);
    }
    expect(seen.size).toBe(2000);
    // 120k random characters: every one of the 62 symbols shows up.
    expect(chars.size).toBe(62);
  });
});

describe('hasGeneratedShape', () => {
  it('accepts a generated secret for its own channel only', () => {
    for (const channel of CHANNELS) {
      const secret = generateSecret(channel);
      for (const other of CHANNELS) expect(hasGeneratedShape(other, secret)).toBe(other === channel);
    }
  });

  it('rejects wrong length or non-base62 body', () => {
    const s = generateSecret('http');
    expect(hasGeneratedShape('http', s.slice(0, 63))).toBe(false);
    expect(hasGeneratedShape('http', s + 'a')).toBe(false);
    expect(hasGeneratedShape('http', s.slice(0, 63) + '-')).toBe(false);
    expect(hasGeneratedShape('http', 'GKH_' + s.slice(4))).toBe(false);
    expect(hasGeneratedShape('http', 'short')).toBe(false);
  });
});

describe('looksGenerated', () => {
  it('is true for generated secrets of every channel', () => {
    for (const channel of CHANNELS) expect(looksGenerated(generateSecret(channel))).toBe(true);
  });

  it('is false for other strings', () => {
    const body = 'a'.repeat(60);
    expect(looksGenerated(`gkr_${body}`)).toBe(true);
    expect(looksGenerated(`gkx_${body}`)).toBe(false);
    expect(looksGenerated(`gkr_${body}a`)).toBe(false);
    expect(looksGenerated(`gkr_${'a'.repeat(59)}`)).toBe(false);
    expect(looksGenerated(`gkr_${'a'.repeat(59)}_`)).toBe(false);
    expect(looksGenerated('correct horse battery staple')).toBe(false);
  });
});

describe('generateUsername', () => {
  it.each([
    ['rest', /^rest_[0-9a-z]{12}$/],
    ['http', /^http_[0-9a-z]{12}$/],
    ['webservice', /^ws_[0-9a-z]{12}$/],
    ['ftp', /^ftp_[0-9a-z]{12}$/],
    ['email', /^email_[0-9a-z]{12}$/],
  ] as const)('%s usernames look like %s and match USERNAME_PATTERN', (channel, shape) => {
    const name = generateUsername(channel);
    expect(name).toMatch(shape);
    expect(name).toMatch(USERNAME_PATTERN);
  });

  it('is distinct across calls', () => {
    const names = new Set(Array.from({ length: 500 }, () => generateUsername('ftp')));
    expect(names.size).toBe(500);
  });
});

describe('USERNAME_PATTERN', () => {
  it.each(['abc', 'a.b_c@d+e-f', 'A'.repeat(64), 'user@example.com'])('accepts %p', (u) => {
    expect(USERNAME_PATTERN.test(u)).toBe(true);
  });
  it.each(['ab', 'A'.repeat(65), 'has space', 'semi;colon', 'slash/', 'ünï'])('rejects %p', (u) => {
    expect(USERNAME_PATTERN.test(u)).toBe(false);
  });
});

describe('custom secret bounds', () => {
  it('are 12 and 128', () => {
    expect(CUSTOM_SECRET_MIN).toBe(12);
    expect(CUSTOM_SECRET_MAX).toBe(128);
  });
});

describe('secretHint', () => {
  it('is the last four characters', () => {
    expect(secretHint('abcdefghijkl1234')).toBe('1234');
    const s = generateSecret('rest');
    expect(secretHint(s)).toBe(s.slice(60));
    expect(secretHint(s)).toHaveLength(4);
  });
});

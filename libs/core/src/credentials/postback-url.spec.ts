import { domainErrorOf } from '../testing';
import { isPrivateTarget, validatePostbackUrl } from './postback-url';

describe('validatePostbackUrl', () => {
  it('accepts a public https URL and returns it serialised', () => {
    expect(validatePostbackUrl('https://example.com/x', false)).toBe('https://example.com/x');
    expect(validatePostbackUrl('https://EXAMPLE.com', false)).toBe('https://example.com/');
    expect(validatePostbackUrl('http://93.184.216.34:8443/hook?a=1', false)).toBe('http://93.184.216.34:8443/hook?a=1');
  });

  it.each([
    ['ftp://example.com/x', 'http or https'],
    ['javascript:alert(1)', 'http or https'],
    ['file:///etc/passwd', 'http or https'],
    ['https://user:pass@example.com/x', 'credentials'],
    ['https://user@example.com/x', 'credentials'],
    ['not-a-url', 'not a valid URL'],
    ['', 'not a valid URL'],
    ['/relative/path', 'not a valid URL'],
  ])('rejects %p', (url, message) => {
    const err = domainErrorOf(() => validatePostbackUrl(url, true));
    expect(err.kind).toBe('validation');
    expect(err.details).toMatchObject({ field: 'postbackUrl' });
    expect(err.message).toContain(message);
  });

  it('rejects URLs longer than 2048 characters, even with allowPrivate', () => {
    const base = 'https://example.com/';
    const ok = base + 'a'.repeat(2048 - base.length);
    expect(ok).toHaveLength(2048);
    expect(validatePostbackUrl(ok, false)).toBe(ok);
    const err = domainErrorOf(() => validatePostbackUrl(ok + 'a', true));
    expect(err.kind).toBe('validation');
    expect(err.message).toContain('2048');
  });

  const privateUrls = [
    'http://127.0.0.1',
    'http://127.0.0.1:9000/hook',
    'http://10.1.2.3',
    'http://192.168.0.10/x',
    'http://172.16.5.4/x',
    'http://[::1]/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:8080',
    'http://LOCALHOST/',
    'http://foo.localhost',
    'http://printer.local/',
    'http://metadata.internal/',
    'http://169.254.169.254',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://0x7f.1/',
  ];

  it.each(privateUrls)('refuses the private target %s by default', (url) => {
    const err = domainErrorOf(() => validatePostbackUrl(url, false));
    expect(err.kind).toBe('validation');
    expect(err.details).toMatchObject({ field: 'postbackUrl', code: 'private_address' });
  });

  it.each(privateUrls)('allows the private target %s when allowPrivate=true', (url) => {
    expect(() => validatePostbackUrl(url, true)).not.toThrow();
  });

  it('does not refuse public hostnames that merely contain "localhost"', () => {
    expect(validatePostbackUrl('https://localhost.example.com/x', false)).toBe('https://localhost.example.com/x');
    expect(validatePostbackUrl('https://mylocalhost.com/x', false)).toBe('https://mylocalhost.com/x');
  });
});

describe('isPrivateTarget', () => {
  it.each(['localhost', 'a.b.localhost', '127.0.0.1', '[::1]', '::1', '10.0.0.1', 'db.internal'])(
    '%s is private',
    (h) => {
      expect(isPrivateTarget(h)).toBe(true);
    },
  );
  it.each(['example.com', '8.8.8.8', '[2606:4700::1111]'])('%s is not private', (h) => {
    expect(isPrivateTarget(h)).toBe(false);
  });
});

describe('fully qualified names and IPv4-compatible IPv6 (regressions)', () => {
  it.each([
    'http://localhost./x',
    'http://foo.localhost./',
    'http://printer.local./',
    'http://metadata.google.internal./',
  ])('refuses %s with its trailing dot', (url) => {
    expect(() => validatePostbackUrl(url, false)).toThrow(/loopback or private/);
  });

  it('refuses the deprecated IPv4-compatible form of loopback', () => {
    expect(() => validatePostbackUrl('http://[::127.0.0.1]/', false)).toThrow(/loopback or private/);
  });

  it('still accepts a public FQDN with a trailing dot', () => {
    expect(validatePostbackUrl('https://example.com./hook', false)).toBe('https://example.com./hook');
  });
});

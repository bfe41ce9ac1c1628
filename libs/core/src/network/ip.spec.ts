import { isPublicAddress, normalizePeerAddress, parseIp, unmap } from './ip';

describe('parseIp', () => {
  it('parses strict dotted quads', () => {
    expect(parseIp('10.1.2.3')?.toString()).toBe('10.1.2.3');
    expect(parseIp('0.0.0.0')?.kind()).toBe('ipv4');
    expect(parseIp('255.255.255.255')?.toString()).toBe('255.255.255.255');
  });

  it('parses IPv6 and unmaps IPv4-mapped addresses', () => {
    expect(parseIp('2001:DB8::1')?.toString()).toBe('2001:db8::1');
    const mapped = parseIp('::ffff:10.1.2.3');
    expect(mapped?.kind()).toBe('ipv4');
    expect(mapped?.toString()).toBe('10.1.2.3');
  });

  it.each(['010.0.0.1', '0x0a.0.0.1', '10.1', '167772161', '10.0.0.256', '1.2.3.4 ', 'fe80::1%eth0', 'abc', '', '::g'])(
    'refuses %p',
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});

describe('unmap', () => {
  it('turns ::ffff:a.b.c.d into IPv4 and leaves other addresses alone', () => {
    const v6 = parseIp('2001:db8::1')!;
    expect(unmap(v6)).toBe(v6);
    const v4 = parseIp('10.0.0.1')!;
    expect(unmap(v4)).toBe(v4);
  });
});

describe('normalizePeerAddress', () => {
  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['1.2.3.4', '1.2.3.4'],
    ['2001:0DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::1', '::1'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePeerAddress(raw)).toBe(expected);
  });

  it('reports a missing address as "unknown"', () => {
    expect(normalizePeerAddress(undefined)).toBe('unknown');
    expect(normalizePeerAddress(null)).toBe('unknown');
    expect(normalizePeerAddress('')).toBe('unknown');
  });

  it('passes text it cannot parse through unchanged', () => {
    expect(normalizePeerAddress('fe80::1%eth0')).toBe('fe80::1%eth0');
    expect(normalizePeerAddress('garbage')).toBe('garbage');
  });
});

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '::1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    'fe80::1',
    'fc00::1',
    '0.0.0.0',
    '::',
    '100.64.0.1',
    '::ffff:127.0.0.1',
    '::ffff:192.168.0.1',
    '224.0.0.1',
  ])('%s is not public', (text) => {
    expect(isPublicAddress(parseIp(text)!)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (text) => {
    expect(isPublicAddress(parseIp(text)!)).toBe(true);
  });
});

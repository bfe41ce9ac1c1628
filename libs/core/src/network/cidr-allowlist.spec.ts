import { domainErrorOf } from '../testing';
import { CidrAllowlist, MAX_ALLOWED_CIDRS, canonicalCidr, canonicalCidrList } from './cidr-allowlist';

describe('canonicalCidr', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3/32'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['192.168.77.200/20', '192.168.64.0/20'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001/128', '2001:db8::1/128'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:10.1.2.3', '10.1.2.3/32'],
    ['::ffff:10.1.2.3/120', '10.1.2.0/24'],
    ['  10.1.2.3/24 ', '10.1.2.0/24'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalCidr(input)).toBe(expected);
  });

  it.each([
    '10.0.0.300',
    '::1/129',
    '1.2.3.4/33',
    '010.0.0.1',
    '0x0a.0.0.1',
    'fe80::1%eth0',
    'abc',
    '',
    '1.2.3.4/08',
    '1.2.3.4/',
    '1.2.3.4/-1',
    '1.2.3',
    '1.2.3.4.5',
    '10.0.0.0/8/8',
    '2001:db8::/x',
    '2001:db8:::1',
  ])('rejects %p', (input) => {
    expect(canonicalCidr(input)).toBeNull();
  });
});

describe('canonicalCidrList', () => {
  it('canonicalises every entry and keeps the order of first appearance', () => {
    expect(canonicalCidrList(['2001:DB8::1/32', '10.1.2.3', '10.1.2.3/8'])).toEqual([
      '2001:db8::/32',
      '10.1.2.3/32',
      '10.0.0.0/8',
    ]);
  });

  it('drops entries that canonicalise to the same range', () => {
    expect(canonicalCidrList(['10.1.2.3/8', '10.0.0.0/8', '10.255.0.1/8', '::ffff:10.0.0.0/104'])).toEqual([
      '10.0.0.0/8',
    ]);
    expect(canonicalCidrList(['10.1.2.3', '10.1.2.3/32', ' 10.1.2.3 '])).toEqual(['10.1.2.3/32']);
  });

  it('accepts an empty list', () => {
    expect(canonicalCidrList([])).toEqual([]);
  });

  it('rejects invalid entries with a validation error whose details.invalid lists exactly the bad ones', () => {
    const bad = [
      '10.0.0.300',
      '::1/129',
      '1.2.3.4/33',
      '010.0.0.1',
      '0x0a.0.0.1',
      'fe80::1%eth0',
      'abc',
      '',
      '1.2.3.4/08',
    ];
    const err = domainErrorOf(() => canonicalCidrList(['10.0.0.0/8', ...bad, '2001:db8::/32']));
    expect(err.kind).toBe('validation');
    expect(err.code).toBe('validation_failed');
    expect(err.details).toMatchObject({ field: 'allowedCidrs' });
    expect(err.details!['invalid']).toEqual(bad);
  });

  it('names a single bad entry in the message', () => {
    const err = domainErrorOf(() => canonicalCidrList(['10.0.0.0/8', '10.0.0.300']));
    expect(err.details!['invalid']).toEqual(['10.0.0.300']);
    expect(err.message).toContain('10.0.0.300');
  });

  it('uses the given field name', () => {
    const err = domainErrorOf(() => canonicalCidrList(['nope'], 'GATEHOUSE_TRUSTED_PROXIES'));
    expect(err.details).toMatchObject({ field: 'GATEHOUSE_TRUSTED_PROXIES', invalid: ['nope'] });
  });

  it(`accepts ${MAX_ALLOWED_CIDRS} entries and rejects ${MAX_ALLOWED_CIDRS + 1}`, () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i}.0/24`);
    expect(canonicalCidrList(entries(100))).toHaveLength(100);
    const err = domainErrorOf(() => canonicalCidrList(entries(101)));
    expect(err.kind).toBe('validation');
    expect(err.details).toMatchObject({ field: 'allowedCidrs' });
  });
});

describe('CidrAllowlist.allows', () => {
  const list = (...entries: string[]) => new CidrAllowlist(canonicalCidrList(entries));

  it('an empty list allows every address, even garbage', () => {
    const open = new CidrAllowlist([]);
    expect(open.isOpen).toBe(true);
    expect(open.allows('10.1.2.3')).toBe(true);
    expect(open.allows('2001:db8::1')).toBe(true);
    expect(open.allows('unknown')).toBe(true);
  });

  it('a non-empty list is not open', () => {
    expect(list('10.0.0.0/8').isOpen).toBe(false);
  });

  it('matches IPv4 peers inside a range and refuses those outside', () => {
    const l = list('10.0.0.0/8', '192.168.1.7');
    expect(l.allows('10.0.0.1')).toBe(true);
    expect(l.allows('10.255.255.255')).toBe(true);
    expect(l.allows('192.168.1.7')).toBe(true);
    expect(l.allows('11.0.0.1')).toBe(false);
    expect(l.allows('192.168.1.8')).toBe(false);
  });

  it('matches IPv6 peers inside a range and refuses those outside', () => {
    const l = list('2001:db8::/32');
    expect(l.allows('2001:db8::1')).toBe(true);
    expect(l.allows('2001:DB8:ffff::42')).toBe(true);
    expect(l.allows('2001:db9::1')).toBe(false);
  });

  it('an IPv4-mapped IPv6 peer matches IPv4 rules', () => {
    const l = list('10.0.0.0/8');
    expect(l.allows('::ffff:10.1.2.3')).toBe(true);
    expect(l.allows('::ffff:11.1.2.3')).toBe(false);
  });

  it('a mapped-IPv6 rule matches plain IPv4 peers', () => {
    const l = list('::ffff:10.0.0.0/104');
    expect(l.allows('10.9.8.7')).toBe(true);
    expect(l.allows('11.9.8.7')).toBe(false);
  });

  it('an IPv4 rule does not match an IPv6 peer and vice versa', () => {
    expect(list('0.0.0.0/0').allows('2001:db8::1')).toBe(false);
    expect(list('::/0').allows('10.1.2.3')).toBe(false);
    expect(list('::/0').allows('2001:db8::1')).toBe(true);
  });

  it.each(['garbage', '', 'unknown', '10.0.0.300', '010.1.2.3', 'fe80::1%eth0', '10.1.2.3/32'])(
    'refuses the unparseable peer %p',
    (peer) => {
      expect(list('0.0.0.0/0', '::/0').allows(peer)).toBe(false);
    },
  );
});

describe('IPv4 embedded in IPv6 is strict dotted-quad too (regression)', () => {
  it.each(['::ffff:0x0a.0.0.1', '::ffff:010.0.0.1', '::ffff:012.1.2.3', '::ffff:10.0.0.1/128x'])(
    'refuses %s',
    (entry) => {
      expect(canonicalCidr(entry)).toBeNull();
    },
  );

  it('names such an entry in the validation error', () => {
    expect(() => canonicalCidrList(['::ffff:0x0a.0.0.1'])).toThrow(/::ffff:0x0a\.0\.0\.1/);
  });

  it('does not let a peer written that way match an IPv4 rule', () => {
    expect(new CidrAllowlist(['10.0.0.1/32']).allows('::ffff:010.0.0.1')).toBe(false);
    expect(new CidrAllowlist(['10.0.0.1/32']).allows('::ffff:10.0.0.1')).toBe(true);
  });
});

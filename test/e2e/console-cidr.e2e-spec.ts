import { canonicalCidr as serverRule } from '@gatehouse/core';
import { canonicalCidr as consoleRule } from '../../apps/console/src/lib/cidr';

/**
 * The console names a bad CIDR chip before any round trip with its own copy of the server's
 * rule (it cannot import the server's code into the browser); both must agree on every entry.
 */
describe("the console's CIDR check agrees with the server's", () => {
  const entries = [
    '10.1.2.3',
    '10.1.2.3/8',
    '10.1.2.3/32',
    '10.1.2.3/33',
    '0.0.0.0/0',
    '203.0.113.7/24',
    ' 203.0.113.7/24 ',
    '192.168.1.1/',
    '192.168.1.1/024',
    '192.168.1.1/-1',
    '10.0.0.300',
    '10.0.0',
    '010.0.0.1',
    '0x0a.0.0.1',
    '1.2.3.4.5',
    '2001:DB8::1/32',
    '2001:db8::/129',
    '2001:db8::1%eth0',
    '::1',
    '::',
    '::/0',
    '::ffff:10.0.0.1',
    '::ffff:10.0.0.0/104',
    '::ffff:10.0.0.0/95',
    '::ffff:010.0.0.1',
    'fe80::1/64',
    'not-an-ip',
    'localhost',
    '',
    '/24',
    '1.2.3.4/24/8',
    '２０３.0.113.1',
  ];

  it.each(entries)('%j', (entry) => {
    expect(consoleRule(entry)).toBe(serverRule(entry));
  });
});

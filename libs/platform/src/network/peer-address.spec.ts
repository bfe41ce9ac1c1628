import { DomainError } from '@gatehouse/core';
import { PeerAddressResolver } from './peer-address';

describe('PeerAddressResolver', () => {
  it('without trusted proxies uses the socket address (normalised) and ignores X-Forwarded-For', () => {
    const r = new PeerAddressResolver([]);
    expect(r.resolve('::ffff:203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(r.resolve('203.0.113.9')).toBe('203.0.113.9');
    expect(r.resolve(undefined)).toBe('unknown');
  });

  it('ignores X-Forwarded-For from an untrusted direct peer', () => {
    const r = new PeerAddressResolver(['10.0.0.0/8']);
    expect(r.resolve('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('believes X-Forwarded-For from a trusted proxy (also when the socket shows it IPv4-mapped)', () => {
    const r = new PeerAddressResolver(['10.0.0.0/8']);
    expect(r.resolve('10.0.0.5', '198.51.100.1')).toBe('198.51.100.1');
    expect(r.resolve('::ffff:10.0.0.5', '198.51.100.1')).toBe('198.51.100.1');
    expect(r.resolve('10.0.0.5', '::ffff:198.51.100.1')).toBe('198.51.100.1');
  });

  it('walks from the right past other trusted proxies, and no further', () => {
    const r = new PeerAddressResolver(['10.0.0.0/8']);
    // client-supplied spoof, real client, inner proxy
    expect(r.resolve('10.0.0.5', '1.1.1.1, 198.51.100.1, 10.0.0.7')).toBe('198.51.100.1');
    expect(r.resolve('10.0.0.5', ['1.1.1.1', '198.51.100.1, 10.0.0.7'])).toBe('198.51.100.1');
  });

  it('when every hop is a trusted proxy, the leftmost one is the client', () => {
    const r = new PeerAddressResolver(['10.0.0.0/8']);
    expect(r.resolve('10.0.0.5', '10.0.0.9, 10.0.0.7')).toBe('10.0.0.9');
  });

  it('garbage in the header means none of it is trusted', () => {
    const r = new PeerAddressResolver(['10.0.0.0/8']);
    expect(r.resolve('10.0.0.5', '198.51.100.1, not-an-ip')).toBe('10.0.0.5');
    expect(r.resolve('10.0.0.5', '010.0.0.1')).toBe('10.0.0.5');
    expect(r.resolve('10.0.0.5', '')).toBe('10.0.0.5');
  });

  it('refuses an invalid trusted-proxy list naming the bad entries', () => {
    let caught: unknown;
    try {
      new PeerAddressResolver(['10.0.0.0/8', 'proxy.local']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ details: { field: 'GATEHOUSE_TRUSTED_PROXIES', invalid: ['proxy.local'] } });
  });
});

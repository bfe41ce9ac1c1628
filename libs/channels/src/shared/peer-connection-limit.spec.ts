import { PeerConnectionLimit } from './peer-connection-limit';

describe('PeerConnectionLimit', () => {
  it('refuses a peer its next connection past the limit, and frees a slot on release (once)', () => {
    const limit = new PeerConnectionLimit(2);
    const a = limit.tryAcquire('192.0.2.1');
    const b = limit.tryAcquire('192.0.2.1');
    expect(a && b).toBeTruthy();
    expect(limit.tryAcquire('192.0.2.1')).toBeNull();
    // Another address is not affected.
    expect(limit.tryAcquire('192.0.2.2')).not.toBeNull();
    a!();
    a!(); // a second release of the same connection frees nothing more
    expect(limit.openFor('192.0.2.1')).toBe(1);
    expect(limit.tryAcquire('192.0.2.1')).not.toBeNull();
    expect(limit.tryAcquire('192.0.2.1')).toBeNull();
  });

  it('counts an IPv6 /64 as one peer, as bans do', () => {
    const limit = new PeerConnectionLimit(1);
    expect(limit.tryAcquire('2001:db8:1:2::10')).not.toBeNull();
    expect(limit.tryAcquire('2001:db8:1:2:ffff::1')).toBeNull();
    expect(limit.tryAcquire('2001:db8:1:3::10')).not.toBeNull();
  });
});

import { adminTokenBanSubject, peerBanSubject } from './ban-subject';

describe('ban subjects', () => {
  it('an IPv4 peer is banned by its address, mapped or not', () => {
    expect(peerBanSubject('203.0.113.7')).toBe('ip:203.0.113.7');
    expect(peerBanSubject('::ffff:203.0.113.7')).toBe('ip:203.0.113.7');
    expect(peerBanSubject('203.0.113.8')).not.toBe(peerBanSubject('203.0.113.7'));
  });

  it('an IPv6 peer is banned with its whole /64', () => {
    const a = peerBanSubject('2001:db8:1:2::1');
    expect(a).toBe('ip6:2001:db8:1:2::/64');
    expect(peerBanSubject('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(a);
    expect(peerBanSubject('2001:0db8:0001:0002:0000:0000:0000:0099')).toBe(a);
    expect(peerBanSubject('2001:db8:1:3::1')).not.toBe(a);
  });

  it('keeps other subjects apart', () => {
    expect(peerBanSubject('unknown')).toBe('peer:unknown');
    expect(adminTokenBanSubject('tok-1')).toBe('admin-token:tok-1');
    expect(adminTokenBanSubject('203.0.113.7')).not.toBe(peerBanSubject('203.0.113.7'));
  });
});

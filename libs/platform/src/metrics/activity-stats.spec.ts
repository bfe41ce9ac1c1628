import { Registry } from 'prom-client';
import { BanStats, PostbackStats, SubmissionStats } from './activity-stats';

async function scrape(register: (registry: Registry) => void): Promise<string> {
  const registry = new Registry();
  register(registry);
  return registry.metrics();
}

describe('activity counters, read at scrape time', () => {
  it('gatehouse_bans_total: bans this node set, by what they cover', async () => {
    const bans = new BanStats();
    bans.banned('ip:198.51.100.7');
    bans.banned('ip:198.51.100.8');
    bans.banned('ip6:2001:db8:1:2::/64');
    const text = await scrape((r) => bans.registerWith(r));
    expect(text).toContain('# TYPE gatehouse_bans_total counter');
    expect(text).toContain('gatehouse_bans_total{kind="ip"} 2');
    expect(text).toContain('gatehouse_bans_total{kind="ip6"} 1');
    // Known kinds are there from the start, so a rate() has a zero to start from.
    expect(text).toContain('gatehouse_bans_total{kind="admin-token"} 0');
    bans.banned('admin-token:01a2');
    expect(await scrape((r) => bans.registerWith(r))).toContain('gatehouse_bans_total{kind="admin-token"} 1');
  });

  it('gatehouse_submissions_total: stored submissions by channel, every channel from zero', async () => {
    const submissions = new SubmissionStats();
    submissions.submitted('rest', 1);
    submissions.submitted('ftp', 500);
    submissions.submitted('rest', 1);
    const text = await scrape((r) => submissions.registerWith(r));
    expect(text).toContain('# TYPE gatehouse_submissions_total counter');
    expect(text).toContain('gatehouse_submissions_total{channel="rest"} 2');
    expect(text).toContain('gatehouse_submissions_total{channel="ftp"} 500');
    expect(text).toContain('gatehouse_submissions_total{channel="email"} 0');
    expect(text).toContain('gatehouse_submissions_total{channel="webservice"} 0');
    expect(text).toContain('gatehouse_submissions_total{channel="http"} 0');
  });

  it('gatehouse_postbacks_total: attempts by outcome', async () => {
    const postbacks = new PostbackStats();
    postbacks.attempt('delivered');
    postbacks.attempt('delivered');
    postbacks.attempt('retry');
    postbacks.attempt('failed');
    const text = await scrape((r) => postbacks.registerWith(r));
    expect(text).toContain('# TYPE gatehouse_postbacks_total counter');
    expect(text).toContain('gatehouse_postbacks_total{outcome="delivered"} 2');
    expect(text).toContain('gatehouse_postbacks_total{outcome="retry"} 1');
    expect(text).toContain('gatehouse_postbacks_total{outcome="failed"} 1');
    expect(text).toContain('gatehouse_postbacks_total{outcome="interrupted"} 0');
  });
});

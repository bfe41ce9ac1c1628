import type { Registry } from 'prom-client';
import type { AuthFailureReason, Channel, LoginMetrics } from '@gatehouse/core';
import { scrapeTimeMetric } from './scrape-time-metric';

/** Logins by channel and outcome (`ok` or the refusal's reason), counted by the channel gate. */
export class LoginStats implements LoginMetrics {
  private readonly counts = new Map<string, { channel: Channel; outcome: string; value: number }>();

  login(channel: Channel, outcome: 'ok' | AuthFailureReason): void {
    const key = `${channel} ${outcome}`;
    const entry = this.counts.get(key);
    if (entry) entry.value++;
    else this.counts.set(key, { channel, outcome, value: 1 });
  }

  registerWith(registry: Registry): void {
    registry.registerMetric(
      scrapeTimeMetric('gatehouse_logins_total', 'Channel logins by channel and outcome', 'counter', () =>
        [...this.counts.values()].map(({ channel, outcome, value }) => ({ labels: { channel, outcome }, value })),
      ),
    );
  }
}

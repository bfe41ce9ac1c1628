import type { Registry } from 'prom-client';
import { type BanMetrics, CHANNELS, type Channel, type SubmissionMetrics } from '@gatehouse/core';
import { scrapeTimeMetric } from './scrape-time-metric';

/**
 * Bans this node set, by what they cover: `ip` (an IPv4 address), `ip6` (an IPv6 /64),
 * `admin-token` (a tenant's verify calls). Bans learnt from other nodes are theirs to count.
 */
export class BanStats implements BanMetrics {
  private readonly counts = new Map<string, number>([
    ['ip', 0],
    ['ip6', 0],
    ['admin-token', 0],
  ]);

  banned(subject: string): void {
    // Subjects are `<kind>:<what>` (see ban-subject.ts); a ban is rare, so this is no hot path.
    const colon = subject.indexOf(':');
    const kind = colon > 0 ? subject.slice(0, colon) : 'other';
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  registerWith(registry: Registry): void {
    registry.registerMetric(
      scrapeTimeMetric('gatehouse_bans_total', 'Bans set by this node, by what they cover', 'counter', () =>
        [...this.counts].map(([kind, value]) => ({ labels: { kind }, value })),
      ),
    );
  }
}

/** Submissions stored, by channel: one per REST/HTTP/SOAP message, CSV row or mail recipient. */
export class SubmissionStats implements SubmissionMetrics {
  private readonly counts = new Map<Channel, number>(CHANNELS.map((channel) => [channel, 0]));

  submitted(channel: Channel, count: number): void {
    this.counts.set(channel, (this.counts.get(channel) ?? 0) + count);
  }

  registerWith(registry: Registry): void {
    registry.registerMetric(
      scrapeTimeMetric('gatehouse_submissions_total', 'Submissions stored, by channel', 'counter', () =>
        [...this.counts].map(([channel, value]) => ({ labels: { channel }, value })),
      ),
    );
  }
}

/**
 * How a POSTback attempt ended: `delivered` (2xx), `retry` (failed, tried again later), `failed`
 * (given up: 24 h old, or its credential deleted), `interrupted` (cut off by a shutdown, sent
 * again at once by the next process).
 */
export const POSTBACK_OUTCOMES = ['delivered', 'retry', 'failed', 'interrupted'] as const;
export type PostbackOutcome = (typeof POSTBACK_OUTCOMES)[number];

/** POSTback attempts by outcome, counted by the dispatcher. */
export class PostbackStats {
  private readonly counts: Record<PostbackOutcome, number> = { delivered: 0, retry: 0, failed: 0, interrupted: 0 };

  attempt(outcome: PostbackOutcome): void {
    this.counts[outcome]++;
  }

  registerWith(registry: Registry): void {
    registry.registerMetric(
      scrapeTimeMetric('gatehouse_postbacks_total', 'POSTback delivery attempts by outcome', 'counter', () =>
        POSTBACK_OUTCOMES.map((outcome) => ({ labels: { outcome }, value: this.counts[outcome] })),
      ),
    );
  }
}

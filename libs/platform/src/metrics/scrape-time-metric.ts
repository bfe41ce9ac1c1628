import type { Metric } from 'prom-client';

export interface SeriesValue {
  labels: Record<string, string | number>;
  value: number;
  /** For histograms: `<name>_bucket`, `_sum`, `_count`. */
  metricName?: string;
}

/**
 * A metric a prom-client registry reads at scrape time: name, help, type and the values of the
 * moment, from numbers the hot path keeps itself. (prom-client's own Counter and Histogram
 * validate and hash their labels on every update.)
 */
export function scrapeTimeMetric(
  name: string,
  help: string,
  type: 'counter' | 'histogram' | 'gauge',
  values: () => SeriesValue[],
): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    collect: () => undefined,
    get: () => ({ ...metric, values: values() }),
  };
  return metric as unknown as Metric;
}

import { InvalidArgumentError } from 'commander';

/**
 * Option-value parsers. A bad value is commander's InvalidArgumentError: a usage error (exit 2)
 * reported as `error: option '--limit <n>' argument 'x' is invalid. <reason>`.
 */

export const CHANNELS = ['ftp', 'rest', 'http', 'webservice', 'email'] as const;

export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

/** `100/60`: at most 100 requests per 60 seconds. */
export function rateLimit(value: string): { requests: number; perSeconds: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new InvalidArgumentError('Expected REQUESTS/SECONDS, e.g. 100/60.');
  }
  return { requests: Number(m[1]), perSeconds: Number(m[2]) };
}

/** `a,b`: a comma-separated list of at least one item. */
export function commaList(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InvalidArgumentError('Expected a comma-separated list, e.g. vip,staff.');
  return items;
}

/** A repeatable option: `--cidr A --cidr B` → [A, B]. */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The server's address: an http(s) URL. */
export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected a URL such as http://127.0.0.1:8080.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('Expected an http:// or https:// URL.');
  }
  return value;
}

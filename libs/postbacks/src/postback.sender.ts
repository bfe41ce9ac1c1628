import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { isPrivateTarget, isPublicAddress, parseIp } from '@gatehouse/core';
import { PrivateAddressError, ResolveAll, guardedLookup } from './guarded-lookup';

/** Response bodies are read and thrown away; past this a receiver is cut off (status already known). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostbackRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the attempt (shutdown); the outcome is then `interrupted`. */
  signal?: AbortSignal;
  /** Injected in tests; the system resolver otherwise. */
  resolve?: ResolveAll;
}

/**
 * `result` is what `lastResult` records: the HTTP status (`"500"`) or a short code. Every code is
 * retried: a receiver that is down, slow or misconfigured now may be fine later.
 */
export type PostbackResult =
  'timeout' | 'connect_error' | 'dns_error' | 'tls_error' | 'private_address' | 'invalid_url' | 'interrupted';

export interface SendOutcome {
  delivered: boolean;
  result: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);

class AttemptEnded extends Error {
  constructor(readonly result: PostbackResult) {
    super(result);
  }
}

/**
 * One POST of a postback. Never throws: every way it can go wrong is an outcome. No redirects
 * (node's http never follows them; a 3xx is just not 2xx), no connection reuse (a fresh socket,
 * so a fresh guarded lookup, per attempt), and one deadline for lookup, connect and response.
 */
export function sendPostback(req: PostbackRequest): Promise<SendOutcome> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return Promise.resolve(failure('invalid_url'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve(failure('invalid_url'));
  // Literal addresses never reach `lookup` (node dials them directly): check them here.
  if (!req.allowPrivate && (isPrivateTarget(url.hostname) || isOddLiteral(url.hostname))) {
    return Promise.resolve(failure('private_address'));
  }
  if (req.signal?.aborted) return Promise.resolve(failure('interrupted'));

  return new Promise((resolve) => {
    let outcome: SendOutcome | null = null;
    let settled = false;
    const client = url.protocol === 'https:' ? https : http;
    let request: http.ClientRequest;
    try {
      request = client.request(url, {
        method: 'POST',
        headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
        agent: false,
        lookup: req.allowPrivate ? undefined : guardedLookup(req.resolve),
      });
    } catch {
      // Options node refuses outright (a port out of range, a header it will not send).
      resolve(failure('invalid_url'));
      return;
    }
    const settle = (fallback: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      resolve(outcome ?? fallback);
    };
    const timer = setTimeout(() => request.destroy(new AttemptEnded('timeout')), req.timeoutMs);
    const onAbort = () => request.destroy(new AttemptEnded('interrupted'));
    req.signal?.addEventListener('abort', onAbort, { once: true });

    request.on('response', (res) => {
      const status = res.statusCode ?? 0;
      outcome = { delivered: status >= 200 && status < 300, result: String(status) };
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('error', () => undefined); // the status decided the outcome already
      res.on('close', () => settle(failure('connect_error'))); // settles with the status above
    });
    request.on('error', (err) => {
      if (!outcome) settle(failure(classify(err)));
    });
    request.on('close', () => settle(failure('connect_error')));
    request.end(req.body);
  });
}

function failure(result: PostbackResult): SendOutcome {
  return { delivered: false, result };
}

function classify(err: Error): PostbackResult {
  if (err instanceof AttemptEnded) return err.result;
  if (err instanceof PrivateAddressError) return 'private_address';
  const e = err as NodeJS.ErrnoException;
  if (e.syscall === 'getaddrinfo' || (e.code !== undefined && DNS_CODES.has(e.code))) return 'dns_error';
  if (e.code?.startsWith('ERR_TLS') || e.code?.startsWith('ERR_SSL') || /CERT|SELF_SIGNED/.test(e.code ?? '')) {
    return 'tls_error';
  }
  return 'connect_error';
}

/** A literal node would dial that the strict parser does not read the same way: refuse it. */
function isOddLiteral(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return false;
  const ip = parseIp(host);
  return ip === null || !isPublicAddress(ip);
}

import * as dns from 'node:dns';
import type { LookupFunction } from 'node:net';
// The same name rule the URL got when it was saved.
import { isPrivateTarget, isPublicAddress, parseIp } from '@gatehouse/core';

/** A resolver shaped like `dns.lookup(host, { all: true }, cb)`; tests pass a fake one. */
export type ResolveAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

const systemResolver: ResolveAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/** The target is, or resolves to, a loopback/private/link-local/… address: nothing was sent. */
export class PrivateAddressError extends Error {
  readonly code = 'private_address';

  constructor(hostname: string, address?: string) {
    super(`postback target ${hostname}${address ? ` (${address})` : ''} is not a public address`);
    this.name = 'PrivateAddressError';
  }
}

/**
 * A `lookup` for `http.request` that refuses private targets. It runs inside the socket's
 * connect, so the addresses checked are the very ones dialled: a name cannot resolve to a
 * public address for a check and to 127.0.0.1 for the connection (DNS rebinding, TOCTOU).
 * Every resolved address must be public, not just the first: the socket may fall back to any.
 */
export function guardedLookup(resolve: ResolveAll = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const fail = (err: NodeJS.ErrnoException) => (options.all ? callback(err, []) : callback(err, ''));
    if (isPrivateTarget(hostname)) {
      fail(new PrivateAddressError(hostname));
      return;
    }
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return fail(err);
      const first = addresses[0];
      if (!first) return fail(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }));
      const refused = addresses.find((a) => !isPublic(a.address));
      if (refused) return fail(new PrivateAddressError(hostname, refused.address));
      if (options.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

function isPublic(address: string): boolean {
  const ip = parseIp(address);
  return ip !== null && isPublicAddress(ip);
}

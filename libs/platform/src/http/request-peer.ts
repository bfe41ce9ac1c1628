import type { AnyRequest } from './http-reply';
import { PeerAddressResolver } from '../network/peer-address';

/** The client's address for a request, Fastify's or Node's (see PeerAddressResolver). */
export function requestPeer(resolver: PeerAddressResolver, req: AnyRequest): string {
  return resolver.resolve(req.socket?.remoteAddress, req.headers['x-forwarded-for']);
}

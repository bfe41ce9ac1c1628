import type { Request } from 'express';
import { PeerAddressResolver } from './peer-address';

export function requestPeer(resolver: PeerAddressResolver, req: Request): string {
  return resolver.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']);
}

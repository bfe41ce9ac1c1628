import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminContext, AdminTokenService } from '@gatehouse/core';
import { ApiError, PeerAddressResolver } from '@gatehouse/platform';
import { requestPeer } from '@gatehouse/platform/http';

type AdminRequest = FastifyRequest & { adminContext?: AdminContext };

/** `Authorization: Bearer <root or admin token>` → the caller, stored for @Admin(). */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: AdminTokenService,
    private readonly peers: PeerAddressResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.headers.authorization ?? '');
    if (!match) throw unauthorized('missing bearer token');
    const actor = await this.tokens.authenticate(match[1]);
    if (!actor) throw unauthorized('invalid token');
    req.adminContext = { actor, peer: requestPeer(this.peers, req) };
    return true;
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, undefined, {
    'WWW-Authenticate': 'Bearer realm="gatehouse-admin"',
  });
}

/** The authenticated admin caller and its address. */
export const Admin = createParamDecorator((_data: unknown, context: ExecutionContext): AdminContext => {
  const ctx = context.switchToHttp().getRequest<AdminRequest>().adminContext;
  if (!ctx) throw new Error('@Admin() used on a route without AdminAuthGuard');
  return ctx;
});

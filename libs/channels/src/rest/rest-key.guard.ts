import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticatedCredential, Authenticator, RequestLogService } from '@gatehouse/core';
import { ApiError, PeerAddressResolver, requestPeer } from '@gatehouse/platform';
import { httpAuthFailure, httpFailureStatus } from '../shared/http-auth-failure';
import { logChannelRequest } from '../shared/channel-request-log';
import { fromAuthorizationHeader } from '../shared/submitted-credentials';

type RestRequest = FastifyRequest & { restKey?: AuthenticatedCredential };

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="gatehouse-rest", Basic realm="gatehouse-rest"' };

/** `Authorization: Bearer <key>` or HTTP Basic `username:key`, checked by the shared authenticator. */
@Injectable()
export class RestKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly peers: PeerAddressResolver,
    private readonly requestLog: RequestLogService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<RestRequest>();
    const res = http.getResponse<FastifyReply>();
    const operation = `rest.${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`;
    const submitted = fromAuthorizationHeader(req.headers.authorization);
    if (!submitted)
      throw new ApiError(401, 'unauthorized', 'an API key is required (Bearer or Basic)', undefined, CHALLENGE);

    const peer = requestPeer(this.peers, req);
    const result = await this.authenticator.authenticate({
      channel: 'rest',
      username: submitted.username,
      secret: submitted.secret,
      peer,
      operation,
      logSuccess: false,
      failureStatus: httpFailureStatus,
    });
    if (!result.ok) {
      const failure = httpAuthFailure(result.reason);
      const headers: Record<string, string> =
        result.reason === 'banned'
          ? { 'Retry-After': String(result.retryAfterSeconds ?? 60) }
          : failure.status === 401
            ? CHALLENGE
            : {};
      throw new ApiError(failure.status, failure.code, failure.message, undefined, headers);
    }
    req.restKey = result.credential;
    logChannelRequest(this.requestLog, res.raw, result.credential, operation, peer);
    return true;
  }
}

/** The REST key that authenticated this request. */
export const RestKey = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedCredential => {
  const key = context.switchToHttp().getRequest<RestRequest>().restKey;
  if (!key) throw new Error('@RestKey() used on a route without RestKeyGuard');
  return key;
});

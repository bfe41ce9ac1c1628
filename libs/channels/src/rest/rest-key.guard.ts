import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticatedCredential, ChannelGate, RequestOperation } from '@gatehouse/core';
import { ApiError, PeerAddressResolver } from '@gatehouse/platform';
import { requestPeer } from '@gatehouse/platform/http';
import { httpFailureStatus } from '../shared/http-auth-failure';
import { finishWhenAnswered, refusalError } from '../shared/http-channel-request';
import { fromAuthorizationHeader } from '../shared/submitted-credentials';

type RestRequest = FastifyRequest & { restKey?: AuthenticatedCredential };

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="gatehouse-rest", Basic realm="gatehouse-rest"' };
const OPERATION = Symbol('rest.operation');

/** The request-log operation of a REST route. */
export const RestOperation = (operation: RequestOperation): MethodDecorator => SetMetadata(OPERATION, operation);

/** `Authorization: Bearer <key>` or HTTP Basic `username:key`, through the channel gate. */
@Injectable()
export class RestKeyGuard implements CanActivate {
  constructor(
    private readonly gate: ChannelGate,
    private readonly peers: PeerAddressResolver,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<RestRequest>();
    const operation = this.reflector.get<RequestOperation | undefined>(OPERATION, context.getHandler());
    if (!operation) throw new Error('a REST route without @RestOperation');
    const submitted = fromAuthorizationHeader(req.headers.authorization);
    if (!submitted) {
      throw new ApiError(401, 'unauthorized', 'an API key is required (Bearer or Basic)', undefined, CHALLENGE);
    }
    const admission = await this.gate.admit({
      channel: 'rest',
      username: submitted.username,
      secret: submitted.secret,
      peer: requestPeer(this.peers, req),
      operation,
      refusalStatus: httpFailureStatus,
    });
    if (!admission.ok) throw refusalError(admission.refusal, CHALLENGE);
    req.restKey = admission.key;
    finishWhenAnswered(admission.request, http.getResponse<FastifyReply>().raw);
    return true;
  }
}

/** The REST key that authenticated this request. */
export const RestKey = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedCredential => {
  const key = context.switchToHttp().getRequest<RestRequest>().restKey;
  if (!key) throw new Error('@RestKey() used on a route without RestKeyGuard');
  return key;
});

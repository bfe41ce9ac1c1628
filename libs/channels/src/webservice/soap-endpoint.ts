import type { FastifyInstance } from 'fastify';
import { IServerlessRequest, IServices, Server, WSDL } from 'soap';
import type { GatehouseConfig } from '@gatehouse/config';
import { PeerAddressResolver } from '@gatehouse/platform';
import { requestPeer } from '@gatehouse/platform/http';
import { MESSAGING_PATH, messagingWsdl } from './messaging.wsdl';
import { SoapExchange } from './soap-exchange';
import { sendSoapFault, toSoapFault } from './soap-fault';
import { SoapRequestGuard } from './soap-request.guard';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * The SOAP endpoint as a Fastify route: the guard first, then `soap`'s serverless
 * `processRequest` with the text the guard checked. `soap` never touches the socket, so the
 * body limit, the guard and the error dialect are the same as for every other route.
 */
export async function mountSoapEndpoint(
  fastify: FastifyInstance,
  services: IServices,
  config: GatehouseConfig,
  peers: PeerAddressResolver,
): Promise<void> {
  // The address in this copy only serves `soap`'s binding lookup; clients get the WSDL from the
  // guard, with the configured public address.
  const wsdl = new WSDL(messagingWsdl(`http://localhost${MESSAGING_PATH}`), '', {});
  // Message bodies and passwords are taken as sent, surrounding whitespace included. (Only the
  // `soap` client copies this option from its constructor, hence the assignment.)
  wsdl.options.preserveWhitespace = true;
  // No HTTP server: `soap` runs serverless, for `processRequest` below.
  const soap = await new Promise<Server>((resolve, reject) => {
    const server: Server = new Server(null, MESSAGING_PATH, services, wsdl, {
      path: MESSAGING_PATH,
      services,
      suppressStack: true,
      // One Content-Length answer: some legacy SOAP stacks mishandle chunked encoding.
      enableChunkedEncoding: false,
      callback: (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('the WSDL could not be read')) : resolve(server),
    });
  });
  const guard = new SoapRequestGuard(wsdl, config);

  fastify.route({
    method: [...METHODS],
    url: MESSAGING_PATH,
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      try {
        const verdict = guard.inspect({
          method: request.method,
          query: request.query as Record<string, unknown>,
          headers: request.headers,
          body: request.body,
          localPort: request.socket.localPort,
        });
        if (verdict.kind === 'wsdl') return await reply.type('text/xml; charset=utf-8').send(verdict.wsdl);
        const answer = await soap.processRequest(verdict.xml, {
          url: MESSAGING_PATH,
          // `soap` copies the request's Content-Type onto its answer; the body is already decoded.
          headers: { ...request.headers, 'content-type': 'text/xml; charset=utf-8' },
          connection: new SoapExchange(requestPeer(peers, request), reply.raw),
        } satisfies IServerlessRequest);
        return await reply.status(answer.statusCode).headers(answer.headers).send(answer.body);
      } catch (err) {
        sendSoapFault(reply, toSoapFault(err, false, reply));
        return reply;
      }
    },
  });
}

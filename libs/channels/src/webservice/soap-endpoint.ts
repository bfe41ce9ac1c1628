import type { Express } from 'express';
import { IServices, Server, WSDL } from 'soap';
import type { GatehouseConfig } from '@gatehouse/config';
import { MESSAGING_PATH, messagingWsdl } from './messaging.wsdl';
import { SoapRequestGuard } from './soap-request.guard';

/**
 * Mounts the SOAP endpoint on the Express app: the guard first, then the `soap` server's own
 * route, both on the same path string so Express matches them identically. Resolves once
 * `soap` has read the WSDL and registered its route. `config` gives the address the served
 * WSDL names (GATEHOUSE_PUBLIC_URL or the listener's own).
 */
export function attachSoapEndpoint(app: Express, services: IServices, config: GatehouseConfig): Promise<Server> {
  // The address in this copy only serves `soap`'s binding lookup; clients get the WSDL from the
  // guard, with the configured public address.
  const wsdl = new WSDL(messagingWsdl(`http://localhost${MESSAGING_PATH}`), '', {});
  // Message bodies and passwords are taken as sent, surrounding whitespace included. (Only the
  // `soap` client copies this option from its constructor, hence the assignment.)
  wsdl.options.preserveWhitespace = true;
  // `soap` mounts `path + '/'`; Express treats the trailing slash as optional either way.
  const route = `${MESSAGING_PATH}/`;
  app.all(route, new SoapRequestGuard(wsdl, config).handle);
  return new Promise((resolve, reject) => {
    const server: Server = new Server(app, route, services, wsdl, {
      path: route,
      services,
      suppressStack: true,
      // One Content-Length response: some legacy SOAP stacks mishandle chunked encoding.
      enableChunkedEncoding: false,
      callback: (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('the WSDL could not be read')) : resolve(server),
    });
  });
}

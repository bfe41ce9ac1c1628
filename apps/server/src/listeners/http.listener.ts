import { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AdminApiModule } from '@gatehouse/admin-api';
import { HttpChannelModule } from '@gatehouse/channels/http';
import { RestChannelModule } from '@gatehouse/channels/rest';
import { MESSAGING_PATH, WebserviceChannelModule } from '@gatehouse/channels/webservice';
import { GatehouseConfig } from '@gatehouse/config';
import { BoundAddress, Listener, MetricsRegistry, PinoLoggerService } from '@gatehouse/platform';
import {
  ApiExceptionFilter,
  BodyRoute,
  defaultConsoleDir,
  ErrorDialects,
  HttpPlatformModule,
  installBodyParsing,
  installConsole,
  installRequestObserver,
  installSecurityHeaders,
  requestIdGenerator,
} from '@gatehouse/platform/http';
import type { ListenerPlan } from './listener-plan';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What each API takes as a body, by route pattern (lower-cased: the router matches case-insensitively). */
const BODY_ROUTES: BodyRoute[] = [
  { path: /^\/admin\/v1\/credentials\/[^/]+\/avatar\/?$/, accepts: ['raw'] },
  { path: /^\/admin\/v1\/import\/?$/, accepts: ['ndjson'] },
  { path: /^\/admin\//, accepts: ['json'] },
  { path: /^\/rest\//, accepts: ['json'] },
  { path: /^\/http\//, accepts: ['form'] },
  // The SOAP guard reads every media type and refuses a wrong one as a fault of its own.
  { path: new RegExp(`^${escapeRegExp(MESSAGING_PATH)}/?$`), accepts: ['xml', 'raw'] },
];

/**
 * The HTTP listener on `GATEHOUSE_HTTP_PORT`: the admin API, the REST, HTTP and SOAP channels,
 * `/health`, `/metrics`, `/docs` and the web console at `/console`, on Fastify.
 */
export const HTTP_LISTENER: ListenerPlan = {
  name: 'http',
  modules: [HttpPlatformModule, RestChannelModule, HttpChannelModule, WebserviceChannelModule, AdminApiModule],
  createApplication: createHttpApplication,
  listener: (app, config) => new HttpListener(app as NestFastifyApplication, config),
};

async function createHttpApplication(root: DynamicModule, config: GatehouseConfig): Promise<INestApplicationContext> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    // `/ADMIN/v1/…` and a trailing slash reach the same route, as clients of the Express days expect.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 256 },
    trustProxy: false, // PeerAddressResolver decides what X-Forwarded-For is worth
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Answers to requests that arrive while it stops: 503, and the connection is not kept.
    return503OnClosing: true,
    // The correlation id of each request (`reqId` in its access-log line and error logs).
    genReqId: requestIdGenerator(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  const fastify = app.getHttpAdapter().getInstance();
  installSecurityHeaders(fastify);
  installRequestObserver(fastify, app.get(MetricsRegistry), app.get(PinoLoggerService));
  await installBodyParsing(fastify, BODY_ROUTES);
  app.useGlobalFilters(new ApiExceptionFilter(app.get(ErrorDialects)));
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await installConsole(fastify, config.consoleDir ?? defaultConsoleDir());
  return app;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Gatehouse admin API')
    .setDescription(
      'Channel credentials for FTP, REST, HTTP, Web Service and Email. Secrets are shown once, in create and rotate responses. ' +
        'Errors: `{"error": {"code", "message", "details"}}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Root token or an account admin token' })
    .build();
  return SwaggerModule.createDocument(app, options);
}

class HttpListener implements Listener {
  readonly name = 'http' as const;

  constructor(
    private readonly app: NestFastifyApplication,
    private readonly config: GatehouseConfig,
  ) {}

  async start(): Promise<void> {
    await this.app.listen(this.config.http.port, this.config.host);
  }

  /**
   * Stops accepting and waits for the requests in flight; keep-alive connections that are idle
   * are closed at once, and whatever still runs when the grace ends is cut off.
   */
  async stop(graceMs: number): Promise<void> {
    const server = this.app.getHttpServer();
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([closed, graceOver]);
    clearTimeout(timer);
    server.closeAllConnections();
  }

  address(): BoundAddress | null {
    const address = this.app.getHttpServer().address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : null;
  }
}

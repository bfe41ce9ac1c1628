import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MESSAGING_PATH } from '@gatehouse/channels';
import { GatehouseConfig, ensurePrivateDir } from '@gatehouse/config';
import { AdminTokenService } from '@gatehouse/core';
import {
  ApiExceptionFilter,
  BodyRoute,
  ErrorDialects,
  MetricsRegistry,
  PinoLoggerService,
  installBodyParsing,
  installRequestObserver,
  installSecurityHeaders,
} from '@gatehouse/platform';
import { AppModule } from './app.module';

export interface GatehouseApp {
  app: NestFastifyApplication;
  /** The root token, when this start generated it (first start without GATEHOUSE_ROOT_TOKEN). */
  generatedRootToken: string | null;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What each API takes as a body, by route pattern (lower-cased: the router matches case-insensitively). */
const BODY_ROUTES: BodyRoute[] = [
  { path: /^\/admin\/v1\/credentials\/[^/]+\/avatar\/?$/, accepts: ['raw'] },
  { path: /^\/admin\//, accepts: ['json'] },
  { path: /^\/rest\//, accepts: ['json'] },
  { path: /^\/http\//, accepts: ['form'] },
  // The SOAP guard reads every media type and refuses a wrong one as a fault of its own.
  { path: new RegExp(`^${escapeRegExp(MESSAGING_PATH)}/?$`), accepts: ['xml', 'raw'] },
];

/** Builds the whole service exactly as `main.ts` runs it; tests call this too. */
export async function createGatehouseApp(config: GatehouseConfig): Promise<GatehouseApp> {
  ensurePrivateDir(config.dataDir); // 0700 before anything is written into it
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    // `/ADMIN/v1/…` and a trailing slash reach the same route, as clients of the Express days expect.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 256 },
    trustProxy: false, // PeerAddressResolver decides what X-Forwarded-For is worth
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
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
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  const { generated } = await app.get(AdminTokenService).initRootToken();
  return { app, generatedRootToken: generated };
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

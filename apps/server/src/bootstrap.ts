import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MESSAGING_PATH_PATTERN, sendHttpTextError, sendSoapBodyError, soapBodyParser } from '@gatehouse/channels';
import { GatehouseConfig, ensurePrivateDir } from '@gatehouse/config';
import { AdminTokenService, MAX_AVATAR_BYTES } from '@gatehouse/core';
import {
  ApiExceptionFilter,
  PinoLoggerService,
  bodyParsingMiddleware,
  createValidationPipe,
  formParser,
  jsonParser,
  rawParser,
  securityHeaders,
} from '@gatehouse/platform';
import { AppModule } from './app.module';

export interface GatehouseApp {
  app: NestExpressApplication;
  /** The root token, when this start generated it (first start without GATEHOUSE_ROOT_TOKEN). */
  generatedRootToken: string | null;
}

/** Builds the whole service exactly as `main.ts` runs it; tests call this too. */
export async function createGatehouseApp(config: GatehouseConfig): Promise<GatehouseApp> {
  ensurePrivateDir(config.dataDir); // 0700 before anything is written into it
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  app.disable('x-powered-by');
  app.set('etag', false); // no conditional GETs on this API: skip hashing every response body
  app.set('query parser', 'simple'); // no nested objects or arrays out of query strings
  app.set('trust proxy', false); // PeerAddressResolver decides what X-Forwarded-For is worth
  app.use(securityHeaders());
  app.use(
    bodyParsingMiddleware([
      { path: /^\/admin\/v1\/credentials\/[^/]+\/avatar\/?$/i, parser: rawParser(MAX_AVATAR_BYTES) },
      { path: '/admin/', parser: jsonParser(config.http.bodyLimitBytes) },
      { path: '/rest/', parser: jsonParser(config.http.bodyLimitBytes) },
      { path: '/http/', parser: formParser(config.http.bodyLimitBytes), onError: sendHttpTextError },
      { path: MESSAGING_PATH_PATTERN, parser: soapBodyParser(config.http.bodyLimitBytes), onError: sendSoapBodyError },
    ]),
  );
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
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

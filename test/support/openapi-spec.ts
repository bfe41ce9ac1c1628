import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildOpenApiDocument } from '../../apps/server/src/listeners/http.listener';
import { startGatehouse } from '../../apps/server/src/runtime';

/** The OpenAPI document of the app as built by the real bootstrap, as stable JSON text. */
export async function generateOpenApiSpec(): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-openapi-'));
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: tmp,
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_ROOT_TOKEN: 'x'.repeat(32),
    GATEHOUSE_LISTENERS: 'http',
    GATEHOUSE_HTTP_PORT: '0',
  });
  const gatehouse = await startGatehouse(config);
  try {
    return JSON.stringify(buildOpenApiDocument(gatehouse.app as NestFastifyApplication), null, 2) + '\n';
  } finally {
    await gatehouse.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

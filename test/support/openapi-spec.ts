import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { buildOpenApiDocument, createGatehouseApp } from '../../apps/server/src/bootstrap';

/** The OpenAPI document of the app as built by the real bootstrap, as stable JSON text. */
export async function generateOpenApiSpec(): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-openapi-'));
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: tmp,
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_ROOT_TOKEN: 'x'.repeat(32),
  });
  const { app } = await createGatehouseApp(config);
  try {
    return JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n';
  } finally {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

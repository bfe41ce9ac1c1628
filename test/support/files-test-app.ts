import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FilesModule } from '@gatehouse/channels/files';
import { ensurePrivateDir, loadConfig } from '@gatehouse/config';
import { AdminTokenService, RequestLogService, SessionRegistry } from '@gatehouse/core';
import { AppModule } from '../../apps/server/src/app.module';
import { HTTP_LISTENER } from '../../apps/server/src/listeners/http.listener';
import { TestApp, TestAppOptions } from './test-app';

/**
 * Like `startTestApp`, with the file channel's storage (FilesModule: jailed trees and batch
 * files) in the same application as the HTTP listener, so a test can upload through
 * `BATCH_FILES` and read the result back through the admin API. The runtime composes listener
 * plans only, and the FTP/SFTP plans that will bring FilesModule along are not part of the build
 * yet; this mirrors `startGatehouse` (apps/server/src/runtime.ts) with that one module added.
 * SQLite in a fresh temp dir unless DATABASE_URL points at MySQL/MariaDB.
 */
export async function startFilesTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = options.reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-files-'));
  const rootToken = options.reuse?.rootToken ?? `root-${randomBytes(24).toString('hex')}`;
  const pepper = options.reuse?.pepper ?? randomBytes(32).toString('hex');
  const dbUrl = process.env.DATABASE_URL;
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ROOT_TOKEN: rootToken,
    GATEHOUSE_PEPPER: pepper,
    GATEHOUSE_BCRYPT_COST: '4',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_HTTP_PORT: '0',
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_LISTENERS: 'http',
    ...(dbUrl && !dbUrl.startsWith('sqlite:') ? { DATABASE_URL: dbUrl } : {}),
    ...env,
  });
  ensurePrivateDir(config.dataDir);
  const root = AppModule.forRoot(config, [...HTTP_LISTENER.modules, FilesModule]);
  const app = (await HTTP_LISTENER.createApplication!(root, config)) as NestFastifyApplication;
  const listener = HTTP_LISTENER.listener(app, config);
  try {
    await app.init();
    await app.get(AdminTokenService).initRootToken();
    await listener.start();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    rootToken,
    dataDir,
    pepper,
    baseUrl: `http://127.0.0.1:${address.port}`,
    auth: (token = rootToken) => ({ Authorization: `Bearer ${token}` }),
    flushLogs: () => app.get(RequestLogService).flush(),
    close: async ({ keepDataDir = false } = {}) => {
      await listener.stop(1000);
      app.get(SessionRegistry).endAll('shutdown');
      await app.close();
      if (!keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatehouseConfig, loadConfig } from '@gatehouse/config';
import { RequestLogService } from '@gatehouse/core';
import { Gatehouse, startGatehouse } from '../../apps/server/src/runtime';

export interface TestApp {
  app: NestFastifyApplication;
  config: GatehouseConfig;
  http: TestAgent;
  rootToken: string;
  /** The data dir and pepper this app runs on; with `rootToken`, what `reuse` needs for a restart. */
  dataDir: string;
  pepper: string;
  baseUrl: string;
  /** `Authorization` header value for a token. */
  auth(token?: string): { Authorization: string };
  /** Writes queued request-log rows so a test can read them back. */
  flushLogs(): Promise<void>;
  /** Stops the app and removes its data dir, unless `keepDataDir` (another app will reuse it). */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Start as a restart of an earlier app: same data dir (so the same SQLite file), pepper and
   * root token. Close the earlier one with `keepDataDir: true`; this one then owns the dir.
   */
  reuse?: Pick<TestApp, 'dataDir' | 'pepper' | 'rootToken'>;
}

/** The pepper of every test app and test server over the shared MySQL/MariaDB test database. */
export const SHARED_DATABASE_PEPPER = 'gatehouse-tests-shared-database-pepper-0123456789abcdef';

/**
 * The real service, built by the same bootstrap as `main.ts`, listening on a free loopback
 * port. SQLite in a fresh temp dir unless DATABASE_URL points at MySQL/MariaDB.
 */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir =
    options.reuse?.dataDir ?? env.GATEHOUSE_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-test-'));
  const rootToken = options.reuse?.rootToken ?? `root-${randomBytes(24).toString('hex')}`;
  const dbUrl = process.env.DATABASE_URL;
  const sharedDatabase = !!dbUrl && !dbUrl.startsWith('sqlite:');
  // Apps over the one shared MySQL database are nodes of one deployment: one pepper (the
  // database remembers it and refuses a node with another). On SQLite each app has its own.
  const pepper = options.reuse?.pepper ?? (sharedDatabase ? SHARED_DATABASE_PEPPER : randomBytes(32).toString('hex'));
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ROOT_TOKEN: rootToken,
    GATEHOUSE_PEPPER: pepper,
    GATEHOUSE_BCRYPT_COST: '4',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_LOG_FORMAT: 'json', // never pretty, even when jest runs in a terminal
    GATEHOUSE_HTTP_PORT: '0',
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_LISTENERS: 'http',
    ...(sharedDatabase ? { DATABASE_URL: dbUrl } : {}),
    ...env,
  });
  const gatehouse: Gatehouse = await startGatehouse(config);
  const app = gatehouse.app as NestFastifyApplication;
  const address = app.getHttpServer().address() as { port: number };
  const http = request(app.getHttpServer());
  return {
    app,
    config,
    http,
    rootToken,
    dataDir,
    pepper,
    baseUrl: `http://127.0.0.1:${address.port}`,
    auth: (token = rootToken) => ({ Authorization: `Bearer ${token}` }),
    flushLogs: () => app.get(RequestLogService).flush(),
    close: async ({ keepDataDir = false } = {}) => {
      await gatehouse.stop();
      if (!keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Unique per call, so suites sharing one MySQL database never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

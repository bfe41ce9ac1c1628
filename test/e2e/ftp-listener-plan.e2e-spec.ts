import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@gatehouse/config';
import { Gatehouse, startGatehouse } from '../../apps/server/src/runtime';
import { RawFtp, basicFtp, download, upload } from '../support/ftp-clients';
import { SHARED_DATABASE_PEPPER, unique } from '../support/test-app';

/**
 * FTP_LISTENER (apps/server/src/listeners/ftp.listener.ts) as the runtime composes it: its
 * modules in AppModule, the listener built from the application, started and stopped with the
 * process.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(listeners: string): Promise<{ g: Gatehouse; rootToken: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-ftp-plan-'));
  dirs.push(dataDir);
  const rootToken = `root-${randomBytes(24).toString('hex')}`;
  const dbUrl = process.env.DATABASE_URL;
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ROOT_TOKEN: rootToken,
    GATEHOUSE_PEPPER: dbUrl && !dbUrl.startsWith('sqlite:') ? SHARED_DATABASE_PEPPER : randomBytes(32).toString('hex'),
    GATEHOUSE_BCRYPT_COST: '4',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_HTTP_PORT: '0',
    GATEHOUSE_FTP_PORT: '0',
    GATEHOUSE_FTP_PASV_PORTS: '42000-42999',
    GATEHOUSE_LISTENERS: listeners,
    GATEHOUSE_SHUTDOWN_SECONDS: '5',
    ...(dbUrl && !dbUrl.startsWith('sqlite:') ? { DATABASE_URL: dbUrl } : {}),
  });
  return { g: await startGatehouse(config), rootToken };
}

function ftpPort(g: Gatehouse): number {
  const ftp = g.listeners.find((l) => l.name === 'ftp');
  const address = ftp?.address();
  if (!address) throw new Error('no ftp listener');
  return address.port;
}

it('an FTP-only process: greets, and its stop says 421 to an open session; ftp-srv hooks no signals', async () => {
  const signals = ['SIGTERM', 'SIGINT', 'SIGQUIT'].map((s) => process.listenerCount(s));
  const { g } = await start('ftp');
  let raw: RawFtp | undefined;
  try {
    expect(g.listeners.map((l) => l.name)).toEqual(['ftp']);
    expect(g.listeners[0].address()).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    // ftp-srv's constructor would have added SIGTERM/SIGINT/SIGQUIT hooks that exit the process.
    expect(['SIGTERM', 'SIGINT', 'SIGQUIT'].map((s) => process.listenerCount(s))).toEqual(signals);
    raw = await RawFtp.connect(ftpPort(g));
    expect(await raw.greeting).toEqual(expect.objectContaining({ code: 220, text: 'Gatehouse FTP ready.' }));
  } finally {
    await g.stop();
  }
  expect(await raw.closedWithin(5000)).toBe(true);
  expect(raw.pending()).toEqual([expect.objectContaining({ code: 421 })]);
});

it('with the HTTP listener: a credential made over the admin API uploads a batch that is processed', async () => {
  const { g, rootToken } = await start('http,ftp');
  try {
    const http = request((g.app as NestFastifyApplication).getHttpServer());
    const auth = { Authorization: `Bearer ${rootToken}` };
    const account = await http
      .post('/admin/v1/accounts')
      .set(auth)
      .send({ name: unique('master') })
      .expect(201);
    const created = await http
      .post(`/admin/v1/accounts/${account.body.account.id as string}/credentials`)
      .set(auth)
      .send({ channel: 'ftp', name: 'batch drop' })
      .expect(201);
    const username = created.body.credential.username as string;
    const secret = created.body.secret as string;
    const client = await basicFtp(ftpPort(g), username, secret);
    try {
      await upload(client, '/outbox/plan.csv', 'to,body\r\n+447700900123,hello\r\n');
      const deadline = Date.now() + 20_000;
      while (!(await client.list('/reports')).some((f) => f.name === 'plan.csv.report.csv')) {
        if (Date.now() > deadline) throw new Error('no report');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await download(client, '/reports/plan.csv.report.csv')).toMatch(
        /^row,status,submission_id,error\r\n1,accepted,/,
      );
    } finally {
      client.close();
    }
  } finally {
    await g.stop();
  }
});

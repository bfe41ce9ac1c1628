import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LazyModuleLoader } from '@nestjs/core';
import type { GatehouseConfig } from '@gatehouse/config';
import { BATCH_FILES, BatchFiles } from '@gatehouse/channels/files';
import { FtpChannelModule, FtpListener, FtpListenerFactory, FtpListenerOptions } from '@gatehouse/channels/ftp';
import type { TestApp } from './test-app';

/**
 * An FTP listener with settings of its own (TLS, requireTls, caps…) inside a running test app,
 * next to whatever its runtime started: the FTP channel's module is loaded into the app (Nest's LazyModuleLoader), so the listener shares
 * the app's ChannelGate, ban list, session registry, request log and database with the admin API
 * — blocking a credential over HTTP ends its FTP sessions, failures on either ban the peer on both.
 * It binds 127.0.0.1 on a free port; `t.close()` stops it first.
 *
 * Nest runs no onModuleInit hooks in a lazily loaded module: BatchFiles then skips its start-up
 * sweep of batches left by an earlier process, which a fresh test app has none of. The plan as
 * a process runs it (AppModule + FTP_LISTENER) is covered by ftp-listener-plan.e2e-spec.ts.
 */
export interface AttachedFtp {
  listener: FtpListener;
  host: string;
  port: number;
  config: GatehouseConfig;
  url: string;
  /** The app's batch files (to wait for batches with `drain()`). */
  batches: BatchFiles;
}

/** A passive range of its own for FTP tests; the listener picks free ports in it at random. */
export const TEST_PASV_PORTS = { min: 41000, max: 41999 };

export interface FtpOverrides {
  ftp?: Partial<GatehouseConfig['ftp']>;
  tls?: GatehouseConfig['tls'];
  maxConnectionsPerPeer?: number;
}

const stoppers = new WeakMap<TestApp, FtpListener[]>();

export async function attachFtp(
  t: TestApp,
  overrides: FtpOverrides = {},
  options?: FtpListenerOptions,
): Promise<AttachedFtp> {
  const { factory, batches } = await ftpServices(t);
  const config: GatehouseConfig = {
    ...t.config,
    host: '127.0.0.1',
    ftp: { ...t.config.ftp, port: 0, pasvPorts: TEST_PASV_PORTS, ...overrides.ftp },
    tls: overrides.tls === undefined ? t.config.tls : overrides.tls,
    maxConnectionsPerPeer: overrides.maxConnectionsPerPeer ?? t.config.maxConnectionsPerPeer,
  };
  const listener = factory.create(config, options);
  await listener.start();
  let listeners = stoppers.get(t);
  if (!listeners) {
    stoppers.set(t, (listeners = []));
    const close = t.close.bind(t);
    t.close = async (opts) => {
      await Promise.all(listeners!.map((l) => l.stop(0)));
      await close(opts);
    };
  }
  listeners.push(listener);
  const { host, port } = listener.address()!;
  return { listener, host, port, config, url: `ftp://${host}:${port}`, batches };
}

const shared = new WeakMap<TestApp, Promise<AttachedFtp>>();

/**
 * The app's FTP listener: the one its runtime started (GATEHOUSE_LISTENERS names `ftp`, with
 * GATEHOUSE_FTP_PORT=0), else one attached to it (`attachFtp`), made once per app.
 */
export function ftpFor(t: TestApp): Promise<AttachedFtp> {
  let ftp = shared.get(t);
  if (!ftp) shared.set(t, (ftp = runningOrAttached(t)));
  return ftp;
}

async function runningOrAttached(t: TestApp): Promise<AttachedFtp> {
  let running: FtpListener | undefined;
  try {
    [running] = t.app.get(FtpListenerFactory).running();
  } catch {
    // not part of this app
  }
  if (!running) return attachFtp(t);
  const { host, port } = running.address()!;
  return {
    listener: running,
    host,
    port,
    config: t.config,
    url: `ftp://${host}:${port}`,
    batches: t.app.get<BatchFiles>(BATCH_FILES),
  };
}

async function ftpServices(t: TestApp): Promise<{ factory: FtpListenerFactory; batches: BatchFiles }> {
  try {
    return { factory: t.app.get(FtpListenerFactory), batches: t.app.get<BatchFiles>(BATCH_FILES) };
  } catch {
    // Not part of the app: loaded into it. Its providers are reached through its own module ref.
    const module = await t.app.get(LazyModuleLoader).load(() => FtpChannelModule);
    return { factory: module.get(FtpListenerFactory), batches: module.get<BatchFiles>(BATCH_FILES, { strict: false }) };
  }
}

/** A throwaway self-signed certificate for 127.0.0.1 (openssl CLI), never committed. */
export function makeTestCertificate(): { certFile: string; keyFile: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-ftp-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, dir };
}

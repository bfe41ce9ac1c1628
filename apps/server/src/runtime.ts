import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GatehouseConfig, ListenerName, ensurePrivateDir } from '@gatehouse/config';
import { AdminTokenService, PepperAgreement, SessionRegistry } from '@gatehouse/core';
import { Listener, PinoLoggerService } from '@gatehouse/platform';
import { AppModule } from './app.module';
import { loadListenerPlans } from './listeners';

export interface Gatehouse {
  app: INestApplicationContext;
  /** Started, in GATEHOUSE_LISTENERS order. */
  listeners: Listener[];
  /** Named in GATEHOUSE_LISTENERS but not in this build. */
  unavailable: ListenerName[];
  /** The root token, when this start generated it (first start without GATEHOUSE_ROOT_TOKEN). */
  generatedRootToken: string | null;
  /**
   * Stops accepting everywhere, gives the work in flight GATEHOUSE_SHUTDOWN_SECONDS, ends the
   * remaining sessions, then closes the application (flushing the request log and the outbox).
   */
  stop(): Promise<void>;
}

/**
 * Builds the process GATEHOUSE_LISTENERS describes and starts its listeners: what `main.ts` runs,
 * and what the e2e tests and the benchmark start. Only the named listeners' code is loaded.
 */
export async function startGatehouse(config: GatehouseConfig): Promise<Gatehouse> {
  ensurePrivateDir(config.dataDir); // 0700 before anything is written into it
  const { plans, unavailable } = await loadListenerPlans(config.listeners);
  const root = AppModule.forRoot(
    config,
    plans.flatMap((p) => p.modules),
  );
  const owner = plans.find((p) => p.createApplication !== undefined);
  const app = owner
    ? await owner.createApplication!(root, config)
    : await NestFactory.createApplicationContext(root, { bufferLogs: true, abortOnError: false });
  if (!owner) app.useLogger(app.get(PinoLoggerService));
  try {
    await app.init();
    await app.get(PepperAgreement).check(); // before anything keyed by the pepper is written
    const { generated } = await app.get(AdminTokenService).initRootToken();
    const listeners = plans.map((p) => p.listener(app, config));
    for (const listener of listeners) await listener.start();
    if (unavailable.length > 0) {
      new Logger('Gatehouse').warn(
        `GATEHOUSE_LISTENERS names listeners this build does not have: ${unavailable.join(', ')}`,
      );
    }
    return { app, listeners, unavailable, generatedRootToken: generated, stop: stopper(app, listeners, config) };
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}

function stopper(app: INestApplicationContext, listeners: Listener[], config: GatehouseConfig): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      const graceMs = config.shutdownSeconds * 1000;
      await Promise.all(listeners.map((l) => l.stop(graceMs)));
      app.get(SessionRegistry).endAll('shutdown');
      await app.close();
    })());
}

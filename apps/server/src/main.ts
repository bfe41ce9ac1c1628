import 'reflect-metadata';
import { ConfigError, GatehouseConfig, loadConfig } from '@gatehouse/config';
import { PepperMismatchError } from '@gatehouse/core';
import { Gatehouse, startGatehouse } from './runtime';

async function main(): Promise<void> {
  let config: GatehouseConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const gatehouse = await startGatehouse(config);
  stopOnSignals(gatehouse);
  // One write: whoever waits for the "is up" line finds the root token with it.
  process.stdout.write(
    banner(gatehouse, config) +
      // Printed once, here, on purpose: only its hash is stored. Never goes through the logger.
      (gatehouse.generatedRootToken
        ? `\n  Root token (shown once, store it now):\n\n    ${gatehouse.generatedRootToken}\n\n` +
          `  Set GATEHOUSE_ROOT_TOKEN to choose your own instead.\n\n`
        : ''),
  );
}

function banner(gatehouse: Gatehouse, config: GatehouseConfig): string {
  const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);
  const parts = gatehouse.listeners.map((listener) => {
    const address = listener.address();
    if (listener.name !== 'http' || !address) {
      const note = listener.bannerNote?.();
      return `${listener.name} ${address ? `${urlHost(address.host)}:${address.port}` : ''}${note ? ` (${note})` : ''}`;
    }
    const base = `http://${urlHost(address.host)}:${address.port}`;
    return `admin API ${base}/admin/v1, console ${base}/console, docs ${base}/docs, health ${base}/health`;
  });
  const missing = gatehouse.unavailable.length > 0 ? ` Not in this build: ${gatehouse.unavailable.join(', ')}.` : '';
  return `Gatehouse is up: ${parts.join('; ') || 'no listeners'} (database: ${config.database.type}).${missing}\n`;
}

/** SIGTERM/SIGINT: stop accepting, let work in flight finish (GATEHOUSE_SHUTDOWN_SECONDS), flush, exit 0. */
function stopOnSignals(gatehouse: Gatehouse): void {
  const stop = (): void => {
    gatehouse.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`gatehouse: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  if (err instanceof PepperMismatchError) {
    process.stderr.write(`gatehouse: ${err.message}\n`);
    process.exit(78); // EX_CONFIG: a setting to fix, not a crash to retry
  }
  process.stderr.write(`gatehouse: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

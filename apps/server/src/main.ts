import 'reflect-metadata';
import { ConfigError, GatehouseConfig, loadConfig } from '@gatehouse/config';
import { createGatehouseApp } from './bootstrap';

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
  const { app, generatedRootToken } = await createGatehouseApp(config);
  if (config.listeners.includes('http')) await app.listen(config.http.port, config.host);

  const { port } = (app.getHttpServer().address() as { port: number } | null) ?? { port: config.http.port };
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // One write: whoever waits for the "is up" line finds the root token with it.
  process.stdout.write(
    `Gatehouse is up: admin API ${base}/admin/v1, docs ${base}/docs, health ${base}/health ` +
      `(database: ${config.database.type}).\n` +
      // Printed once, here, on purpose: only its hash is stored. Never goes through the logger.
      (generatedRootToken
        ? `\n  Root token (shown once, store it now):\n\n    ${generatedRootToken}\n\n` +
          `  Set GATEHOUSE_ROOT_TOKEN to choose your own instead.\n\n`
        : ''),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`gatehouse: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

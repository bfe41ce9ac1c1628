'use strict';
/**
 * The image's HEALTHCHECK (docker/Dockerfile): GET /health on this container's own HTTP listener,
 * exit 0 on a 2xx answer (the database answers), 1 otherwise. It reads the variables the server
 * reads, so a changed GATEHOUSE_HTTP_PORT or a specific GATEHOUSE_HOST is followed; a wildcard
 * bind (0.0.0.0, ::) is asked on loopback. /health needs no token (GATEHOUSE_METRICS_TOKEN guards
 * /metrics only). What it prints lands in `docker inspect`'s health log.
 */
const env = (name, fallback) => process.env[name] || fallback; // empty means unset, as for the server
const bound = env('GATEHOUSE_HOST', '127.0.0.1');
const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${env('GATEHOUSE_HTTP_PORT', '8080')}/health`;

fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  async (res) => {
    const body = (await res.text().catch(() => '')).slice(0, 200);
    process.stdout.write(`${url}: ${res.status} ${body}\n`);
    process.exit(res.ok ? 0 : 1);
  },
  (err) => {
    process.stdout.write(`${url}: ${err.cause?.code ?? err.name}: ${err.message}\n`);
    process.exit(1);
  },
);

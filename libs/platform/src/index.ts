// Process plumbing every listener shares, with no HTTP server code in it. HTTP-only pieces
// (Fastify body parsing, hooks, error dialects, the ops controllers) are in `@gatehouse/platform/http`.
export * from './errors/api-error';
export * from './logging';
export * from './metrics/activity-stats';
export * from './metrics/core-gauges';
export * from './metrics/login-stats';
export * from './metrics/metrics-registry';
export * from './metrics/request-stats';
export * from './network/peer-address';
export * from './platform.module';
export * from './secrets/pepper';
export * from './listeners/listener';

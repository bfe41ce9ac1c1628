// The HTTP listener's plumbing on Fastify; loaded only by processes that serve HTTP.
export * from './api-exception.filter';
export * from './body-parsing';
export * from './console-assets';
export * from './error-dialects';
export * from './health.controller';
export * from './http-platform.module';
export * from './http-reply';
export * from './metrics.controller';
export * from './request-id';
export * from './request-observer';
export * from './request-peer';
export * from './security-headers';
export * from './validation-pipe';

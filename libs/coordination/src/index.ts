export * from './coordination.module';
export * from './coordination-status';
export * from './in-memory/in-memory-peer-ban-list';
export * from './in-memory/in-process-change-notifier';
export * from './in-memory/in-memory-rate-limiter';
export { RedisLink } from './redis/redis-link';
export { RedisPeerBanList } from './redis/redis-peer-ban-list';
export { RedisChangeNotifier } from './redis/redis-change-notifier';
export { RedisRateLimiter } from './redis/redis-rate-limiter';

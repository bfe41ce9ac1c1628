export * from './http-channel.module';
export * from './http-text-errors';

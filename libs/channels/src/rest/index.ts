export * from './rest-channel.module';

export * from './admin-api.module';
export * from './views/views';

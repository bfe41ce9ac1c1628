export * from './admin-api.module';
export * from './views/views';
export * from './views/submission.views';
export * from './views/page';

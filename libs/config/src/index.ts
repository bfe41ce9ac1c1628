export * from './gatehouse-config';
export * from './config.module';
export * from './config.token';
export * from './private-files';

export * from './http-auth-failure';
export * from './http-channel-request';
export * from './json-schema.pipe';
export * from './submitted-credentials';
export * from './peer-connection-limit';

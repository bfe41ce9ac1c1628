export * from './guarded-lookup';
export * from './postback-signature';
export * from './postback.dispatcher';
export * from './postback.sender';
export * from './postbacks.module';
export * from './retry-schedule';

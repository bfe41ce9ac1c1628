export * from './http/http-channel.module';
export * from './rest/rest-channel.module';
export * from './shared/http-auth-failure';
export * from './shared/submitted-credentials';
export * from './shared/channel-request-log';
export * from './http/http-text-errors';
export * from './webservice/webservice-channel.module';
export { MESSAGING_PATH } from './webservice/messaging.wsdl';

export * from './http/http-channel.module';
export * from './rest/rest-channel.module';
export * from './shared/http-auth-failure';
export * from './shared/submitted-credentials';
export * from './shared/channel-request-log';
export * from './http/http-text.filter';
export * from './webservice/webservice-channel.module';
export { MESSAGING_PATH_PATTERN } from './webservice/messaging.wsdl';
export { sendSoapBodyError, soapBodyParser } from './webservice/soap-body-parser';

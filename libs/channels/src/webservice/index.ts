export * from './webservice-channel.module';
export { MESSAGING_PATH } from './messaging.wsdl';

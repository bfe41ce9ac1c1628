export * from './ftp-channel.module';
export * from './ftp-listener';
export * from './ftp-replies';
export { MAX_LOGIN_FAILURES } from './ftp-session';

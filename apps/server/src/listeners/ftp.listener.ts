import { FilesModule } from '@gatehouse/channels/files';
import { FtpChannelModule, FtpListenerFactory } from '@gatehouse/channels/ftp';
import type { ListenerPlan } from './listener-plan';

/**
 * The FTP listener on `GATEHOUSE_FTP_PORT` (explicit FTPS when GATEHOUSE_TLS_CERT/KEY are set),
 * over the jailed account trees and batch files it shares with SFTP. It needs no HTTP server:
 * in a process without `http` it runs in a plain application context.
 */
export const FTP_LISTENER: ListenerPlan = {
  name: 'ftp',
  modules: [FilesModule, FtpChannelModule],
  listener: (app, config) => app.get(FtpListenerFactory).create(config),
};

import { SftpChannelModule, SftpListener } from '@gatehouse/channels/sftp';
import type { ListenerPlan } from './listener-plan';

/**
 * The SFTP listener on `GATEHOUSE_SFTP_PORT`: ssh2 over the jailed account trees, in a plain
 * application context (it owns no HTTP server). The listener is a provider of its module; its
 * `hostKeyFingerprint()` is what the start banner prints.
 */
export const SFTP_LISTENER: ListenerPlan = {
  name: 'sftp',
  modules: [SftpChannelModule],
  listener: (app) => app.get(SftpListener),
};

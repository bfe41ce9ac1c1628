/**
 * Changes other components (the authenticator's warm cache, open FTP/SFTP/SMTP sessions)
 * must hear about at once. In-process by default; shared across nodes when Redis is configured.
 */
import type { SessionEndReason } from '../sessions/session-registry';

export type ChangeEvent =
  | { type: 'credential.changed'; credentialId: string; endSessions: boolean; reason?: SessionEndReason }
  | {
      type: 'account.changed';
      accountId: string;
      credentialIds: string[];
      endSessions: boolean;
      reason?: SessionEndReason;
    }
  /** A group was renamed: keys scoped to it must see the new slug at their next authentication. */
  | { type: 'group.changed'; groupId: string; credentialIds: string[]; endSessions: false };

export type ChangeListener = (event: ChangeEvent) => void;

export interface ChangeNotifier {
  publish(event: ChangeEvent): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
}
export const CHANGE_NOTIFIER = Symbol('ChangeNotifier');

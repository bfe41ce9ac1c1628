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
  | { type: 'group.changed'; groupId: string; credentialIds: string[]; endSessions: false }
  /**
   * This node may have missed changes made elsewhere (its link to the other nodes was down):
   * whatever it cached must be checked again. Delivered to this node's listeners only.
   */
  | { type: 'cache.reset'; endSessions: false };

export type ChangeListener = (event: ChangeEvent) => void;

export interface ChangeNotifier {
  /** Delivers to this node's listeners at once, and to every other node's when shared. */
  publish(event: ChangeEvent): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
  /**
   * False while changes made on other nodes may not reach this one (Redis is down): caches must
   * then trust what they hold only briefly. Always true for a single process.
   */
  isDelivering(): boolean;
}
export const CHANGE_NOTIFIER = Symbol('ChangeNotifier');

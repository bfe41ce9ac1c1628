/**
 * Changes other components (the authenticator's warm cache, open FTP/SFTP/SMTP sessions)
 * must hear about at once. In-process by default; shared across nodes when Redis is configured.
 */
export type ChangeEvent =
  | { type: 'credential.changed'; credentialId: string; endSessions: boolean }
  | { type: 'account.changed'; accountId: string; credentialIds: string[]; endSessions: boolean }
  /** A group was renamed: keys scoped to it must see the new slug at their next authentication. */
  | { type: 'group.changed'; groupId: string; credentialIds: string[]; endSessions: false };

export type ChangeListener = (event: ChangeEvent) => void;

export interface ChangeNotifier {
  publish(event: ChangeEvent): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
}
export const CHANGE_NOTIFIER = Symbol('ChangeNotifier');

/** Delivers synchronously to every listener of this process. */
export class InProcessChangeNotifier implements ChangeNotifier {
  private readonly listeners = new Set<ChangeListener>();

  publish(event: ChangeEvent): Promise<void> {
    for (const listener of this.listeners) listener(event);
    return Promise.resolve();
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Channel } from '../channels/channel';
import { CHANGE_NOTIFIER, ChangeNotifier } from '../events/change-notifier';

/** Why a session is being ended; each protocol turns it into its goodbye (FTP 421, SMTP 421…). */
export type SessionEndReason =
  | 'credential_blocked'
  | 'credential_rotated'
  | 'credential_deleted'
  | 'account_suspended'
  | 'account_deleted'
  | 'shutdown';

/** A long-lived logged-in session of a listener (FTP, SFTP, SMTP). */
export interface ChannelSession {
  readonly credentialId: string;
  readonly channel: Channel;
  /** Says goodbye in the protocol's words and closes; called once. */
  close(reason: SessionEndReason): void | Promise<void>;
}

/**
 * Every open session of this node, by credential. Blocking, deleting or rotating a credential
 * without grace, and suspending or deleting its account, end its sessions (DESIGN.md §1): the
 * change notifier says so — in this process, or from another node once it is shared — and the
 * registry closes each matching session at once. HTTP keep-alive connections are not sessions:
 * every HTTP request authenticates on its own.
 */
@Injectable()
export class SessionRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(SessionRegistry.name);
  private readonly byCredential = new Map<string, Set<ChannelSession>>();
  private readonly unsubscribe: () => void;

  constructor(@Inject(CHANGE_NOTIFIER) changes: ChangeNotifier) {
    this.unsubscribe = changes.subscribe((event) => {
      if (!event.endSessions) return;
      const reason = event.reason ?? 'credential_blocked';
      const ids =
        event.type === 'credential.changed'
          ? [event.credentialId]
          : event.type === 'account.changed'
            ? event.credentialIds
            : [];
      for (const id of ids) this.endSessionsOf(id, reason);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Registers a session; the returned function unregisters it (call it when the session ends). */
  register(session: ChannelSession): () => void {
    let sessions = this.byCredential.get(session.credentialId);
    if (!sessions) this.byCredential.set(session.credentialId, (sessions = new Set()));
    sessions.add(session);
    return () => this.forget(session);
  }

  /** Sessions open on this node (for metrics and tests). */
  count(credentialId?: string): number {
    if (credentialId !== undefined) return this.byCredential.get(credentialId)?.size ?? 0;
    let total = 0;
    for (const sessions of this.byCredential.values()) total += sessions.size;
    return total;
  }

  /** Sessions open on this node by channel (read when `/metrics` is scraped: one pass over them). */
  countByChannel(): Map<Channel, number> {
    const counts = new Map<Channel, number>();
    for (const sessions of this.byCredential.values()) {
      for (const session of sessions) counts.set(session.channel, (counts.get(session.channel) ?? 0) + 1);
    }
    return counts;
  }

  /** Ends every session of a credential now. */
  endSessionsOf(credentialId: string, reason: SessionEndReason): number {
    const sessions = this.byCredential.get(credentialId);
    if (!sessions) return 0;
    this.byCredential.delete(credentialId);
    for (const session of sessions) this.close(session, reason);
    return sessions.size;
  }

  /** Ends every session (shutdown). */
  endAll(reason: SessionEndReason): void {
    for (const id of [...this.byCredential.keys()]) this.endSessionsOf(id, reason);
  }

  private close(session: ChannelSession, reason: SessionEndReason): void {
    try {
      const closing = session.close(reason);
      if (closing) {
        closing.catch((err: unknown) =>
          this.logger.warn(`closing a ${session.channel} session failed: ${String(err)}`),
        );
      }
    } catch (err) {
      this.logger.warn(`closing a ${session.channel} session failed: ${String(err)}`);
    }
  }

  private forget(session: ChannelSession): void {
    const sessions = this.byCredential.get(session.credentialId);
    if (!sessions) return;
    sessions.delete(session);
    if (sessions.size === 0) this.byCredential.delete(session.credentialId);
  }
}

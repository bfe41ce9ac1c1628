import { AccessScope, Actor, actorLabel } from '../access/actor';
import { Page, PageRequest } from '../common/page';

export interface AuditEntry {
  id: string;
  at: Date;
  actorType: 'root' | 'admin_token';
  actorId: string;
  actorAccountId: string | null;
  accountId: string | null;
  tenantId: string | null;
  action: string;
  targetType: 'account' | 'credential' | 'group' | 'admin_token';
  targetId: string;
  peer: string;
  /** Names of changed fields and other non-secret facts. Never a secret. */
  details: Record<string, unknown>;
}

export interface AuditLogFilter {
  accountId?: string;
  targetId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

export interface AuditLogRepository {
  insert(entry: AuditEntry): Promise<void>;
  insertMany(entries: AuditEntry[]): Promise<void>;
  list(scope: AccessScope, filter: AuditLogFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}
export const AUDIT_LOG_REPOSITORY = Symbol('AuditLogRepository');

/** The caller of an admin operation, as the audit log records it. */
export interface AdminContext {
  actor: Actor;
  peer: string;
}

export function auditActor(ctx: AdminContext): Pick<AuditEntry, 'actorType' | 'actorId' | 'actorAccountId' | 'peer'> {
  return {
    ...actorLabel(ctx.actor),
    actorAccountId: ctx.actor.type === 'admin' ? ctx.actor.accountId : null,
    peer: ctx.peer,
  };
}

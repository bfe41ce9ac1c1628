import { Inject, Injectable } from '@nestjs/common';
import { scopeOf } from '../access/actor';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import {
  AdminContext,
  AUDIT_LOG_REPOSITORY,
  AuditEntry,
  AuditLogFilter,
  AuditLogRepository,
  auditActor,
} from './audit-log';

export interface AuditRecord {
  action: string;
  targetType: AuditEntry['targetType'];
  targetId: string;
  accountId: string | null;
  tenantId: string | null;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditLogService {
  constructor(@Inject(AUDIT_LOG_REPOSITORY) private readonly repo: AuditLogRepository) {}

  /** Written inside the caller's unit of work, so a change and its audit row land together. */
  async record(ctx: AdminContext, record: AuditRecord): Promise<void> {
    await this.repo.insert(this.entry(ctx, record, new Date()));
  }

  /** Many changes of one caller (imports), in as few statements as the database allows. */
  async recordMany(ctx: AdminContext, records: AuditRecord[]): Promise<void> {
    const at = new Date();
    if (records.length > 0) await this.repo.insertMany(records.map((r) => this.entry(ctx, r, at)));
  }

  private entry(ctx: AdminContext, record: AuditRecord, at: Date): AuditEntry {
    return {
      id: newId(),
      at,
      ...auditActor(ctx),
      accountId: record.accountId,
      tenantId: record.tenantId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      details: record.details ?? {},
    };
  }

  list(ctx: AdminContext, filter: AuditLogFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.repo.list(scopeOf(ctx.actor), filter, page);
  }
}

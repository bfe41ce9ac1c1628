import {
  AccessScope,
  AuditEntry,
  AuditLogFilter,
  AuditLogRepository,
  Page,
  PageRequest,
  RequestLogEntry,
  RequestLogFilter,
  RequestLogRepository,
  toPage,
} from '@gatehouse/core';
import { AuditLogEntity, RequestLogEntity } from '../entities/log.entity';
import { bulkInsert } from '../bulk-insert';
import { MAX_BOUND_IDS } from '../sql-limits';
import { TypeOrmUnitOfWork } from '../unit-of-work.typeorm';
import { applyPage, applyScope } from './query-helpers';

const INSERT_CHUNK = 100;
const INSERT_SQL =
  'INSERT INTO request_log (id, at, channel, credential_id, account_id, tenant_id, username, peer, operation, ' +
  'outcome, status, duration_ms, count) VALUES ';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export class TypeOrmRequestLogRepository implements RequestLogRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  /**
   * Plain multi-row INSERTs: TypeORM's bulk insert builds per-entity metadata and cost more
   * than the requests being logged. Same SQL for every full chunk, so the statement is cached.
   * One transaction per batch: one commit instead of one per chunk.
   */
  insertMany(entries: RequestLogEntry[]): Promise<void> {
    return this.uow.transaction(() => this.insertChunks(entries));
  }

  private async insertChunks(entries: RequestLogEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      const chunk = entries.slice(i, i + INSERT_CHUNK);
      const params = chunk.flatMap((e) => [
        e.id,
        e.at.getTime(),
        e.channel,
        e.credentialId,
        e.accountId,
        e.tenantId,
        e.username,
        e.peer,
        e.operation,
        e.outcome,
        e.status,
        e.durationMs,
        e.count,
      ]);
      await this.uow.sql(`${INSERT_SQL}${chunk.map(() => ROW_PLACEHOLDERS).join(', ')}`, params);
    }
  }

  updateCounts(counts: Map<string, number>): Promise<void> {
    return this.uow.transaction(async () => {
      for (const [id, count] of counts)
        await this.uow.sql('UPDATE request_log SET count = ? WHERE id = ?', [count, id]);
    });
  }

  async deleteOlderThan(beforeId: string, limit: number): Promise<number> {
    // By primary key (ids are time-ordered), so the table needs no index on `at`. Ids first, then
    // a DELETE by id: MySQL takes no LIMIT in an IN subquery, SQLite no DELETE … LIMIT.
    const rows = await this.uow.sql<{ id: string }>('SELECT id FROM request_log WHERE id < ? ORDER BY id LIMIT ?', [
      beforeId,
      Math.min(limit, MAX_BOUND_IDS), // the ids become the DELETE's bound parameters
    ]);
    if (rows.length === 0) return 0;
    await this.uow.sql(`DELETE FROM request_log WHERE id IN (${rows.map(() => '?').join(', ')})`, [
      ...rows.map((r) => r.id),
    ]);
    return rows.length;
  }

  async list(scope: AccessScope, filter: RequestLogFilter, page: PageRequest): Promise<Page<RequestLogEntry>> {
    const qb = applyScope(this.uow.manager().getRepository(RequestLogEntity).createQueryBuilder('r'), 'r', scope);
    if (filter.accountId) qb.andWhere('r.account_id = :accountId', { accountId: filter.accountId });
    if (filter.credentialId) qb.andWhere('r.credential_id = :credentialId', { credentialId: filter.credentialId });
    if (filter.channel) qb.andWhere('r.channel = :channel', { channel: filter.channel });
    if (filter.outcome) qb.andWhere('r.outcome = :outcome', { outcome: filter.outcome });
    if (filter.from) qb.andWhere('r.at >= :from', { from: filter.from.getTime() });
    if (filter.to) qb.andWhere('r.at < :to', { to: filter.to.getTime() });
    const rows = await applyPage(qb, 'r', page).getMany();
    return toPage(
      rows.map((r) => ({
        ...r,
        channel: r.channel as RequestLogEntry['channel'],
        operation: r.operation as RequestLogEntry['operation'],
        outcome: r.outcome as RequestLogEntry['outcome'],
      })),
      page.limit,
    );
  }
}

export class TypeOrmAuditLogRepository implements AuditLogRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.uow
      .manager()
      .getRepository(AuditLogEntity)
      .insert({ ...entry });
  }

  insertMany(entries: AuditEntry[]): Promise<void> {
    return bulkInsert(this.uow, AuditLogEntity, entries as AuditLogEntity[]);
  }

  async list(scope: AccessScope, filter: AuditLogFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    const qb = applyScope(this.uow.manager().getRepository(AuditLogEntity).createQueryBuilder('l'), 'l', scope);
    if (filter.accountId) qb.andWhere('l.account_id = :accountId', { accountId: filter.accountId });
    if (filter.targetId) qb.andWhere('l.target_id = :targetId', { targetId: filter.targetId });
    if (filter.action) qb.andWhere('l.action = :action', { action: filter.action });
    if (filter.from) qb.andWhere('l.at >= :from', { from: filter.from.getTime() });
    if (filter.to) qb.andWhere('l.at < :to', { to: filter.to.getTime() });
    const rows = await applyPage(qb, 'l', page).getMany();
    return toPage(
      rows.map((r) => ({
        ...r,
        actorType: r.actorType as AuditEntry['actorType'],
        targetType: r.targetType as AuditEntry['targetType'],
        details: r.details as Record<string, unknown>,
      })),
      page.limit,
    );
  }
}

import { EntityManager, LessThanOrEqual, Raw } from 'typeorm';
import {
  AccessScope,
  Channel,
  Page,
  PageRequest,
  PostbackDelivery,
  PostbackRepository,
  Submission,
  SubmissionListFilter,
  SubmissionRepository,
  SubmissionStatus,
  toPage,
} from '@gatehouse/core';
import { PostbackDeliveryEntity, SubmissionEntity } from '../entities/submission.entity';
import { GroupCommit } from '../group-commit';
import { chunked } from '../sql-limits';
import { TypeOrmUnitOfWork } from '../unit-of-work.typeorm';
import { applyPage, applyScope } from './query-helpers';

export class TypeOrmSubmissionRepository implements SubmissionRepository {
  /** Channel submits are the hottest write: concurrent ones share one transaction. */
  private readonly inserts: GroupCommit<{ submission: Submission; events: PostbackDelivery[] }>;

  constructor(private readonly uow: TypeOrmUnitOfWork) {
    this.inserts = new GroupCommit(
      (batch) => this.uow.transaction(() => this.insertNow(batch)),
      (fn) => this.uow.detach(fn),
    );
  }

  private get repo() {
    return this.uow.manager().getRepository(SubmissionEntity);
  }

  insert(submission: Submission, events: PostbackDelivery[]): Promise<void> {
    // Inside a caller's transaction the row belongs to it: written there, committed or rolled
    // back with it. Otherwise it joins the next group commit.
    if (this.uow.inTransaction()) return this.insertNow([{ submission, events }]);
    return this.inserts.write({ submission, events });
  }

  async insertMany(rows: { submission: Submission; events: PostbackDelivery[] }[]): Promise<void> {
    await this.uow.transaction(() => this.insertNow(rows));
  }

  async existingIds(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const chunk of chunked(ids)) {
      const rows = await this.uow.sql<{ id: string }>(
        `SELECT id FROM submissions WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      found.push(...rows.map((r) => r.id));
    }
    return found;
  }

  /** Plain prepared INSERTs, not the query builder. */
  private async insertNow(batch: { submission: Submission; events: PostbackDelivery[] }[]): Promise<void> {
    for (const { submission: s, events } of batch) {
      await this.uow.sql(SUBMISSION_INSERT, [
        s.id,
        s.accountId,
        s.tenantId,
        s.credentialId,
        s.channel,
        JSON.stringify(s.to),
        s.body,
        JSON.stringify(s.groups),
        s.status,
        s.detail,
        s.createdAt.getTime(),
        s.updatedAt.getTime(),
      ]);
      for (const d of events) await insertDelivery(this.uow.manager(), d);
    }
  }

  /**
   * Hot path of `GET /rest/v1/messages/:id`: one prepared statement, no query builder or entity
   * hydration (which cost more than the rest of the request together).
   */
  async findById(scope: AccessScope, id: string): Promise<Submission | null> {
    const [where, params] = scopeClause(scope);
    const rows = await this.uow.sql<SubmissionRow>(
      `SELECT ${SUBMISSION_COLUMNS} FROM submissions WHERE id = ?${where}`,
      [id, ...params],
    );
    return rows.length > 0 ? rowToModel(rows[0]) : null;
  }

  async list(scope: AccessScope, filter: SubmissionListFilter, page: PageRequest): Promise<Page<Submission>> {
    const qb = applyScope(this.repo.createQueryBuilder('s'), 's', scope);
    if (filter.accountId) qb.andWhere('s.account_id = :accountId', { accountId: filter.accountId });
    if (filter.credentialId) qb.andWhere('s.credential_id = :credentialId', { credentialId: filter.credentialId });
    if (filter.channel) qb.andWhere('s.channel = :channel', { channel: filter.channel });
    if (filter.status) qb.andWhere('s.status = :status', { status: filter.status });
    return toPage((await applyPage(qb, 's', page).getMany()).map(toModel), page.limit);
  }

  async finish(id: string, status: SubmissionStatus, detail: string | null, at: Date): Promise<boolean> {
    const result = await this.repo.update({ id, status: 'accepted' }, { status, detail, updatedAt: at });
    return (result.affected ?? 0) === 1;
  }
}

/** A new outbox row: pending, leased by nobody. */
async function insertDelivery(manager: EntityManager, delivery: PostbackDelivery): Promise<void> {
  await manager.getRepository(PostbackDeliveryEntity).insert({ ...delivery, lockedUntil: null });
}

const SUBMISSION_COLUMNS =
  'id, account_id, tenant_id, credential_id, channel, recipients, body, ' +
  '`groups`, status, detail, created_at, updated_at';
const SUBMISSION_INSERT = `INSERT INTO submissions (${SUBMISSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

interface SubmissionRow {
  id: string;
  account_id: string;
  tenant_id: string;
  credential_id: string;
  channel: string;
  recipients: string;
  body: string;
  groups: string;
  status: string;
  detail: string | null;
  created_at: string | number;
  updated_at: string | number;
}

function scopeClause(scope: AccessScope): [string, string[]] {
  switch (scope.type) {
    case 'all':
      return ['', []];
    case 'tenant':
      return [' AND tenant_id = ?', [scope.tenantId]];
    case 'account':
      return [' AND account_id = ?', [scope.accountId]];
  }
}

function rowToModel(r: SubmissionRow): Submission {
  return {
    id: r.id,
    accountId: r.account_id,
    tenantId: r.tenant_id,
    credentialId: r.credential_id,
    channel: r.channel as Channel,
    to: JSON.parse(r.recipients) as string[],
    body: r.body,
    groups: JSON.parse(r.groups) as string[],
    status: r.status as SubmissionStatus,
    detail: r.detail,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

function toModel(e: SubmissionEntity): Submission {
  return {
    id: e.id,
    accountId: e.accountId,
    tenantId: e.tenantId,
    credentialId: e.credentialId,
    channel: e.channel as Channel,
    to: e.to,
    body: e.body,
    groups: e.groups,
    status: e.status as SubmissionStatus,
    detail: e.detail,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export class TypeOrmPostbackRepository implements PostbackRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(PostbackDeliveryEntity);
  }

  async insert(delivery: PostbackDelivery): Promise<void> {
    await insertDelivery(this.uow.manager(), delivery);
  }

  async listForSubmission(submissionId: string): Promise<PostbackDelivery[]> {
    return (await this.repo.find({ where: { submissionId }, order: { id: 'ASC' } })).map(deliveryToModel);
  }

  /**
   * Portable claim without SELECT … FOR UPDATE SKIP LOCKED: read candidates, then take each
   * with a conditional UPDATE of its lease. The UPDATE repeats every condition of the read and
   * pins `attempts` (every attempt's result adds one), so it takes the row only as it was read:
   * a row another node leased meanwhile, or leased, attempted, rescheduled and released again,
   * updates 0 rows. Without that, a node with a stale read re-sent a row another node had just
   * put back with backoff, ahead of its schedule and with backoff computed from the old count.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<PostbackDelivery[]> {
    const candidates = await this.repo.find({
      where: {
        status: 'pending',
        nextAttemptAt: LessThanOrEqual(now),
        // Raw: TypeORM does not run the epoch-ms transformer on operators nested in Or(), so a
        // Date there never matched a BIGINT on MySQL (expired leases were not reclaimed).
        lockedUntil: Raw((col) => `(${col} IS NULL OR ${col} < :now)`, { now: now.getTime() }),
      },
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
    const claimed: PostbackDelivery[] = [];
    const leaseUntil = new Date(now.getTime() + leaseMs);
    for (const row of candidates) {
      const result = await this.repo
        .createQueryBuilder()
        .update()
        .set({ lockedUntil: leaseUntil })
        .where('id = :id', { id: row.id })
        .andWhere('status = :pending', { pending: 'pending' })
        .andWhere('attempts = :attempts', { attempts: row.attempts })
        .andWhere('next_attempt_at <= :now', { now: now.getTime() })
        .andWhere('(locked_until IS NULL OR locked_until < :now)', { now: now.getTime() })
        .execute();
      if ((result.affected ?? 0) === 1) claimed.push(deliveryToModel(row));
    }
    return claimed;
  }

  async markDelivered(id: string, at: Date, result: string): Promise<void> {
    await this.repo.update(
      { id },
      {
        status: 'delivered',
        deliveredAt: at,
        lastAttemptAt: at,
        lastResult: result,
        lockedUntil: null,
        attempts: () => 'attempts + 1',
      },
    );
  }

  async markRetry(id: string, at: Date, result: string, nextAttemptAt: Date): Promise<void> {
    await this.repo.update(
      { id },
      {
        lastAttemptAt: at,
        lastResult: result.slice(0, 200),
        nextAttemptAt,
        lockedUntil: null,
        attempts: () => 'attempts + 1',
      },
    );
  }

  async markFailed(id: string, at: Date, result: string): Promise<void> {
    await this.repo.update(
      { id },
      {
        status: 'failed',
        lastAttemptAt: at,
        lastResult: result.slice(0, 200),
        lockedUntil: null,
        attempts: () => 'attempts + 1',
      },
    );
  }
}

function deliveryToModel(e: PostbackDeliveryEntity): PostbackDelivery {
  return {
    id: e.id,
    submissionId: e.submissionId,
    credentialId: e.credentialId,
    accountId: e.accountId,
    tenantId: e.tenantId,
    event: e.event as PostbackDelivery['event'],
    url: e.url,
    payload: e.payload,
    status: e.status as PostbackDelivery['status'],
    attempts: e.attempts,
    nextAttemptAt: e.nextAttemptAt,
    lastAttemptAt: e.lastAttemptAt,
    lastResult: e.lastResult,
    deliveredAt: e.deliveredAt,
    createdAt: e.createdAt,
  };
}

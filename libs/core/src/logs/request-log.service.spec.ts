import { Logger } from '@nestjs/common';
import { RequestLogEntry, RequestLogRepository, RequestOperation } from './request-log';
import { REQUEST_LOG_BATCH, REQUEST_LOG_MAX_QUEUE, RequestLogService } from './request-log.service';

class FakeRepository implements RequestLogRepository {
  readonly written: RequestLogEntry[] = [];
  readonly batchSizes: number[] = [];
  failing = false;

  insertMany(entries: RequestLogEntry[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('database unavailable'));
    this.batchSizes.push(entries.length);
    // Copies, as a database keeps what it was given: later changes to a queued row are not in it.
    this.written.push(...entries.map((e) => ({ ...e })));
    return Promise.resolve();
  }

  readonly countUpdates: Map<string, number>[] = [];
  updateCounts(counts: Map<string, number>): Promise<void> {
    if (this.failing) return Promise.reject(new Error('database unavailable'));
    this.countUpdates.push(new Map(counts));
    for (const [id, count] of counts) {
      const row = this.written.find((r) => r.id === id);
      if (row) row.count = count;
    }
    return Promise.resolve();
  }

  deleteOlderThan(): never {
    throw new Error('not used');
  }

  list(): never {
    throw new Error('not used');
  }
}

const entry = (operation: string) => ({
  channel: 'rest' as const,
  // Any text: the writer stores what it is given; the vocabulary is checked where rows are made.
  operation: operation as RequestOperation,
  credentialId: 'cred-1',
  accountId: 'acct-1',
  tenantId: 'acct-1',
  username: 'u'.repeat(100),
  peer: '192.0.2.1',
  outcome: 'ok' as const,
  status: '200',
  durationMs: 1,
});

describe('RequestLogService', () => {
  let repo: FakeRepository;
  let service: RequestLogService;

  beforeEach(() => {
    repo = new FakeRepository();
    service = new RequestLogService(repo);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('queues rows and writes them in order, in batches, on flush', async () => {
    for (let i = 0; i < REQUEST_LOG_BATCH + 3; i++) service.record(entry(`op-${i}`));
    expect(repo.written).toHaveLength(0); // record never touches the database
    await service.flush();
    expect(repo.batchSizes).toEqual([REQUEST_LOG_BATCH, 3]);
    expect(repo.written.map((e) => e.operation)).toEqual(
      Array.from({ length: REQUEST_LOG_BATCH + 3 }, (_, i) => `op-${i}`),
    );
    expect(new Set(repo.written.map((e) => e.id)).size).toBe(REQUEST_LOG_BATCH + 3);
    expect(repo.written[0].username).toHaveLength(64);
  });

  it('keeps rows whose write failed and writes them, first, once the database is back', async () => {
    service.record(entry('first'));
    repo.failing = true;
    await service.flush();
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('1 rows kept for retry'));
    service.record(entry('second'));
    repo.failing = false;
    await service.flush();
    expect(repo.written.map((e) => e.operation)).toEqual(['first', 'second']);
  });

  it('past the queue limit drops the oldest rows, says how many, and keeps the newest', async () => {
    repo.failing = true;
    for (let i = 0; i < REQUEST_LOG_MAX_QUEUE + 1; i++) service.record(entry(`op-${i}`));
    repo.failing = false;
    await service.flush();
    const dropped = Math.ceil(REQUEST_LOG_MAX_QUEUE / 10);
    expect(repo.written).toHaveLength(REQUEST_LOG_MAX_QUEUE + 1 - dropped);
    expect(repo.written[0].operation).toBe(`op-${dropped}`);
    expect(repo.written.at(-1)?.operation).toBe(`op-${REQUEST_LOG_MAX_QUEUE}`);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(`request log queue overflowed; ${dropped} rows dropped`);
  });

  it('says how many rows wait to be written, the batch being written included (a metrics gauge)', async () => {
    for (let i = 0; i < REQUEST_LOG_BATCH + 3; i++) service.record(entry(`op-${i}`));
    expect(service.pending()).toBe(REQUEST_LOG_BATCH + 3);
    let release!: () => void;
    const insertMany = repo.insertMany.bind(repo);
    jest.spyOn(repo, 'insertMany').mockImplementationOnce(async (rows) => {
      await new Promise<void>((resolve) => (release = resolve));
      return insertMany(rows);
    });
    const flushing = service.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.pending()).toBe(REQUEST_LOG_BATCH + 3); // one batch in flight, three queued
    release();
    await flushing;
    expect(service.pending()).toBe(0);
    repo.failing = true;
    service.record(entry('kept'));
    await service.flush();
    expect(service.pending()).toBe(1); // a failed write keeps its rows
  });

  it('shutdown writes whatever is still queued', async () => {
    service.onModuleInit();
    service.record(entry('last words'));
    await service.onApplicationShutdown();
    expect(repo.written.map((e) => e.operation)).toEqual(['last words']);
  });

  describe('folded refusals (a banned subject)', () => {
    afterEach(() => jest.useRealTimers());

    it('one row per subject per minute, counting every refusal, also after the row was written', async () => {
      jest.useFakeTimers({ now: 1_800_000_000_000, doNotFake: ['setImmediate', 'nextTick'] });
      for (let i = 0; i < 5; i++) service.recordFolded('ip:192.0.2.1', entry('banned'));
      service.recordFolded('ip:192.0.2.2', entry('banned'));
      await service.flush();
      // Two subjects, two rows; the first stands for its five refusals.
      expect(repo.written.map((r) => r.count)).toEqual([5, 1]);

      // Still inside the minute: the written row's count is updated, no new row.
      jest.advanceTimersByTime(59_000);
      service.recordFolded('ip:192.0.2.1', entry('banned'));
      service.recordFolded('ip:192.0.2.1', entry('banned'));
      await service.flush();
      expect(repo.written).toHaveLength(2);
      expect(repo.written[0].count).toBe(7);

      // A minute after its first refusal the subject starts a new row.
      jest.advanceTimersByTime(1_001);
      service.recordFolded('ip:192.0.2.1', entry('banned'));
      await service.flush();
      expect(repo.written.map((r) => r.count)).toEqual([7, 1, 1]);
    });

    it('a count raised while its row is being written is not lost', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const insert = repo.insertMany.bind(repo);
      jest.spyOn(repo, 'insertMany').mockImplementationOnce(async (rows) => {
        await insert(rows); // the database has the row with the count it was sent…
        await gate; // …and the commit has not returned yet
      });
      service.recordFolded('ip:192.0.2.9', entry('banned'));
      const flushing = service.flush();
      await new Promise((resolve) => setImmediate(resolve));
      service.recordFolded('ip:192.0.2.9', entry('banned'));
      service.recordFolded('ip:192.0.2.9', entry('banned'));
      release();
      await flushing;
      await service.flush();
      expect(repo.written).toHaveLength(1);
      expect(repo.written[0].count).toBe(3);
    });
  });
});

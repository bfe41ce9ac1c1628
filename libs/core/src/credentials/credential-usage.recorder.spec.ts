import { Logger } from '@nestjs/common';
import { credentialRepositoryMock } from '../testing';
import { CredentialUsageRecorder, MAX_PENDING_USES } from './credential-usage.recorder';

describe('CredentialUsageRecorder', () => {
  let repo: ReturnType<typeof credentialRepositoryMock>;
  let recorder: CredentialUsageRecorder;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    repo = credentialRepositoryMock();
    recorder = new CredentialUsageRecorder(repo);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  /** The ids written so far, in order, each with the time it was written as. */
  const written = () =>
    repo.touchLastUsed.mock.calls.flatMap(([ids, at]) => ids.map((id): [string, number] => [id, at.getTime()]));

  it('writes each used credential once per flush, all in one call (the repository batches)', async () => {
    const ids = Array.from({ length: 1_201 }, (_, i) => `cred-${i}`);
    for (const id of ids) recorder.used(id);
    recorder.used('cred-0'); // twice: still one row
    await recorder.flush();
    expect(repo.touchLastUsed).toHaveBeenCalledTimes(1);
    expect(repo.touchLastUsed.mock.calls[0][0]).toEqual(ids);

    await recorder.flush(); // nothing new: no write
    expect(repo.touchLastUsed).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs a failed write without the ids and retries them, with their first time, on the next flush', async () => {
    jest.useFakeTimers({ now: 1_800_000_000_000 });
    repo.touchLastUsed.mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    recorder.used('cred-a');
    recorder.used('cred-b');
    await recorder.flush();
    const firstTry = Date.now();
    expect(warn).toHaveBeenCalledTimes(1);
    const [message] = warn.mock.calls[0] as [string];
    expect(message).toContain('SQLITE_BUSY: database is locked');
    expect(message).toContain('2 credentials kept for the next flush');
    expect(message).not.toMatch(/cred-/);

    jest.advanceTimersByTime(5_000);
    recorder.used('cred-c');
    recorder.used('cred-b'); // used again after the failure: its newer use wins
    await recorder.flush();
    // Tried 3 times: the failure, the retry of cred-a at its first time, the rest at the new time.
    expect(repo.touchLastUsed).toHaveBeenCalledTimes(3);
    expect(new Map(written().slice(2))).toEqual(
      new Map([
        ['cred-a', firstTry],
        ['cred-b', firstTry + 5_000],
        ['cred-c', firstTry + 5_000],
      ]),
    );

    await recorder.flush(); // all written: nothing pending
    expect(repo.touchLastUsed).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('while the database stays down, keeps at most MAX_PENDING_USES credentials and counts the rest', async () => {
    repo.touchLastUsed.mockRejectedValue(new Error('connect ECONNREFUSED'));
    for (let i = 0; i < MAX_PENDING_USES; i++) recorder.used(`cred-${i}`);
    await recorder.flush();
    for (let i = 0; i < 5; i++) recorder.used(`late-${i}`); // past the cap: dropped
    recorder.used('cred-0'); // already pending: not a drop
    await recorder.flush();
    expect(warn).toHaveBeenLastCalledWith(
      `credential usage write failed (connect ECONNREFUSED); ${MAX_PENDING_USES} credentials kept for the next ` +
        `flush; 5 uses dropped while ${MAX_PENDING_USES} credentials were pending`,
    );

    repo.touchLastUsed.mockReset().mockResolvedValue(undefined);
    await recorder.flush();
    const ids = repo.touchLastUsed.mock.calls.flatMap(([chunk]) => chunk);
    expect(ids).toHaveLength(MAX_PENDING_USES);
    expect(new Set(ids).size).toBe(MAX_PENDING_USES);
    expect(ids.some((id) => id.startsWith('late-'))).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2); // the drops were reported once, with the failure

    recorder.used('late-0'); // room again once written
    await recorder.flush();
    expect(repo.touchLastUsed).toHaveBeenLastCalledWith(['late-0'], expect.any(Date));
  });

  it('a flush while another is writing waits for it instead of writing the same ids again', async () => {
    let release!: () => void;
    repo.touchLastUsed.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));
    recorder.used('cred-a');
    const timerFlush = recorder.flush();
    const shutdownFlush = recorder.onApplicationShutdown();
    release();
    await Promise.all([timerFlush, shutdownFlush]);
    expect(repo.touchLastUsed).toHaveBeenCalledTimes(1);
  });
});

import { CredentialRepository } from './credential.repository';
import { CredentialUsageRecorder } from './credential-usage.recorder';

describe('CredentialUsageRecorder', () => {
  it('writes each used credential once per flush, at most 500 ids per statement', async () => {
    const touchLastUsed = jest.fn<Promise<void>, [string[], Date]>().mockResolvedValue(undefined);
    const recorder = new CredentialUsageRecorder({ touchLastUsed } as unknown as CredentialRepository);
    const ids = Array.from({ length: 1_201 }, (_, i) => `cred-${i}`);
    for (const id of ids) recorder.used(id);
    recorder.used('cred-0'); // twice: still one row
    await recorder.flush();
    expect(touchLastUsed.mock.calls.map(([chunk]) => chunk.length)).toEqual([500, 500, 201]);
    expect(touchLastUsed.mock.calls.flatMap(([chunk]) => chunk)).toEqual(ids);
    const stamps = new Set(touchLastUsed.mock.calls.map(([, at]) => at.getTime()));
    expect(stamps.size).toBe(1);

    await recorder.flush(); // nothing new: no write
    expect(touchLastUsed).toHaveBeenCalledTimes(3);
  });
});

import type { AuthenticatedCredential } from '../auth/authenticated-credential';
import type { Channel } from '../channels/channel';
import type { GroupService } from '../groups/group.service';
import { credentialRepositoryMock, passThroughUnitOfWork } from '../testing';
import type { PostbackOutbox } from './postback-outbox';
import type { Submission } from './submission.model';
import type { SubmissionRepository } from './submission.repository';
import { SubmissionService } from './submission.service';

/** Submissions in memory; an insert naming a stored id, or a body of "refuse me", fails as a database would. */
class MemorySubmissions implements Pick<SubmissionRepository, 'insert' | 'insertMany' | 'existingIds'> {
  readonly rows = new Map<string, Submission>();
  insert(submission: Submission): Promise<void> {
    return this.insertMany([{ submission }]);
  }
  insertMany(rows: { submission: Submission }[]): Promise<void> {
    if (rows.some((r) => this.rows.has(r.submission.id) || r.submission.body === 'refuse me')) {
      return Promise.reject(new Error('constraint failed'));
    }
    for (const { submission } of rows) this.rows.set(submission.id, submission);
    return Promise.resolve();
  }
  existingIds(ids: string[]): Promise<string[]> {
    return Promise.resolve(ids.filter((id) => this.rows.has(id)));
  }
}

describe('SubmissionService metrics', () => {
  const key = {
    credentialId: 'cred-1',
    accountId: 'acct-1',
    tenantId: 'acct-1',
    channel: 'ftp',
    username: 'batch',
    offTheRecord: false,
    scope: 'all',
    groups: [],
    postbackUrl: null,
  } as unknown as AuthenticatedCredential;

  function setup() {
    const counted: [Channel, number][] = [];
    const repo = new MemorySubmissions();
    const service = new SubmissionService(
      repo as unknown as SubmissionRepository,
      credentialRepositoryMock(),
      passThroughUnitOfWork(),
      { resolve: () => Promise.resolve([]) } as unknown as GroupService,
      { wake: () => undefined } as unknown as PostbackOutbox,
      { submitted: (channel, count) => counted.push([channel, count]) },
    );
    return { service, repo, counted };
  }

  it('counts each stored submission by channel, and nothing that was refused', async () => {
    const { service, counted } = setup();
    await service.submit(key, { to: ['+447700900123'], body: 'hello' });
    await expect(service.submit(key, { to: ['not a number'], body: 'hello' })).rejects.toThrow();
    await expect(service.submit(key, { to: ['+447700900123'], body: 'refuse me' })).rejects.toThrow();
    expect(counted).toEqual([['ftp', 1]]);
  });

  it('a batch counts the rows it stored: not the refused, the already stored, nor those the database refused', async () => {
    const { service, counted } = setup();
    await service.submitBatch(key, [{ to: ['+447700900123'], body: 'row 1', id: 'row-1' }]);
    const results = await service.submitBatch(key, [
      { to: ['+447700900123'], body: 'row 1', id: 'row-1' }, // stored by the batch before
      { to: ['+447700900124'], body: 'row 2', id: 'row-2' },
      { to: ['not a number'], body: 'row 3' }, // invalid
      { to: ['+447700900125'], body: 'refuse me' }, // the database refuses it: the chunk goes row by row
      { to: ['+447700900126'], body: 'row 5' },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, true]);
    expect(counted).toEqual([
      ['ftp', 1],
      ['ftp', 2],
    ]);
  });
});

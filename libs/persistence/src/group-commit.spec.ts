import { GroupCommit } from './group-commit';

/** A commit takes at least a turn of the event loop, as a real one does. */
const commitTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('commits the writes of one event-loop turn together, and resolves each only after that commit', async () => {
    const commits: number[][] = [];
    let committed = false;
    const group = new GroupCommit<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      commits.push(items);
      committed = true;
    });
    const resolvedBeforeCommit: boolean[] = [];
    await Promise.all([1, 2, 3].map((n) => group.write(n).then(() => resolvedBeforeCommit.push(!committed))));
    expect(commits).toEqual([[1, 2, 3]]);
    expect(resolvedBeforeCommit).toEqual([false, false, false]);
  });

  it('keeps one commit in flight; writes arriving meanwhile form the next batch', async () => {
    const commits: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const group = new GroupCommit<number>(async (items) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      commits.push(items);
      inFlight--;
    });
    const first = group.write(1);
    await new Promise((r) => setTimeout(r, 2)); // the first commit is now in flight
    await Promise.all([first, group.write(2), group.write(3)]);
    expect(commits).toEqual([[1], [2, 3]]);
    expect(maxInFlight).toBe(1);
  });

  it('splits batches at maxBatch', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        await commitTurn();
        sizes.push(items.length);
      },
      undefined,
      2,
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => group.write(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('when a batch fails, retries each write alone so only the bad one fails', async () => {
    const committed: number[] = [];
    const group = new GroupCommit<number>(async (items) => {
      await commitTurn();
      if (items.includes(13)) throw new Error('row 13 violates a constraint');
      committed.push(...items);
    });
    const results = await Promise.allSettled([12, 13, 14].map((n) => group.write(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('row 13 violates a constraint'));
    expect(committed).toEqual([12, 14]);
  });

  it('a lone failing write rejects once, and later writes still commit', async () => {
    let calls = 0;
    const group = new GroupCommit<string>(async (items) => {
      await commitTurn();
      calls++;
      if (items[0] === 'bad') throw new Error('nope');
    });
    await expect(group.write('bad')).rejects.toThrow('nope');
    expect(calls).toBe(1);
    await expect(group.write('good')).resolves.toBeUndefined();
  });

  it('schedules every batch through detach', async () => {
    const detach = jest.fn((fn: () => void) => fn());
    const group = new GroupCommit<number>(commitTurn, detach);
    await Promise.all([group.write(1), group.write(2)]);
    await group.write(3);
    expect(detach).toHaveBeenCalledTimes(2);
  });
});

import { DataSource } from 'typeorm';
import { Authenticator, SubmissionService, UNIT_OF_WORK, UnitOfWork } from '@gatehouse/core';
import { createCredential, createMaster } from '../support/factories';
import { TestApp, startTestApp } from '../support/test-app';
import { TypeOrmUnitOfWork } from '@gatehouse/persistence';

/**
 * Units of work that nest (issue 9): a transaction opened inside another is part of it, on SQLite
 * and on MySQL/MariaDB alike; nothing hangs, and a rollback takes the nested writes with it.
 */
describe('transactions', () => {
  let t: TestApp;
  let uow: UnitOfWork;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    uow = t.app.get(UNIT_OF_WORK);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Fails the test instead of hanging it: a deadlock shows as a rejection with a name. */
  const within = async <T>(label: string, work: Promise<T>, ms = 10_000): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: did not finish in ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  const settingsRow = (key: string) =>
    db.query<{ value: string }[]>('SELECT value FROM settings WHERE `key` = ?', [key]).then((r) => r[0]?.value);
  /** A write through the unit of work's current manager, as repositories make them. */
  const write = async (key: string, value: string): Promise<void> => {
    await t.app
      .get(TypeOrmUnitOfWork)
      .manager()
      .query('INSERT INTO settings (`key`, value) VALUES (?, ?)', [key, value]);
  };

  it('a nested unit of work joins the open one and commits with it', async () => {
    const tag = `tx-${Date.now()}-a`;
    await within(
      'nested commit',
      uow.transaction(async () => {
        await write(`${tag}-outer`, '1');
        await uow.transaction(() => write(`${tag}-inner`, '2'));
      }),
    );
    expect(await settingsRow(`${tag}-outer`)).toBe('1');
    expect(await settingsRow(`${tag}-inner`)).toBe('2');
  });

  it('an outer rollback takes the nested writes with it', async () => {
    const tag = `tx-${Date.now()}-b`;
    await expect(
      within(
        'outer rollback',
        uow.transaction(async () => {
          await write(`${tag}-outer`, '1');
          await uow.transaction(() => write(`${tag}-inner`, '2'));
          throw new Error('outer fails after the nested one committed to it');
        }),
      ),
    ).rejects.toThrow('outer fails');
    expect(await settingsRow(`${tag}-outer`)).toBeUndefined();
    expect(await settingsRow(`${tag}-inner`)).toBeUndefined();
  });

  it('a nested failure rolls back only the nested writes (a savepoint)', async () => {
    const tag = `tx-${Date.now()}-c`;
    await within(
      'nested rollback',
      uow.transaction(async () => {
        await write(`${tag}-outer`, '1');
        await uow
          .transaction(async () => {
            await write(`${tag}-inner`, '2');
            throw new Error('nested fails');
          })
          .catch(() => undefined);
        await write(`${tag}-after`, '3');
      }),
    );
    expect(await settingsRow(`${tag}-outer`)).toBe('1');
    expect(await settingsRow(`${tag}-inner`)).toBeUndefined();
    expect(await settingsRow(`${tag}-after`)).toBe('3');
  });

  it('a submission made inside a transaction is written in it (no group commit escape, no hang)', async () => {
    const account = await createMaster(t);
    const cred = await createCredential(t, account.id, { channel: 'rest' });
    const key = await t.app.get(Authenticator).authenticate({
      channel: 'rest',
      username: null,
      secret: cred.secret,
      peer: '127.0.0.1',
      operation: 'admin.verify',
    });
    if (!key.ok) throw new Error('the key should authenticate');
    const submissions = t.app.get(SubmissionService);

    let kept = '';
    await within(
      'submit in a committed transaction',
      uow.transaction(async () => {
        kept = (await submissions.submit(key.credential, { to: ['+447700900123'], body: 'kept' })).id;
        const batch = await submissions.submitBatch(key.credential, [
          { to: ['+447700900124'], body: 'batch kept' },
          { to: ['not a number'], body: 'refused row' },
        ]);
        expect(batch.map((r) => r.ok)).toEqual([true, false]);
      }),
    );
    await t.http.get(`/admin/v1/submissions/${kept}`).set(t.auth()).expect(200);

    let dropped = '';
    await expect(
      within(
        'submit in a rolled back transaction',
        uow.transaction(async () => {
          dropped = (await submissions.submit(key.credential, { to: ['+447700900125'], body: 'dropped' })).id;
          throw new Error('roll back');
        }),
      ),
    ).rejects.toThrow('roll back');
    await t.http.get(`/admin/v1/submissions/${dropped}`).set(t.auth()).expect(404);

    // And the process still writes afterwards.
    await within(
      'later writes',
      t.http
        .post('/rest/v1/messages')
        .set('Authorization', `Bearer ${cred.secret}`)
        .send({ to: ['+447700900126'], body: 'after' })
        .expect(202),
    );
  });

  it('an unrelated transaction waits for the open one instead of joining it', async () => {
    const tag = `tx-${Date.now()}-d`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = uow.transaction(async () => {
      await write(`${tag}-first`, '1');
      await gate;
      throw new Error('first rolls back');
    });
    // Started from outside the first one's async context.
    const second = uow.transaction(() => write(`${tag}-second`, '2'));
    setTimeout(release, 50);
    await expect(within('first', first)).rejects.toThrow('first rolls back');
    await within('second', second);
    expect(await settingsRow(`${tag}-first`)).toBeUndefined();
    expect(await settingsRow(`${tag}-second`)).toBe('2');
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  ACCOUNT_TREES,
  AccountTreeJanitor,
  AccountTrees,
  BATCH_FILES,
  BatchFiles,
  WORK_DIR,
  batchRowId,
} from '@gatehouse/channels/files';
import { AuthenticatedCredential, ChannelGate, SubmissionService, newId } from '@gatehouse/core';
import { IssuedCredential, createCredential, createMaster, listAll } from '../support/factories';
import { startFilesTestApp } from '../support/files-test-app';
import { eventually } from '../support/ssh-tools';
import { TestApp } from '../support/test-app';

/**
 * Batch files end to end (issue 10, item 4), on the real app and database: an upload through the
 * listeners' contract (`AccountTrees.resolve` + `BatchFiles.beginUpload` + `complete()`) with a
 * real FTP credential becomes submissions the admin API lists, a report in /reports/, the file in
 * /processed/ and one `file.batch` request-log row; a batch left claimed by a crashed process is
 * finished at the next start without storing a row twice. The database may be shared with other
 * suites: everything read back is filtered by this test's own credential.
 */
describe('file channel: batch files', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startFilesTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function ftpLogin(cred: IssuedCredential): Promise<AuthenticatedCredential> {
    const admission = await t.app.get(ChannelGate).admit({
      channel: 'ftp',
      username: cred.username,
      secret: cred.secret,
      peer: '127.0.0.1',
      operation: 'ftp.login',
      refusalStatus: () => '530',
    });
    if (!admission.ok) throw new Error(`login refused: ${admission.refusal.reason}`);
    return admission.key;
  }

  async function upload(key: AuthenticatedCredential, name: string, content: string): Promise<void> {
    const trees = t.app.get<AccountTrees>(ACCOUNT_TREES);
    const target = await trees.resolve(key.accountId, name, 'write', '/outbox');
    const up = await t.app.get<BatchFiles>(BATCH_FILES).beginUpload(key, target, '127.0.0.1');
    fs.writeFileSync(up.tempPath, content);
    await up.complete();
  }

  const treeOf = (accountId: string) => path.join(t.dataDir, 'trees', accountId);
  const readReport = (accountId: string, name: string) =>
    parse<Record<string, string>>(fs.readFileSync(path.join(treeOf(accountId), 'reports', `${name}.report.csv`)), {
      columns: true,
      bom: true,
    });

  it('an uploaded CSV becomes submissions, a report, a processed file and one request-log row', async () => {
    const account = await createMaster(t);
    const cred = await createCredential(t, account.id, { channel: 'ftp' });
    const key = await ftpLogin(cred);
    const csv =
      '\uFEFFto,body\r\n' +
      '+447700900101,"Hello, batch"\r\n' +
      '+447700900102;+447700900103,"two\nlines"\r\n' +
      'not-a-number!,refused\r\n';
    await upload(key, 'nightly.csv', csv);
    await t.app.get<BatchFiles>(BATCH_FILES).drain();

    const { rows } = await listAll(t, '/admin/v1/submissions', { credentialId: cred.id });
    expect(rows).toHaveLength(2);
    const report = readReport(account.id, 'nightly.csv');
    expect(report.map((l) => [l.row, l.status])).toEqual([
      ['1', 'accepted'],
      ['2', 'accepted'],
      ['3', 'refused'],
    ]);
    expect(report[2].error).toMatch(/^validation_failed: to: not a recipient/);
    expect(rows.map((r) => r.id).sort()).toEqual([report[0].submission_id, report[1].submission_id].sort());
    const second = rows.find((r) => r.id === report[1].submission_id)!;
    expect(second).toMatchObject({
      accountId: account.id,
      credentialId: cred.id,
      channel: 'ftp',
      to: ['+447700900102', '+447700900103'],
      body: 'two\nlines',
      status: 'accepted',
    });

    expect(fs.readdirSync(path.join(treeOf(account.id), 'outbox'))).toEqual([]);
    expect(fs.readdirSync(path.join(treeOf(account.id), 'processed'))).toEqual(['nightly.csv']);
    expect(fs.readdirSync(path.join(treeOf(account.id), 'reports'))).toEqual(['nightly.csv.report.csv']);

    await t.flushLogs();
    const log = await listAll(t, '/admin/v1/request-log', { credentialId: cred.id });
    const batches = log.rows.filter((r) => r.operation === 'file.batch');
    expect(batches).toEqual([
      expect.objectContaining({
        channel: 'ftp',
        credentialId: cred.id,
        accountId: account.id,
        peer: '127.0.0.1',
        status: '207',
        outcome: 'ok',
      }),
    ]);
  });

  it('another account’s tree is out of reach, and a file that is not a batch stays in /outbox/', async () => {
    const a = await createMaster(t);
    const b = await createMaster(t);
    const key = await ftpLogin(await createCredential(t, a.id, { channel: 'ftp' }));
    const trees = t.app.get<AccountTrees>(ACCOUNT_TREES);
    await trees.ensure(b.id);
    await expect(trees.resolve(a.id, `../../${b.id}/outbox/x.csv`, 'write', '/outbox')).rejects.toMatchObject({
      refusal: 'outside_tree',
    });
    await upload(key, 'readme.txt', 'to,body\n+447700900101,x\n');
    await t.app.get<BatchFiles>(BATCH_FILES).drain();
    expect(fs.readdirSync(path.join(treeOf(a.id), 'outbox'))).toEqual(['readme.txt']);
    const { rows } = await listAll(t, '/admin/v1/submissions', { accountId: a.id });
    expect(rows).toEqual([]);
  });

  it('deleting an account deletes its tree and work dir; another account’s files stay', async () => {
    const gone = await createMaster(t);
    const kept = await createMaster(t);
    await upload(
      await ftpLogin(await createCredential(t, gone.id, { channel: 'ftp' })),
      'a.csv',
      'to,body\n+447700900101,x\n',
    );
    await upload(
      await ftpLogin(await createCredential(t, kept.id, { channel: 'ftp' })),
      'b.csv',
      'to,body\n+447700900101,x\n',
    );
    await t.app.get<BatchFiles>(BATCH_FILES).drain();
    const workOf = (accountId: string) => path.join(t.dataDir, 'trees', WORK_DIR, accountId);
    expect(fs.existsSync(treeOf(gone.id))).toBe(true);
    expect(fs.existsSync(workOf(gone.id))).toBe(true);

    await t.http.delete(`/admin/v1/accounts/${gone.id}`).set(t.auth()).expect(204);
    // The change notifier may deliver later (Redis): wait for the event, then for the removal.
    await eventually(async () => {
      await t.app.get(AccountTreeJanitor).settled();
      return !fs.existsSync(treeOf(gone.id));
    });
    expect(fs.existsSync(treeOf(gone.id))).toBe(false);
    expect(fs.existsSync(workOf(gone.id))).toBe(false);
    expect(fs.readdirSync(path.join(treeOf(kept.id), 'reports'))).toEqual(['b.csv.report.csv']);
  });

  it('a batch a crashed process left claimed is finished at the next start, no row stored twice', async () => {
    const account = await createMaster(t);
    const cred = await createCredential(t, account.id, { channel: 'ftp' });
    const key = await ftpLogin(cred);
    const total = 1200;
    const csv =
      'to,body\n' +
      Array.from({ length: total }, (_, i) => `+4477009${String(i).padStart(5, '0')},row ${i}\n`).join('');

    // What a process that died after storing 700 rows leaves behind (layout: batch-files.ts).
    const claimId = newId();
    const claims = path.join(t.dataDir, 'trees', WORK_DIR, account.id, 'claims');
    await t.app.get<AccountTrees>(ACCOUNT_TREES).ensure(account.id);
    fs.mkdirSync(claims, { recursive: true, mode: 0o700 });
    const meta = {
      v: 1,
      claimId,
      accountId: key.accountId,
      tenantId: key.tenantId,
      credentialId: key.credentialId,
      channel: key.channel,
      username: key.username,
      offTheRecord: false,
      peer: '127.0.0.1',
      name: 'crashed.csv',
      stem: null,
      claimedAt: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(claims, `${claimId}.json`), JSON.stringify(meta), { mode: 0o600 });
    const data = path.join(claims, `${claimId}.${newId()}.data`);
    fs.writeFileSync(data, csv, { mode: 0o600 });
    const longAgo = new Date(Date.now() - 24 * 3600_000); // its owner stopped renewing the lease
    fs.utimesSync(data, longAgo, longAgo);
    const lines = csv.trimEnd().split('\n').slice(1, 701);
    const stored = await t.app.get(SubmissionService).submitBatch(
      key,
      lines.map((line, i) => {
        const [to, body] = line.split(',');
        return { id: batchRowId(claimId, i + 1), to: [to], body };
      }),
    );
    expect(stored.every((r) => r.ok)).toBe(true);

    await t.close({ keepDataDir: true });
    t = await startFilesTestApp({}, { reuse: t });
    await t.app.get<BatchFiles>(BATCH_FILES).drain();

    const { rows } = await listAll(t, '/admin/v1/submissions', { credentialId: cred.id });
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.body)).size).toBe(total);
    const report = readReport(account.id, 'crashed.csv');
    expect(report).toHaveLength(total);
    expect(report.every((l) => l.status === 'accepted')).toBe(true);
    expect(report.map((l) => l.submission_id)).toEqual(
      Array.from({ length: total }, (_, i) => batchRowId(claimId, i + 1)),
    );
    expect(fs.readdirSync(path.join(treeOf(account.id), 'processed'))).toEqual(['crashed.csv']);
    expect(fs.readdirSync(claims)).toEqual([]);
  });
});

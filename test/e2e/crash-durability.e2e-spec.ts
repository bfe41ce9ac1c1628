import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServerProcess } from '../support/server-process';
import { SHARED_DATABASE_PEPPER } from '../support/test-app';

/**
 * `kill -9` loses nothing accepted (DESIGN.md §4, issue 12): a submission is durable before its
 * 202. A real process takes REST submissions from several clients at once and is killed with
 * SIGKILL in the middle of them; after a restart on the same data, every submission that got its
 * 202 is there, with its `submission.accepted` postback still queued.
 */
const ROOT_TOKEN = `root-${randomBytes(24).toString('hex')}`;
const onMysql = /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');

describe('kill -9 during submissions', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-crash-'))));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const env = () => ({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ROOT_TOKEN: ROOT_TOKEN,
    GATEHOUSE_LISTENERS: 'http',
    GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'true',
    ...(onMysql ? { DATABASE_URL: process.env.DATABASE_URL!, GATEHOUSE_PEPPER: SHARED_DATABASE_PEPPER } : {}),
  });

  it('every submission answered 202 before the kill is stored after the restart, with its postback queued', async () => {
    const first = await startServerProcess(env());
    const admin = { Authorization: `Bearer ${ROOT_TOKEN}`, 'Content-Type': 'application/json' };
    const account = (await (
      await fetch(`${first.baseUrl}/admin/v1/accounts`, { method: 'POST', headers: admin, body: '{"name":"crash"}' })
    ).json()) as { account: { id: string } };
    const created = (await (
      await fetch(`${first.baseUrl}/admin/v1/accounts/${account.account.id}/credentials`, {
        method: 'POST',
        headers: admin,
        // Nothing listens there: the postback stays queued, which is what the restart must keep.
        body: JSON.stringify({ channel: 'rest', name: 'k', postbackUrl: 'http://127.0.0.1:9/hook' }),
      })
    ).json()) as { secret: string };
    const key = created.secret;

    const accepted: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${first.baseUrl}/rest/v1/messages`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ to: ['+447700900123'], body: `crash test ${accepted.length}` }),
          });
          const body = (await res.json()) as { id?: string };
          if (res.status === 202 && body.id) accepted.push(body.id);
        } catch {
          return; // the process is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Kill in the middle of the stream, once a good number were answered.
    const deadline = Date.now() + 30_000;
    while (accepted.length < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    first.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    expect(await first.stop()).toBe('SIGKILL');
    expect(accepted.length).toBeGreaterThanOrEqual(200);

    const second = await startServerProcess(env());
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = (await (
          await fetch(
            `${second.baseUrl}/admin/v1/submissions?accountId=${account.account.id}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            { headers: admin },
          )
        ).json()) as { data: { id: string }[]; nextCursor: string | null };
        page.data.forEach((s) => stored.add(s.id));
        cursor = page.nextCursor;
      } while (cursor);
      const lost = accepted.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);

      // The postback of an accepted submission survived too (queued, its target unreachable).
      const one = (await (
        await fetch(`${second.baseUrl}/admin/v1/submissions/${accepted[0]}`, { headers: admin })
      ).json()) as { postbacks: unknown[] };
      expect(one.postbacks).toEqual(
        expect.arrayContaining([expect.objectContaining({ event: 'submission.accepted' })]),
      );
    } finally {
      expect(await second.stop()).toBe('0');
    }
  }, 120_000);
});

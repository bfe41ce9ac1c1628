import { TestApp, unique } from './test-app';

export interface CreatedAccount {
  id: string;
  body: Record<string, unknown>;
}

/** A new master account (root token), never legacy unless asked. */
export async function createMaster(t: TestApp, extra: Record<string, unknown> = {}): Promise<CreatedAccount> {
  const res = await t.http
    .post('/admin/v1/accounts')
    .set(t.auth())
    .send({ name: unique('master'), ...extra })
    .expect(201);
  return { id: res.body.account.id as string, body: res.body as Record<string, unknown> };
}

export async function createSub(t: TestApp, parentId: string, token = t.rootToken): Promise<CreatedAccount> {
  const res = await t.http
    .post('/admin/v1/accounts')
    .set(t.auth(token))
    .send({ name: unique('sub'), parentId })
    .expect(201);
  return { id: res.body.account.id as string, body: res.body as Record<string, unknown> };
}

export async function createAdminToken(t: TestApp, accountId: string): Promise<string> {
  const res = await t.http
    .post(`/admin/v1/accounts/${accountId}/admin-tokens`)
    .set(t.auth())
    .send({ name: 'test token' })
    .expect(201);
  return res.body.token as string;
}

export interface IssuedCredential {
  id: string;
  secret: string;
  username: string;
  body: Record<string, any>;
}

export async function createCredential(
  t: TestApp,
  accountId: string,
  input: Record<string, unknown> = {},
  token = t.rootToken,
): Promise<IssuedCredential> {
  const res = await t.http
    .post(`/admin/v1/accounts/${accountId}/credentials`)
    .set(t.auth(token))
    .send({ channel: 'rest', name: unique('key'), ...input })
    .expect(201);
  return {
    id: res.body.credential.id as string,
    secret: res.body.secret as string,
    username: res.body.credential.username as string,
    body: res.body as Record<string, any>,
  };
}

export async function verify(
  t: TestApp,
  input: { channel: string; secret: string; username?: string; ip?: string },
  token = t.rootToken,
): Promise<{ valid: boolean; reason?: string; credentialId?: string; accountId?: string }> {
  const res = await t.http
    .post('/admin/v1/verify')
    .set(t.auth(token))
    .send({ ip: '127.0.0.1', ...input })
    .expect(200);
  return res.body;
}

/**
 * A fresh peer address (IPv6 documentation range) for verify calls. Failed verifies score
 * against the caller-reported address, so suites that expect failures use a new one each
 * time instead of piling up a ban on a shared address.
 */
export function randomPeer(): string {
  const hex = () => Math.floor(Math.random() * 0x10000).toString(16);
  return `2001:db8:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}`;
}

export interface CreatedGroup {
  id: string;
  slug: string;
  name: string;
  body: Record<string, any>;
}

/** A recipient group with a unique slug (root token unless another is given). */
export async function createGroup(
  t: TestApp,
  accountId: string,
  input: { slug?: string; name?: string } = {},
  token = t.rootToken,
): Promise<CreatedGroup> {
  const res = await t.http
    .post(`/admin/v1/accounts/${accountId}/groups`)
    .set(t.auth(token))
    .send({ slug: unique('grp'), name: unique('Group'), ...input })
    .expect(201);
  return { id: res.body.id as string, slug: res.body.slug as string, name: res.body.name as string, body: res.body };
}

/**
 * Every row of an admin list route (`{data, nextCursor}`) for this query, following
 * nextCursor; `raw` is every page as served, for "never contains …" checks.
 */
export async function listAll(
  t: TestApp,
  path: string,
  query: Record<string, string | number> = {},
  token = t.rootToken,
): Promise<{ rows: Record<string, any>[]; raw: string }> {
  const rows: Record<string, any>[] = [];
  const raw: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await t.http
      .get(path)
      .set(t.auth(token))
      .query({ limit: 200, ...query, ...(cursor ? { cursor } : {}) })
      .expect(200);
    raw.push(res.text);
    rows.push(...(res.body.data as Record<string, any>[]));
    cursor = res.body.nextCursor as string | null;
    if (++pages > 1000) throw new Error(`pagination of ${path} does not terminate`);
  } while (cursor);
  return { rows, raw: raw.join('\n') };
}

/**
 * Request-log rows matching `query`, after writing what is queued. Rows of answered channel
 * requests are queued when the response finishes, so let that callback run first.
 */
export async function readRequestLog(
  t: TestApp,
  query: Record<string, string>,
): Promise<{ rows: Record<string, any>[]; raw: string }> {
  await new Promise((resolve) => setImmediate(resolve));
  await t.flushLogs();
  return listAll(t, '/admin/v1/request-log', query);
}

/**
 * Request-log rows matching `query` once there are at least `count` of them, polled against a
 * deadline: some rows are queued by work that ends after the client's answer (a batch file's row
 * after its report appears).
 */
export async function readRequestLogAtLeast(
  t: TestApp,
  query: Record<string, string>,
  count: number,
  timeoutMs = 15_000,
): Promise<{ rows: Record<string, any>[]; raw: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readRequestLog(t, query);
    if (log.rows.length >= count || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { createMaster } from '../support/factories';
import { TestApp, startTestApp } from '../support/test-app';

/**
 * Per-credential rate limits in the admin API (issue 12): set on create and update, shown in
 * views, refused when malformed. How each listener refuses a credential over its limit is in the
 * channel conformance suite; a limit shared by two nodes is in the two-node suite.
 */
let t: TestApp;
let accountId: string;

beforeAll(async () => {
  t = await startTestApp();
  accountId = (await createMaster(t)).id;
});
afterAll(() => t.close());

const create = (body: Record<string, unknown>) =>
  t.http
    .post(`/admin/v1/accounts/${accountId}/credentials`)
    .set(t.auth())
    .send({ channel: 'rest', name: 'k', ...body });

describe('rateLimit on credentials', () => {
  it('is set on create, shown in views, changed and lifted by PATCH', async () => {
    const created = await create({ rateLimit: { requests: 100, perSeconds: 60 } }).expect(201);
    const id = created.body.credential.id as string;
    expect(created.body.credential.rateLimit).toEqual({ requests: 100, perSeconds: 60 });
    const read = await t.http.get(`/admin/v1/credentials/${id}`).set(t.auth()).expect(200);
    expect(read.body.rateLimit).toEqual({ requests: 100, perSeconds: 60 });
    const changed = await t.http
      .patch(`/admin/v1/credentials/${id}`)
      .set(t.auth())
      .send({ rateLimit: { requests: 5, perSeconds: 1 } })
      .expect(200);
    expect(changed.body.rateLimit).toEqual({ requests: 5, perSeconds: 1 });
    const lifted = await t.http
      .patch(`/admin/v1/credentials/${id}`)
      .set(t.auth())
      .send({ rateLimit: null })
      .expect(200);
    expect(lifted.body.rateLimit).toBeNull();
    const audit = await t.http.get('/admin/v1/audit-log').query({ accountId }).set(t.auth()).expect(200);
    expect(JSON.stringify(audit.body)).toMatch(/rateLimit/);
  });

  it('defaults to none', async () => {
    expect((await create({}).expect(201)).body.credential.rateLimit).toBeNull();
  });

  it.each([
    ['a string', 'fast', /rateLimit/],
    ['zero requests', { requests: 0, perSeconds: 60 }, /requests/],
    ['a fraction', { requests: 1.5, perSeconds: 60 }, /requests/],
    ['a window over a day', { requests: 1, perSeconds: 86_401 }, /perSeconds/],
    ['a missing field', { requests: 10 }, /perSeconds/],
    ['an unknown field', { requests: 10, perSeconds: 60, burst: 5 }, /burst/],
  ])('%s is refused with 400 naming the field, and nothing is created', async (_label, rateLimit, field) => {
    const before = await t.http.get(`/admin/v1/accounts/${accountId}/credentials`).query({ limit: 200 }).set(t.auth());
    const res = await create({ rateLimit }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error)).toMatch(field);
    const after = await t.http.get(`/admin/v1/accounts/${accountId}/credentials`).query({ limit: 200 }).set(t.auth());
    expect(after.body.data).toHaveLength(before.body.data.length);
  });
});

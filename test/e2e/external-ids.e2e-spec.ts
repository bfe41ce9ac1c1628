import { expectError } from '../support/assertions';
import { createAdminToken, createMaster, createSub } from '../support/factories';
import { TestApp, startTestApp, unique } from '../support/test-app';

/**
 * Security review, item 5: `externalId` is unique among masters and, separately, among the subs
 * of one master. A tenant cannot squat an id root's provisioning will use, nor be renamed and
 * handed out by root's upsert as if it were a new master.
 */
describe('external ids', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const upsert = (externalId: string, body: Record<string, unknown>, token = t.rootToken) =>
    t.http.put(`/admin/v1/accounts/by-external-id/${externalId}`).set(t.auth(token)).send(body);
  const getAccount = (id: string) => t.http.get(`/admin/v1/accounts/${id}`).set(t.auth()).expect(200);

  it("the review's attack: a sub's token takes a value root's provisioning will use; root's upsert still makes a new master", async () => {
    const tenant = await createMaster(t);
    const sub = await createSub(t, tenant.id);
    const subToken = await createAdminToken(t, sub.id);
    const crmId = unique('crm');

    await t.http.patch(`/admin/v1/accounts/${sub.id}`).set(t.auth(subToken)).send({ externalId: crmId }).expect(200);

    const res = await upsert(crmId, { name: 'Provisioned Ltd' }).expect(201);
    expect(res.body.account).toMatchObject({
      kind: 'master',
      parentId: null,
      externalId: crmId,
      name: 'Provisioned Ltd',
    });
    expect(res.body.account.id).not.toBe(sub.id);
    // The tenant's sub is untouched.
    expect((await getAccount(sub.id)).body).toMatchObject({ parentId: tenant.id, externalId: crmId });
    expect((await getAccount(sub.id)).body.name).not.toBe('Provisioned Ltd');
    // And the upsert is idempotent on its own namespace.
    const again = await upsert(crmId, { name: 'Provisioned Ltd' }).expect(200);
    expect(again.body.account.id).toBe(res.body.account.id);
  });

  it('only root sets a master account’s externalId', async () => {
    const master = await createMaster(t);
    const masterToken = await createAdminToken(t, master.id);
    const res = await t.http
      .patch(`/admin/v1/accounts/${master.id}`)
      .set(t.auth(masterToken))
      .send({ externalId: unique('mine') });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.details).toMatchObject({ field: 'externalId' });
    expect((await getAccount(master.id)).body.externalId).toBeNull();
    // the master's token still names its subs
    const sub = await createSub(t, master.id);
    await t.http
      .patch(`/admin/v1/accounts/${sub.id}`)
      .set(t.auth(masterToken))
      .send({ externalId: unique('sub-id') })
      .expect(200);
    // root may set the master's
    await t.http
      .patch(`/admin/v1/accounts/${master.id}`)
      .set(t.auth())
      .send({ externalId: unique('root-set') })
      .expect(200);
  });

  it('is unique among masters, and separately among the subs of each master (case-insensitively)', async () => {
    const id = unique('Shared');
    const a = await createMaster(t, { externalId: id });
    expectError(
      await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: 'dup', externalId: id.toLowerCase() }),
      409,
      'external_id_taken',
    );
    // Two masters' subs may both carry it, and so may a sub next to the master that has it.
    const b = await createMaster(t);
    const underA = await t.http
      .post('/admin/v1/accounts')
      .set(t.auth())
      .send({ name: 'sub a', parentId: a.id, externalId: id })
      .expect(201);
    const underB = await t.http
      .post('/admin/v1/accounts')
      .set(t.auth())
      .send({ name: 'sub b', parentId: b.id, externalId: id })
      .expect(201);
    expect(underA.body.account.id).not.toBe(underB.body.account.id);
    // but not twice under one master
    expectError(
      await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: 'sub a2', parentId: a.id, externalId: id }),
      409,
      'external_id_taken',
    );
    const sibling = await createSub(t, a.id);
    expectError(
      await t.http.patch(`/admin/v1/accounts/${sibling.id}`).set(t.auth()).send({ externalId: id.toUpperCase() }),
      409,
      'external_id_taken',
    );
  });

  it('an upsert looks in the namespace it names: the master list, or one master’s subs', async () => {
    const id = unique('ns');
    const master = await createMaster(t);
    const masterToken = await createAdminToken(t, master.id);

    // A master token's upsert creates and converges a sub of its own.
    const created = await upsert(id, { name: 'Sub One' }, masterToken).expect(201);
    expect(created.body.account).toMatchObject({ kind: 'sub', parentId: master.id, externalId: id });
    const same = await upsert(id, { name: 'Sub One renamed' }, masterToken).expect(200);
    expect(same.body.account).toMatchObject({ id: created.body.account.id, name: 'Sub One renamed' });
    // Root naming that master as parent reaches the same sub.
    const viaRoot = await upsert(id, { name: 'Sub One again', parentId: master.id }).expect(200);
    expect(viaRoot.body.account.id).toBe(created.body.account.id);
    // Root without a parent works on masters: a different account.
    const rootMaster = await upsert(id, { name: 'A master' }).expect(201);
    expect(rootMaster.body.account).toMatchObject({ kind: 'master', parentId: null });

    // Another tenant's token cannot reach that sub through the id: it makes its own.
    const other = await createMaster(t);
    const otherToken = await createAdminToken(t, other.id);
    const theirs = await upsert(id, { name: 'Theirs' }, otherToken).expect(201);
    expect(theirs.body.account.parentId).toBe(other.id);
    expect((await getAccount(created.body.account.id)).body.name).toBe('Sub One again');
  });

  it('a master token cannot upsert into the master namespace or under another master', async () => {
    const master = await createMaster(t);
    const token = await createAdminToken(t, master.id);
    expectError(await upsert(unique('m'), { name: 'x', kind: 'master' }, token), 403, 'forbidden');
    const other = await createMaster(t);
    expectError(await upsert(unique('m'), { name: 'x', parentId: other.id }, token), 404, 'not_found');
  });
});

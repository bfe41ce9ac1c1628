import { expectError } from '../support/assertions';
import { createCredential, createGroup, createMaster } from '../support/factories';
import { TestApp, startTestApp, unique } from '../support/test-app';

/**
 * Security review, item 8: a key's group scope is read fresh at the next authentication after
 * a group is renamed, and checked by group, not by a slug that may since name another group.
 */
describe('group renames and key scopes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const renameGroup = (accountId: string, slug: string, to: string) =>
    t.http.patch(`/admin/v1/accounts/${accountId}/groups/${slug}`).set(t.auth()).send({ slug: to }).expect(200);
  const submit = (secret: string, body: Record<string, unknown>) =>
    t.http.post('/rest/v1/messages').set('Authorization', `Bearer ${secret}`).send(body);

  it("the review's case: a key scoped to `staff` cannot send to the group renamed into `staff`", async () => {
    const account = await createMaster(t);
    const staff = await createGroup(t, account.id, { slug: unique('staff') });
    const board = await createGroup(t, account.id, { slug: unique('board') });
    const key = await createCredential(t, account.id, { channel: 'rest', scope: 'groups', groups: [staff.slug] });

    // Warm the authentication cache with the key's scope.
    await submit(key.secret, { body: 'warm', target: { groups: [staff.slug] } }).expect(202);

    const staffSlug = staff.slug;
    await renameGroup(account.id, staffSlug, unique('former-staff'));
    await renameGroup(account.id, board.slug, staffSlug);

    const res = await submit(key.secret, { body: 'to the board?', target: { groups: [staffSlug] } });
    expectError(res, 403, 'scope_violation');
    expect(res.body.error.details).toEqual({ groups: [staffSlug] });
  });

  it('after a rename the key sends to its group under the new slug, and defaults to it', async () => {
    const account = await createMaster(t);
    const group = await createGroup(t, account.id);
    const key = await createCredential(t, account.id, { channel: 'rest', scope: 'groups', groups: [group.slug] });
    await submit(key.secret, { body: 'warm' }).expect(202);

    const renamed = unique('renamed');
    await renameGroup(account.id, group.slug, renamed);

    const byNewSlug = await submit(key.secret, { body: 'new slug', target: { groups: [renamed] } }).expect(202);
    const byDefault = await submit(key.secret, { body: 'default' }).expect(202);
    for (const id of [byNewSlug.body.id, byDefault.body.id]) {
      const stored = await t.http.get(`/admin/v1/submissions/${id}`).set(t.auth()).expect(200);
      expect(stored.body.groups).toEqual([renamed]);
    }
    expect((await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200)).body.groups).toEqual([
      renamed,
    ]);
    // the old slug now names nothing
    expectError(await submit(key.secret, { body: 'old', target: { groups: [group.slug] } }), 422, 'unknown_group');
  });
});

import type { Response } from 'supertest';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { createCredential, createGroup, createMaster, listAll } from '../support/factories';
import { expectError, namedFields } from '../support/assertions';

/**
 * The name rule (DESIGN §1) through the real HTTP stack, for every route that takes a name:
 * 1–100 code points after trimming, no control or format characters, something visible.
 */

const EMOJI = '\u{1F600}'; // astral: one code point, two UTF-16 units
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧
const SCOTLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'; // 🏴󠁧󠁢󠁳󠁣󠁴󠁿

/** [label, name, what the message must say]. */
const BAD_NAMES: Array<[string, string, RegExp]> = [
  ['NUL', 'a\u0000b', /^name: must not contain control or format characters \(U\+0000\)$/],
  ['CR/LF', 'line1\r\nline2', /^name: must not contain control or format characters \(U\+000D, U\+000A\)$/],
  ['ANSI escape', '\u001b[31mred\u001b[0m', /^name: must not contain control or format characters \(U\+001B\)$/],
  ['DEL', 'a\u007fb', /^name: must not contain control or format characters \(U\+007F\)$/],
  ['C1 control', 'a\u0085b', /^name: must not contain control or format characters \(U\+0085\)$/],
  ['bidi override', 'invoice\u202Efdp.exe', /^name: must not contain control or format characters \(U\+202E\)$/],
  ['bidi isolate', 'a\u2066b\u2069', /^name: must not contain control or format characters \(U\+2066, U\+2069\)$/],
  ['BOM', 'a\uFEFFb', /^name: must not contain control or format characters \(U\+FEFF\)$/],
  ['zero-width only', '\u200B\u200B', /^name: must not contain control or format characters \(U\+200B\)$/],
  ['Hangul filler only', '\u3164', /^name: must contain at least one visible character/],
  ['ZWJ between spaces', ' \u200D ', /^name: must contain at least one visible character/],
  ['whitespace only', ' \u3000 ', /^name: must not be blank$/],
  ['lone surrogate', 'ab\uD800', /^name: must be well-formed Unicode text \(lone surrogate U\+D800\)$/],
  ['101 emoji', EMOJI.repeat(101), /^name: must be at most 100 characters \(Unicode code points\), got 101$/],
  ['401 UTF-16 units', 'x'.repeat(401), /^name: name must be at most 100 characters \(Unicode code points\)$/],
];

/** A refused name: 400 validation_failed naming `name`, and nothing of the raw name echoed. */
function expectNameRefused(res: Response, message: RegExp): void {
  expectError(res, 400, 'validation_failed');
  expect(namedFields(res)).toEqual(['name']);
  expect(res.body.error.message).toMatch(message);
  // eslint-disable-next-line no-control-regex
  expect(res.body.error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/);
}

describe('names: accounts, credentials, groups and admin tokens', () => {
  let t: TestApp;
  let master: string;

  beforeAll(async () => {
    t = await startTestApp();
    master = (await createMaster(t)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const subsOf = async (id: string) => (await listAll(t, '/admin/v1/accounts', { parentId: id })).rows;

  describe.each(BAD_NAMES)('a name with %s', (_label, name, message) => {
    it('is refused on POST/PUT/PATCH of accounts, leaving no account behind', async () => {
      const subsBefore = await subsOf(master);

      expectNameRefused(await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name }), message);
      expectNameRefused(
        await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name, parentId: master }),
        message,
      );
      const externalId = unique('ext');
      expectNameRefused(
        await t.http.put(`/admin/v1/accounts/by-external-id/${externalId}`).set(t.auth()).send({ name }),
        message,
      );

      expect(await subsOf(master)).toEqual(subsBefore);
      const all = await listAll(t, '/admin/v1/accounts');
      expect(all.rows.filter((a) => a.name === name || a.name === name.trim())).toEqual([]);
      // The refused upsert created nothing: the same externalId now creates (201), not updates.
      await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: unique('upserted') })
        .expect(201);

      const before = await t.http.get(`/admin/v1/accounts/${master}`).set(t.auth()).expect(200);
      expectNameRefused(await t.http.patch(`/admin/v1/accounts/${master}`).set(t.auth()).send({ name }), message);
      const after = await t.http.get(`/admin/v1/accounts/${master}`).set(t.auth()).expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('is refused on POST and PATCH of credentials, leaving none behind', async () => {
      const key = await createCredential(t, master, { channel: 'rest' });
      const path = `/admin/v1/accounts/${master}/credentials`;
      const listBefore = (await listAll(t, path)).rows;

      for (const channel of ['rest', 'ftp']) {
        expectNameRefused(await t.http.post(path).set(t.auth()).send({ channel, name }), message);
      }
      expect((await listAll(t, path)).rows).toEqual(listBefore);

      const before = await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200);
      expectNameRefused(await t.http.patch(`/admin/v1/credentials/${key.id}`).set(t.auth()).send({ name }), message);
      const after = await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('is refused on POST and PATCH of groups, leaving none behind', async () => {
      const group = await createGroup(t, master);
      const path = `/admin/v1/accounts/${master}/groups`;
      const listBefore = (await listAll(t, path)).rows;

      const slug = unique('refused');
      expectNameRefused(await t.http.post(path).set(t.auth()).send({ slug, name }), message);
      expect((await listAll(t, path)).rows).toEqual(listBefore);
      await t.http.get(`${path}/${slug}`).set(t.auth()).expect(404);

      expectNameRefused(await t.http.patch(`${path}/${group.slug}`).set(t.auth()).send({ name }), message);
      const after = await t.http.get(`${path}/${group.slug}`).set(t.auth()).expect(200);
      expect(after.body).toEqual(group.body);
    });

    it('is refused on POST of admin tokens, issuing none', async () => {
      const path = `/admin/v1/accounts/${master}/admin-tokens`;
      const listBefore = (await listAll(t, path)).rows;
      const res = await t.http.post(path).set(t.auth()).send({ name });
      expectNameRefused(res, message);
      expect(res.body.token).toBeUndefined();
      expect((await listAll(t, path)).rows).toEqual(listBefore);
    });
  });

  describe('names that are fine', () => {
    // 100 astral emoji are 200 UTF-16 units; the spaces push the raw value past the old 200 cap.
    const HUNDRED = EMOJI.repeat(100);
    const GOOD: Array<[string, string, string]> = [
      ['100 emoji, padded with spaces', `   ${HUNDRED}   `, HUNDRED],
      ['51 emoji', EMOJI.repeat(51), EMOJI.repeat(51)],
      ['a ZWJ family and a subdivision flag', `${FAMILY} ${SCOTLAND} Team`, `${FAMILY} ${SCOTLAND} Team`],
      ['accented and CJK, trimmed', '\t Société Générale 東京支店 \n', 'Société Générale 東京支店'],
    ];

    it.each(GOOD)('%s: accounts store and read back the trimmed name', async (_label, sent, stored) => {
      const created = await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: sent }).expect(201);
      expect(created.body.account.name).toBe(stored);
      const id = created.body.account.id as string;
      const got = await t.http.get(`/admin/v1/accounts/${id}`).set(t.auth()).expect(200);
      expect(got.body.name).toBe(stored);

      const sub = await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: sent, parentId: id }).expect(201);
      expect(sub.body.account.name).toBe(stored);

      const renamed = await t.http
        .patch(`/admin/v1/accounts/${id}`)
        .set(t.auth())
        .send({ name: `${sent} ` });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe(stored);
    });

    it.each(GOOD)('%s: credentials store and read back the trimmed name', async (_label, sent, stored) => {
      const created = await t.http
        .post(`/admin/v1/accounts/${master}/credentials`)
        .set(t.auth())
        .send({ channel: 'http', name: sent })
        .expect(201);
      expect(created.body.credential.name).toBe(stored);
      const id = created.body.credential.id as string;
      const got = await t.http.get(`/admin/v1/credentials/${id}`).set(t.auth()).expect(200);
      expect(got.body.name).toBe(stored);

      const key = await createCredential(t, master);
      const patched = await t.http.patch(`/admin/v1/credentials/${key.id}`).set(t.auth()).send({ name: sent });
      expect(patched.status).toBe(200);
      const reread = await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200);
      expect(reread.body.name).toBe(stored);
    });

    it.each(GOOD)('%s: groups store and read back the trimmed name', async (_label, sent, stored) => {
      const path = `/admin/v1/accounts/${master}/groups`;
      const slug = unique('g');
      const created = await t.http.post(path).set(t.auth()).send({ slug, name: sent }).expect(201);
      expect(created.body.name).toBe(stored);
      expect((await t.http.get(`${path}/${slug}`).set(t.auth()).expect(200)).body.name).toBe(stored);

      const group = await createGroup(t, master);
      const patched = await t.http.patch(`${path}/${group.slug}`).set(t.auth()).send({ name: sent }).expect(200);
      expect(patched.body.name).toBe(stored);
    });

    it.each(GOOD)('%s: admin tokens store and list the trimmed name', async (_label, sent, stored) => {
      const path = `/admin/v1/accounts/${master}/admin-tokens`;
      const created = await t.http.post(path).set(t.auth()).send({ name: sent }).expect(201);
      expect(created.body.adminToken.name).toBe(stored);
      const listed = (await listAll(t, path)).rows.find((row) => row.id === created.body.adminToken.id);
      expect(listed?.name).toBe(stored);
    });
  });
});

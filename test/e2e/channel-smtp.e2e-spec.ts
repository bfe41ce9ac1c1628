import * as nodemailer from 'nodemailer';
import { MAX_AUTH_FAILURES, MAX_RECIPIENTS_PER_MESSAGE } from '@gatehouse/channels/smtp';
import { expectNothingInternal } from '../support/assertions';
import { IssuedCredential, createCredential, createGroup, createMaster, readRequestLog } from '../support/factories';
import { RawSmtp, SmtpApp, plainMessage, startSmtpApp } from '../support/smtp-clients';
import { TestApp, unique } from '../support/test-app';

/**
 * The email channel (DESIGN.md §2, `email` row; issue 11) with real clients over real sockets:
 * nodemailer for what a mail system sends, a raw connection for hostile input. Channel-neutral
 * checks (bans across protocols, block/rotate/delete, request log) are in the conformance suite.
 */

const DOMAIN = 'sms.localhost';
const NUMBER = '+447700900123';

let s: SmtpApp;
let t: TestApp;
let accountId: string;

beforeAll(async () => {
  s = await startSmtpApp({ GATEHOUSE_BAN_THRESHOLD: '1000' });
  t = s.t;
  accountId = (await createMaster(t)).id;
});
afterAll(() => s.close());

const emailCredential = (input: Record<string, unknown> = {}) =>
  createCredential(t, accountId, {
    channel: 'email',
    username: unique('mailer'),
    secret: `Mail-Pass-${unique('pw')}`,
    ...input,
  });

function transport(c: IssuedCredential, options: Record<string, unknown> = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: s.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: c.username, pass: c.secret },
    ...options,
  });
}

/** A raw connection, greeted, EHLO'd, over STARTTLS and logged in. */
async function loggedIn(c: IssuedCredential, port = s.port): Promise<RawSmtp> {
  const raw = await RawSmtp.connect(port);
  expect((await raw.greeting).code).toBe(220);
  await raw.ehlo();
  expect((await raw.startTls()).code).toBe(220);
  await raw.ehlo();
  expect((await raw.authPlain(c.username, c.secret)).code).toBe(235);
  return raw;
}

/** A submission as the admin API shows it. */
const submission = async (id: string): Promise<Record<string, any>> =>
  (await t.http.get(`/admin/v1/submissions/${id}`).set(t.auth()).expect(200)).body;

/** The submission ids a 250 reply lists (`Accepted: <id> <id>…[ and N more][; …]`). */
const idsOf = (reply: string): string[] =>
  (/Accepted: (.*)$/.exec(reply)?.[1] ?? '').split(';')[0].split(' and ')[0].split(' ').filter(Boolean);

describe('email to SMS with nodemailer (STARTTLS, AUTH)', () => {
  it.each(['PLAIN', 'LOGIN'])(
    'AUTH %s: the mail becomes a submission, stored before the 250 that names it',
    async (method) => {
      const c = await emailCredential();
      const info = await transport(c, { authMethod: method }).sendMail({
        from: 'monitor@example.com',
        to: `${NUMBER}@${DOMAIN}`,
        subject: 'disk full',
        text: `Disk /var is 97% full (${method})`,
      });
      expect(info.response).toMatch(/^250 2\.0\.0 Accepted: \S+$/);
      const [id] = idsOf(info.response);
      expect(await submission(id)).toMatchObject({
        id,
        accountId,
        credentialId: c.id,
        channel: 'email',
        to: [NUMBER],
        body: `Disk /var is 97% full (${method})`,
        status: 'accepted',
      });
    },
  );

  it('each recipient becomes its own submission; the domain is matched case-insensitively', async () => {
    const c = await emailCredential();
    const info = await transport(c).sendMail({
      from: 'monitor@example.com',
      to: [`${NUMBER}@${DOMAIN}`, `447700900456@SMS.LocalHost`, `07700900789@${DOMAIN}`],
      text: 'three people',
    });
    const ids = idsOf(info.response);
    expect(ids).toHaveLength(3);
    const stored = await Promise.all(ids.map(submission));
    expect(stored.map((x) => x.to)).toEqual([[NUMBER], ['447700900456'], ['07700900789']]);
    expect(new Set(stored.map((x) => x.body))).toEqual(new Set(['three people']));
  });

  it('HTML-only mail is turned into text; a declared charset is honoured', async () => {
    const c = await emailCredential();
    const html = await transport(c).sendMail({
      from: 'a@example.com',
      to: `${NUMBER}@${DOMAIN}`,
      html: '<html><body><p>Server <b>down</b></p><p>since 10:00</p><img src="x.png"></body></html>',
    });
    expect((await submission(idsOf(html.response)[0])).body).toMatch(/^Server down\s+since 10:00$/);

    const raw = await loggedIn(c);
    try {
      const replies = await raw.mail(
        'a@example.com',
        [`${NUMBER}@${DOMAIN}`],
        `From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me\r\n`,
      );
      const last = replies.at(-1)!;
      expect(last.code).toBe(250);
      expect((await submission(idsOf(last.text)[0])).body).toBe('Caf\u00e9 cr\u00e8me');
    } finally {
      raw.close();
    }
  });

  it('groups come from X-Gatehouse-Groups, else from [groups: …] in the subject; the header wins', async () => {
    const ops = await createGroup(t, accountId, { slug: unique('ops') });
    const dev = await createGroup(t, accountId, { slug: unique('dev') });
    const c = await emailCredential();
    const fromHeader = await transport(c).sendMail({
      from: 'a@example.com',
      to: `${NUMBER}@${DOMAIN}`,
      subject: `[groups: ${dev.slug}]`,
      headers: { 'X-Gatehouse-Groups': ` ${ops.slug} ` },
      text: 'by header',
    });
    expect((await submission(idsOf(fromHeader.response)[0])).groups).toEqual([ops.slug]);
    const fromSubject = await transport(c).sendMail({
      from: 'a@example.com',
      to: `${NUMBER}@${DOMAIN}`,
      subject: `Alert [groups: ${ops.slug}, ${dev.slug}]`,
      text: 'by subject',
    });
    expect([...(await submission(idsOf(fromSubject.response)[0])).groups].sort()).toEqual([ops.slug, dev.slug].sort());
  });

  it("the credential's scope applies: a group outside it is 550 scope_violation, an unknown one 550 unknown_group", async () => {
    const mine = await createGroup(t, accountId, { slug: unique('mine') });
    const other = await createGroup(t, accountId, { slug: unique('other') });
    const c = await emailCredential({ scope: 'groups', groups: [mine.slug] });
    const send = (groups: string) =>
      transport(c).sendMail({
        from: 'a@example.com',
        to: `${NUMBER}@${DOMAIN}`,
        headers: { 'X-Gatehouse-Groups': groups },
        text: 'scoped',
      });
    await expect(send(other.slug)).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/scope_violation/),
    });
    await expect(send('no-such-group')).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/unknown_group/),
    });
    const ok = await send(mine.slug);
    expect((await submission(idsOf(ok.response)[0])).groups).toEqual([mine.slug]);
  });

  it('implicit TLS on GATEHOUSE_SMTPS_PORT', async () => {
    const secure = await startSmtpApp({ GATEHOUSE_SMTPS_PORT: '0' });
    try {
      const account = await createMaster(secure.t);
      const c = await createCredential(secure.t, account.id, {
        channel: 'email',
        username: unique('mailer'),
        secret: `Mail-Pass-${unique('pw')}`,
      });
      const info = await nodemailer
        .createTransport({
          host: '127.0.0.1',
          port: secure.securePort!,
          secure: true,
          tls: { rejectUnauthorized: false },
          auth: { user: c.username, pass: c.secret },
        })
        .sendMail({ from: 'a@example.com', to: `${NUMBER}@${DOMAIN}`, text: 'over SMTPS' });
      expect(info.response).toMatch(/^250 2\.0\.0 Accepted: /);
    } finally {
      await secure.close();
    }
  });
});

describe('what the listener refuses, in SMTP words', () => {
  it('EHLO announces SIZE; AUTH is offered only after STARTTLS, and refused before it (538)', async () => {
    const c = await emailCredential();
    const raw = await RawSmtp.connect(s.port);
    try {
      expect((await raw.greeting).text).toMatch(/^sms\.localhost ESMTP/);
      const plain = await raw.ehlo();
      expect(plain.lines.join('\n')).toMatch(/250-STARTTLS/);
      expect(plain.lines.join('\n')).toMatch(/SIZE 1048576/);
      expect(plain.lines.join('\n')).not.toMatch(/AUTH/);
      expect((await raw.authPlain(c.username, c.secret)).code).toBe(538);
      await raw.startTls();
      const secure = await raw.ehlo();
      expect(secure.lines.join('\n')).toMatch(/AUTH PLAIN LOGIN/);
    } finally {
      raw.close();
    }
  });

  it('MAIL FROM before AUTH is 530', async () => {
    const raw = await RawSmtp.connect(s.port);
    try {
      await raw.greeting;
      await raw.ehlo();
      expect((await raw.send('MAIL FROM:<a@example.com>')).code).toBe(530);
    } finally {
      raw.close();
    }
  });

  it(`the ${MAX_AUTH_FAILURES}rd failed AUTH on a connection is answered 421 and closes it; each is logged without the password`, async () => {
    const c = await emailCredential();
    const raw = await RawSmtp.connect(s.port);
    const wrong = `${c.secret}-wrong`;
    try {
      await raw.greeting;
      await raw.ehlo();
      await raw.startTls();
      await raw.ehlo();
      expect((await raw.authPlain(c.username, wrong)).code).toBe(535);
      expect((await raw.authLogin(c.username, wrong)).code).toBe(535);
      const third = await raw.authPlain(c.username, wrong);
      expect(third.code).toBe(421);
      expect(await raw.closedWithin(5000)).toBe(true);
    } finally {
      raw.close();
    }
    const { rows, raw: text } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.filter((r) => r.operation === 'smtp.AUTH' && r.outcome === 'bad_secret')).toHaveLength(3);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(c.secret);
  });

  it('pipelined junk before the greeting: 421, closed', async () => {
    const raw = await RawSmtp.connect(s.port);
    try {
      raw.write('EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n');
      const reply = await raw.greeting;
      expect(reply.code).toBe(421);
      expect(await raw.closedWithin(5000)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('too many commands before AUTH: 421, closed', async () => {
    const raw = await RawSmtp.connect(s.port);
    try {
      await raw.greeting;
      let last = await raw.send('NOOP');
      for (let i = 0; i < 20 && last.code !== 421; i++) last = await raw.send('NOOP');
      expect(last.code).toBe(421);
      expect(await raw.closedWithin(5000)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('a command line over the limit: 421, closed, nothing echoed', async () => {
    const raw = await RawSmtp.connect(s.port);
    try {
      await raw.greeting;
      const reply = await raw.send(`EHLO ${'x'.repeat(10_000)}`);
      expect(reply.code).toBe(421);
      expect(reply.text).not.toContain('xxxx');
      expect(await raw.closedWithin(5000)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('XCLIENT and XFORWARD are not honoured (the peer address is the socket’s)', async () => {
    const raw = await RawSmtp.connect(s.port);
    try {
      await raw.greeting;
      await raw.ehlo();
      expect((await raw.send('XCLIENT ADDR=192.0.2.1')).code).toBeGreaterThanOrEqual(500);
      expect((await raw.send('XFORWARD ADDR=192.0.2.1')).code).toBeGreaterThanOrEqual(500);
    } finally {
      raw.close();
    }
  });

  describe('relaying: every form refused at RCPT, nothing stored', () => {
    it.each([
      ['another domain', `${NUMBER}@example.com`],
      ['a sub-domain of ours', `${NUMBER}@x.${DOMAIN}`],
      ['an IP literal', `${NUMBER}@[127.0.0.1]`],
      ['a %-hack', `${NUMBER}%example.com@${DOMAIN}`],
      ['a source route', `@${DOMAIN}:${NUMBER}@example.com`],
      ['a quoted local part', `"${NUMBER}@example.com"@${DOMAIN}`],
      ['a bang path', `example.com!${NUMBER}@${DOMAIN}`],
    ])('%s (%s)', async (_label, rcpt) => {
      const c = await emailCredential();
      const raw = await loggedIn(c);
      try {
        expect((await raw.send('MAIL FROM:<a@example.com>')).code).toBe(250);
        const reply = await raw.send(`RCPT TO:<${rcpt}>`);
        expect(reply.code).toBeGreaterThanOrEqual(500);
        expect(reply.code).toBeLessThan(600);
        expect((await raw.send('DATA')).code).toBe(503); // no recipient was taken
      } finally {
        raw.close();
      }
      const list = await t.http.get('/admin/v1/submissions').query({ credentialId: c.id }).set(t.auth()).expect(200);
      expect(list.body.data.filter((x: { credentialId: string }) => x.credentialId === c.id)).toEqual([]);
    });

    it('a foreign domain is told "Relaying denied" (550 5.7.1)', async () => {
      const raw = await loggedIn(await emailCredential());
      try {
        await raw.send('MAIL FROM:<a@example.com>');
        const reply = await raw.send(`RCPT TO:<${NUMBER}@example.com>`);
        expect(reply).toMatchObject({ code: 550, text: expect.stringMatching(/^5\.7\.1 Relaying denied/) });
      } finally {
        raw.close();
      }
    });
  });

  it('a recipient that is not a phone number: 550 with the reason', async () => {
    const raw = await loggedIn(await emailCredential());
    try {
      await raw.send('MAIL FROM:<a@example.com>');
      for (const local of ['alice', '+0447700900123', '12', '+44-7700-900123']) {
        const reply = await raw.send(`RCPT TO:<${local}@${DOMAIN}>`);
        expect(reply).toMatchObject({ code: 550, text: expect.stringMatching(/Recipient is not a phone number/) });
      }
    } finally {
      raw.close();
    }
  });

  it(`more than ${MAX_RECIPIENTS_PER_MESSAGE} recipients: 452 for the rest`, async () => {
    const raw = await loggedIn(await emailCredential());
    try {
      await raw.send('MAIL FROM:<a@example.com>');
      for (let i = 0; i < MAX_RECIPIENTS_PER_MESSAGE; i++) {
        expect((await raw.send(`RCPT TO:<+4477009${String(i).padStart(5, '0')}@${DOMAIN}>`)).code).toBe(250);
      }
      expect((await raw.send(`RCPT TO:<+447700999999@${DOMAIN}>`)).code).toBe(452);
    } finally {
      raw.close();
    }
  });

  it('an oversize message: 552 after its final dot, logged, nothing stored, the session goes on', async () => {
    const small = await startSmtpApp({ GATEHOUSE_SMTP_MAX_MESSAGE_BYTES: '2048' });
    try {
      const account = await createMaster(small.t);
      const c = await createCredential(small.t, account.id, {
        channel: 'email',
        username: unique('mailer'),
        secret: `Mail-Pass-${unique('pw')}`,
      });
      const raw = await loggedIn(c, small.port);
      try {
        expect((await raw.send('MAIL FROM:<a@example.com> SIZE=999999')).code).toBe(552);
        const replies = await raw.mail(
          'a@example.com',
          [`${NUMBER}@${small.t.config.smtp.smsDomain}`],
          plainMessage('y'.repeat(5000)),
        );
        expect(replies.at(-1)).toMatchObject({ code: 552, text: expect.stringMatching(/^5\.3\.4 Message too big/) });
        const again = await raw.mail('a@example.com', [`${NUMBER}@${DOMAIN}`], plainMessage('small'));
        expect(again.at(-1)!.code).toBe(250);
      } finally {
        raw.close();
      }
      const { rows } = await readRequestLog(small.t, { credentialId: c.id });
      expect(
        rows
          .filter((r) => r.operation === 'smtp.DATA')
          .map((r) => [r.status, r.outcome])
          .sort(),
      ).toEqual([
        ['250', 'ok'],
        ['552', 'payload_too_large'],
      ]);
      const list = await small.t.http
        .get('/admin/v1/submissions')
        .query({ accountId: account.id })
        .set(small.t.auth())
        .expect(200);
      expect(list.body.data.filter((x: { credentialId: string }) => x.credentialId === c.id)).toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it.each([
    ['no text at all', 'From: a@example.com\r\nSubject: empty\r\n\r\n'],
    [
      'only an attachment',
      'From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b--\r\n',
    ],
    [
      'a multipart whose boundary never comes',
      'From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="zzz"\r\n\r\njunk without parts\r\n',
    ],
  ])('bad MIME (%s): 554 5.6.0, nothing stored, no internals in the reply', async (_label, message) => {
    const c = await emailCredential();
    const raw = await loggedIn(c);
    try {
      const last = (await raw.mail('a@example.com', [`${NUMBER}@${DOMAIN}`], message)).at(-1)!;
      expect(last).toMatchObject({ code: 554, text: expect.stringMatching(/^5\.6\.0 /) });
      expectNothingInternal(last.text, [c.secret]);
    } finally {
      raw.close();
    }
  });

  it('a body over the channel limit: 554 validation_failed, nothing stored', async () => {
    const c = await emailCredential();
    const raw = await loggedIn(c);
    try {
      const last = (await raw.mail('a@example.com', [`${NUMBER}@${DOMAIN}`], plainMessage('z'.repeat(5000)))).at(-1)!;
      expect(last).toMatchObject({ code: 554, text: expect.stringMatching(/validation_failed/) });
    } finally {
      raw.close();
    }
  });
});

describe('sessions and limits', () => {
  it('blocking the credential ends its logged-in session within 2 s with 421', async () => {
    const c = await emailCredential();
    const raw = await loggedIn(c);
    try {
      expect((await raw.send('NOOP')).code).toBe(250);
      await t.http.patch(`/admin/v1/credentials/${c.id}`).set(t.auth()).send({ enabled: false }).expect(200);
      expect(await raw.closedWithin(2000)).toBe(true);
      expect(raw.pending().map((r) => r.code)).toContain(421);
    } finally {
      raw.close();
    }
  });

  it('off the record: no smtp.DATA row, but a failed AUTH is still logged', async () => {
    const c = await emailCredential({ offTheRecord: true });
    await transport(c).sendMail({ from: 'a@example.com', to: `${NUMBER}@${DOMAIN}`, text: 'quiet' });
    await expect(
      transport({ ...c, secret: `${c.secret}x` }).sendMail({
        from: 'a@example.com',
        to: `${NUMBER}@${DOMAIN}`,
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 535 });
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.map((r) => [r.operation, r.outcome])).toEqual([['smtp.AUTH', 'bad_secret']]);
  });

  it('a logged-in mail writes smtp.AUTH and smtp.DATA rows with their SMTP statuses', async () => {
    const c = await emailCredential();
    await transport(c).sendMail({ from: 'a@example.com', to: `${NUMBER}@${DOMAIN}`, text: 'logged' });
    const { rows } = await readRequestLog(t, { credentialId: c.id });
    expect(rows.map((r) => [r.operation, r.status, r.outcome]).sort()).toEqual([
      ['smtp.AUTH', '235', 'ok'],
      ['smtp.DATA', '250', 'ok'],
    ]);
  });

  it('past GATEHOUSE_MAX_CONNECTIONS_PER_PEER a connection gets 421 before any greeting', async () => {
    const limited = await startSmtpApp({ GATEHOUSE_MAX_CONNECTIONS_PER_PEER: '2' });
    const open: RawSmtp[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const raw = await RawSmtp.connect(limited.port);
        open.push(raw);
        expect((await raw.greeting).code).toBe(220);
      }
      const refused = await RawSmtp.connect(limited.port);
      open.push(refused);
      expect(await refused.greeting).toMatchObject({ code: 421, text: expect.stringMatching(/Too many connections/) });
    } finally {
      open.forEach((raw) => raw.close());
      await limited.close();
    }
  });

  it('a banned peer is refused at connect with 421', async () => {
    const strict = await startSmtpApp({ GATEHOUSE_BAN_THRESHOLD: '2' });
    try {
      const raw = await RawSmtp.connect(strict.port);
      try {
        await raw.greeting;
        await raw.ehlo();
        await raw.startTls();
        await raw.ehlo();
        // An unknown user scores 2: the threshold is reached at once.
        const reply = await raw.authPlain(unique('nobody'), 'whatever-password');
        expect([421, 535]).toContain(reply.code);
      } finally {
        raw.close();
      }
      const next = await RawSmtp.connect(strict.port);
      try {
        expect(await next.greeting).toMatchObject({
          code: 421,
          text: expect.stringMatching(/Too many failed logins from your address; try again in \d+ seconds/),
        });
        expect(await next.closedWithin(5000)).toBe(true);
      } finally {
        next.close();
      }
    } finally {
      await strict.close();
    }
  });

  it('shutdown: an idle session is told 421 and closed', async () => {
    const app = await startSmtpApp();
    const account = await createMaster(app.t);
    const c = await createCredential(app.t, account.id, {
      channel: 'email',
      username: unique('mailer'),
      secret: `Mail-Pass-${unique('pw')}`,
    });
    const raw = await loggedIn(c, app.port);
    try {
      await app.listener.stop(2000);
      expect(await raw.closedWithin(3000)).toBe(true);
      expect(raw.pending().map((r) => r.code)).toContain(421);
    } finally {
      raw.close();
      await app.close();
    }
  });
});

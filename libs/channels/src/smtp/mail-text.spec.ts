import { MailUnreadable, readMail } from './mail-text';

const mail = (head: string, body: string) => Buffer.from(`${head.trim().replace(/\n/g, '\r\n')}\r\n\r\n${body}`);

describe('readMail', () => {
  it('takes the text/plain part of a multipart/alternative, not the HTML', async () => {
    const raw = mail(
      `From: a@example.com
Subject: x
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"`,
      '--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain text\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html text</p>\r\n--b--\r\n',
    );
    expect(await readMail(raw)).toEqual({ text: 'plain text', groups: [] });
  });

  it('turns HTML into text when there is no plain part (no images, no links kept as markup)', async () => {
    const raw = mail('Content-Type: text/html; charset=utf-8', '<div>Hello <b>there</b></div><img src="a.png">');
    expect((await readMail(raw)).text).toBe('Hello there');
  });

  it('decodes the declared charset and transfer encoding', async () => {
    const raw = mail(
      'Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable',
      '=80 5 caf=E9\r\n',
    );
    expect((await readMail(raw)).text).toBe('\u20ac 5 caf\u00e9');
  });

  it('reads groups from X-Gatehouse-Groups first, else from the subject, without duplicates', async () => {
    expect((await readMail(mail('Subject: [groups: c]\nX-Gatehouse-Groups: a, b ,a', 'text'))).groups).toEqual([
      'a',
      'b',
    ]);
    expect((await readMail(mail('Subject: Alert [Groups: ops,dev] now', 'text'))).groups).toEqual(['ops', 'dev']);
    expect((await readMail(mail('Subject: no groups here', 'text'))).groups).toEqual([]);
  });

  it('a message without text is unreadable', async () => {
    await expect(readMail(mail('Subject: empty', ''))).rejects.toBeInstanceOf(MailUnreadable);
    await expect(readMail(mail('Content-Type: text/plain', '   \r\n\r\n'))).rejects.toThrow(/no text to send/);
  });

  it('line endings become \\n and the text is trimmed', async () => {
    expect((await readMail(mail('Subject: x', '\r\nline one\r\nline two\r\n\r\n'))).text).toBe('line one\nline two');
  });
});

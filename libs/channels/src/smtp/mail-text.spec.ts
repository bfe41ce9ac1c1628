import { MailUnreadable, readMail, readMimeMail, readPlainMail } from './mail-text';

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

describe('readPlainMail: the fast path for one-part plain mail', () => {
  const plain = [
    ['no Content-Type', 'From: a@example.com\r\nSubject: disk\r\n\r\nDisk /var is 97% full\r\n'],
    [
      'utf-8, 8bit',
      'Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\u00e9 cr\u00e8me \u20ac\r\n',
    ],
    [
      'quoted charset, folded header',
      'Subject: a long\r\n subject [groups: ops, dev]\r\nContent-Type: text/plain;\r\n charset="UTF-8"\r\n\r\nline one\r\nline two\r\n\r\n',
    ],
    ['the groups header', 'X-Gatehouse-Groups:  ops ,dev,ops \r\nSubject: [groups: other]\r\n\r\nhello\r\n'],
    [
      'us-ascii, 7bit',
      'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n  padded text  \r\n',
    ],
    ['bare LF line ends', 'Subject: lf\n\nfirst\nsecond\n'],
    ['no Content-Type, an 8-bit body', 'Subject: x\r\n\r\nCaf\u00e9 \u20ac5\r\n'],
    ['a BOM-less body with a dot line', 'Subject: x\r\n\r\n.\r\nend\r\n'],
  ] as const;

  it.each(plain)('%s: taken, and read as mailparser reads it', async (_label, text) => {
    const raw = Buffer.from(text, 'utf8');
    const fast = readPlainMail(raw);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(await readMimeMail(raw));
  });

  it.each([
    [
      'multipart',
      'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n',
    ],
    ['HTML', 'Content-Type: text/html\r\n\r\n<p>x</p>\r\n'],
    [
      'quoted-printable',
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9\r\n',
    ],
    ['base64', 'Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n'],
    ['another charset', 'Content-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\u00e9\r\n'],
    ['format=flowed', 'Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\nsoft \r\nwrapped\r\n'],
    ['an encoded subject', 'Subject: =?utf-8?q?=5Bgroups=3A_ops=5D?=\r\n\r\nx\r\n'],
    ['8-bit header bytes', 'Subject: caf\u00e9\r\n\r\nx\r\n'],
    ['no header/body separator', 'Subject: x\r\nbody without a blank line\r\n'],
    ['an empty body', 'Subject: x\r\n\r\n\r\n'],
  ] as const)('%s: left to mailparser', (_label, text) => {
    expect(readPlainMail(Buffer.from(text, 'utf8'))).toBeNull();
  });

  it('bytes that are not UTF-8 are left to mailparser', () => {
    expect(
      readPlainMail(Buffer.concat([Buffer.from('Subject: x\r\n\r\ncaf'), Buffer.from([0xe9, 0x0d, 0x0a])])),
    ).toBeNull();
  });
});

import { convert as htmlToText } from 'html-to-text';
import { simpleParser } from 'mailparser';

/** What a mail becomes: the text to send, and the groups it names. */
export interface MailText {
  text: string;
  groups: string[];
}

/** A message with nothing to send, or one that cannot be read as MIME: SMTP's 554 5.6.0. */
export class MailUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailUnreadable';
  }
}

/** `[groups: a, b]` anywhere in the subject. */
const SUBJECT_GROUPS = /\[groups:\s*([^\]]*)\]/i;
export const GROUPS_HEADER = 'x-gatehouse-groups';

/**
 * The text of a mail (DESIGN.md §2, `email` row): its `text/plain` part, else its HTML turned
 * into text; the declared charset of the part is honoured (mailparser decodes it). Groups come
 * from an `X-Gatehouse-Groups: a, b` header, else from `[groups: a, b]` in the subject; the
 * header wins when both are there. Attachments are ignored.
 */
export async function readMail(raw: Buffer): Promise<MailText> {
  return readPlainMail(raw) ?? readMimeMail(raw);
}

/** Any mail, through mailparser. */
export async function readMimeMail(raw: Buffer): Promise<MailText> {
  let parsed;
  try {
    parsed = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
    });
  } catch (err) {
    throw new MailUnreadable(
      `The message could not be read as MIME: ${err instanceof Error ? err.message : 'unknown'}`,
    );
  }
  let text = typeof parsed.text === 'string' ? parsed.text : '';
  if (text.trim() === '' && typeof parsed.html === 'string') {
    text = htmlToText(parsed.html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] });
  }
  text = text.replace(/\r\n?/g, '\n').trim();
  if (text === '') throw new MailUnreadable('The message has no text to send (no text/plain or HTML part).');
  return { text, groups: groupsOf(parsed.headers.get(GROUPS_HEADER), parsed.subject) };
}

function groupsOf(header: unknown, subject: string | undefined): string[] {
  const named = typeof header === 'string' ? header : (SUBJECT_GROUPS.exec(subject ?? '')?.[1] ?? '');
  return [
    ...new Set(
      named
        .split(',')
        .map((slug) => slug.trim())
        .filter((slug) => slug !== ''),
    ),
  ];
}

/** `text/plain` in UTF-8 or ASCII, no other parameter (no `format=flowed`), or no Content-Type at all. */
const PLAIN_TYPE = /^text\/plain\s*(?:;\s*charset\s*=\s*"?(?:utf-8|us-ascii)"?\s*)?;?\s*$/i;
const PLAIN_ENCODING = /^(?:7bit|8bit)$/i;

/**
 * The common mail of a monitoring tool or a printer, read without a MIME parser: one part,
 * `text/plain` in UTF-8 (or ASCII, or no Content-Type), no transfer encoding, no encoded words in
 * the headers it reads. Anything else (multipart, HTML, quoted-printable, base64, another
 * charset, `=?…?=`, bytes that are not UTF-8) returns null, for mailparser. Gives the same as
 * mailparser for the mails it takes (mail-text.spec.ts compares them); it costs a few µs where
 * mailparser costs 120–145.
 */
export function readPlainMail(raw: Buffer): MailText | null {
  let end = raw.indexOf('\r\n\r\n');
  let bodyStart = end + 4;
  const bare = raw.indexOf('\n\n');
  if (end === -1 || (bare !== -1 && bare < end)) {
    end = bare;
    bodyStart = bare + 2;
  }
  if (end === -1) return null;
  const head = raw.subarray(0, end).toString('latin1');
  if (/[^\t\r\n\x20-\x7e]/.test(head)) return null; // 8-bit headers: mailparser's business
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (headers.has(name) && (name === 'content-type' || name === 'subject' || name === GROUPS_HEADER)) return null;
    headers.set(name, line.slice(colon + 1).trim());
  }
  const type = headers.get('content-type');
  if (type !== undefined && !PLAIN_TYPE.test(type)) return null;
  const encoding = headers.get('content-transfer-encoding');
  if (encoding !== undefined && !PLAIN_ENCODING.test(encoding)) return null;
  const subject = headers.get('subject');
  const groups = headers.get(GROUPS_HEADER);
  if (subject?.includes('=?') || groups?.includes('=?')) return null;
  const body = raw.subarray(bodyStart);
  const text = body.toString('utf8');
  if (text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(body)) return null; // not UTF-8
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') return null; // mailparser says why
  return { text: trimmed, groups: groupsOf(groups, subject) };
}

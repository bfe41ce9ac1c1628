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

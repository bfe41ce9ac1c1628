import type { Refusal, RawAnswer } from './index';

/** A reply of a line protocol (FTP, SMTP): its code, its last line's text and every line. */
interface LineReply {
  code: number;
  text: string;
  lines: string[];
}

/**
 * For protocols whose replies carry no error codes of their own (FTP, SMTP): the driver's code
 * for a reply, named by its text (`table`, matched after `strip` removes any prefix such as an
 * enhanced status code); a refusal in the suite's terms; and the code of a raw answer.
 */
export function replyCodes(protocol: string, table: Array<[RegExp, string]>, strip = (text: string) => text) {
  const codeOf = (text: string): string | undefined => table.find(([pattern]) => pattern.test(strip(text)))?.[1];

  const refusal = (reply: LineReply): Refusal => {
    const code = codeOf(reply.text);
    if (code === undefined)
      throw new Error(`${protocol}: a refusal the driver does not know: ${reply.code} ${reply.text}`);
    const retryAfter = /try again in (\d+) seconds/.exec(reply.text)?.[1];
    return {
      ok: false,
      status: reply.code,
      code,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      text: reply.lines.join('\r\n'),
    };
  };

  /** The code named by the answer's final line (the one with its status and a space). */
  const errorCode = (answer: RawAnswer): string | undefined => {
    const last = answer.body.split('\r\n').find((line) => line.startsWith(`${answer.status} `));
    return last === undefined ? undefined : codeOf(last.slice(4));
  };

  return { codeOf, refusal, errorCode };
}

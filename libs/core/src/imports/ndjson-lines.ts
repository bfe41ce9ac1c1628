import { StringDecoder } from 'node:string_decoder';

/** A line of an NDJSON stream, numbered from 1; `tooLong` when it was cut off unread. */
export type NdjsonLine = { line: number; text: string; tooLong?: false } | { line: number; tooLong: true };

/** Longest line kept: one account with its credentials. Longer ones are skipped and reported. */
export const MAX_IMPORT_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines without holding more than one line in memory: a line over
 * `maxBytes` is skipped up to its newline and reported as too long. Blank lines are skipped
 * (but counted, so numbers match the file); a trailing `\r` is dropped.
 */
export async function* ndjsonLines(
  source: AsyncIterable<Buffer | string>,
  maxBytes = MAX_IMPORT_LINE_BYTES,
): AsyncGenerator<NdjsonLine> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let pendingBytes = 0;
  let skipping = false;
  let line = 0;
  const finish = function* (text: string): Generator<NdjsonLine> {
    line++;
    if (skipping) {
      skipping = false;
      yield { line, tooLong: true };
      return;
    }
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() !== '') yield { line, text: trimmed };
  };
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const head = text.slice(start, nl);
      if (!skipping && pendingBytes + Buffer.byteLength(head) > maxBytes) skipping = true;
      const piece = skipping ? '' : pending + head;
      pending = '';
      pendingBytes = 0;
      start = nl + 1;
      yield* finish(piece);
    }
    if (skipping) continue;
    const tail = text.slice(start);
    pending += tail;
    pendingBytes += Buffer.byteLength(tail);
    if (pendingBytes > maxBytes) {
      pending = '';
      pendingBytes = 0;
      skipping = true;
    }
  }
  const rest = pending + decoder.end();
  if (rest !== '' || skipping) yield* finish(rest);
}

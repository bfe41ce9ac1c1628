import { Readable } from 'node:stream';
import { NdjsonLine, ndjsonLines } from './ndjson-lines';

async function collect(chunks: (string | Buffer)[], maxBytes?: number): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const line of ndjsonLines(Readable.from(chunks, { objectMode: true }), maxBytes)) out.push(line);
  return out;
}

describe('ndjsonLines', () => {
  it('numbers lines as the file does, skipping blank ones and a trailing \\r', async () => {
    expect(await collect(['{"a":1}\r\n\n  \n{"b"', ':2}\n{"c":3}'])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":2}' },
      { line: 5, text: '{"c":3}' },
    ]);
  });

  it('joins a UTF-8 character split between two chunks', async () => {
    const bytes = Buffer.from('{"name":"Zoë 🚀"}\n');
    const cut = bytes.indexOf(0xf0) + 2; // inside the rocket's four bytes
    expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([
      { line: 1, text: '{"name":"Zoë 🚀"}' },
    ]);
  });

  it('skips a line longer than the limit to its newline, reports it, and reads on', async () => {
    const long = 'x'.repeat(40);
    expect(await collect(['{"a":1}\n', long.slice(0, 20), long.slice(20) + '\n{"b":2}\n', long], 30)).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, tooLong: true },
      { line: 3, text: '{"b":2}' },
      { line: 4, tooLong: true },
    ]);
  });

  it('keeps memory to one line: a limit-sized line passes', async () => {
    const line = `{"k":"${'y'.repeat(22)}"}`; // 30 bytes
    expect(await collect([line + '\n'], 30)).toEqual([{ line: 1, text: line }]);
  });
});

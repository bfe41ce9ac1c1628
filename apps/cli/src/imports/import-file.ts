import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ParseError, printParseErrorCode, parseTree } from 'jsonc-parser';
import { UsageError } from '../exit-codes';

export type ImportFormat = 'json' | 'ndjson';

/**
 * An import file as the server takes it: NDJSON, one ACCOUNT per line. An NDJSON file is sent
 * as it is, streamed from disk (any size); a JSON document `{"accounts": [ACCOUNT, …]}` (for
 * small files) is read whole, and each ACCOUNT becomes one line, remembered with the line of
 * the file where it starts, so errors name the file's lines either way.
 */
export interface ImportFile {
  format: ImportFormat;
  /** Lines (accounts) the server will read: the progress bar's total. */
  lines: number;
  /** The body, afresh for each request. */
  body(): AsyncIterable<Buffer | string>;
  /** The line of the file where the server's line `n` is. */
  fileLine(n: number): number;
}

/** Largest JSON document read whole; bigger imports are NDJSON. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export async function openImportFile(file: string, format?: ImportFormat): Promise<ImportFile> {
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new UsageError(`error: ${file} is not a file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const chosen = format ?? (await sniff(file));
  if (chosen === 'ndjson') {
    return {
      format: chosen,
      lines: await countLines(file),
      body: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
      fileLine: (n) => n,
    };
  }
  if (size > MAX_JSON_BYTES) {
    throw new UsageError(`error: ${file} is ${Math.round(size / 2 ** 20)} MiB: send an import this big as NDJSON`, [
      'hint: one ACCOUNT object per line; see docs/examples/legacy-import.ndjson',
    ]);
  }
  return fromJsonDocument(file, fs.readFileSync(file, 'utf8'));
}

/** `.ndjson`/`.jsonl` or `.json` by name; otherwise by content (`{"accounts"` opens a document). */
async function sniff(file: string): Promise<ImportFormat> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.json') return 'json';
  const handle = await fs.promises.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return /^\s*\{\s*"accounts"\s*:/.test(buffer.subarray(0, bytesRead).toString('utf8')) ? 'json' : 'ndjson';
  } finally {
    await handle.close();
  }
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1];
  }
  return last === 10 ? lines : lines + 1;
}

function fromJsonDocument(file: string, text: string): ImportFile {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const lineOf = lineIndex(text);
  if (errors.length > 0 || !root) {
    const e = errors[0];
    const where = e ? `line ${lineOf(e.offset)}: ${printParseErrorCode(e.error)}` : 'empty document';
    throw new UsageError(`error: ${file} is not valid JSON (${where})`);
  }
  const accountsNode =
    root.type === 'object'
      ? root.children?.find((p) => p.children?.[0]?.value === 'accounts')?.children?.[1]
      : undefined;
  if (!accountsNode || accountsNode.type !== 'array') {
    throw new UsageError(`error: ${file}: a JSON import is {"accounts": [ACCOUNT, …]}`, [
      'hint: or NDJSON, one ACCOUNT per line (.ndjson)',
    ]);
  }
  const items = accountsNode.children ?? [];
  const startLines = items.map((node) => lineOf(node.offset));
  const lines = items.map((node) => JSON.stringify(JSON.parse(text.slice(node.offset, node.offset + node.length))));
  return {
    format: 'json',
    lines: lines.length,
    body: () => Readable.from(lines.length > 0 ? [lines.join('\n') + '\n'] : []),
    fileLine: (n) => startLines[n - 1] ?? n,
  };
}

/** Offset → 1-based line number, by binary search over the newline offsets. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

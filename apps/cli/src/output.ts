import Table from 'cli-table3';

/**
 * How results are printed. `table` (people): tables and sentences, used when standard output is
 * a terminal. `json` (scripts): the API's JSON as it is, one document per command, used with
 * `--json` or whenever standard output is not a terminal (a pipe, a file), so what a script
 * captures always parses.
 */
export type OutputMode = 'table' | 'json';

export interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** A column of a table: its heading and how to get the cell from a row. */
export type Column<T> = [heading: string, cell: (row: T) => unknown];

export class Output {
  constructor(
    readonly mode: OutputMode,
    private readonly stdout: Writable,
    private readonly stderr: Writable,
  ) {}

  static choose(forceJson: boolean, stdout: Writable, stderr: Writable): Output {
    return new Output(forceJson || !stdout.isTTY ? 'json' : 'table', stdout, stderr);
  }

  get json(): boolean {
    return this.mode === 'json';
  }

  /** Prints the API's JSON (json mode) or lets `human` print it for people (table mode). */
  result<T>(body: T, human: (body: T) => void): void {
    if (this.json) this.stdout.write(JSON.stringify(body, null, 2) + '\n');
    else human(body);
  }

  /** A line for people on standard output (table mode only: json mode prints nothing but the document). */
  line(text = ''): void {
    if (!this.json) this.stdout.write(text + '\n');
  }

  /** A note for people: standard output in table mode, standard error in json mode (stdout stays parseable). */
  note(text: string): void {
    (this.json ? this.stderr : this.stdout).write(text + '\n');
  }

  table<T>(rows: T[], columns: Column<T>[], empty = '(none)'): void {
    if (rows.length === 0) {
      this.line(empty);
      return;
    }
    const table = new Table({
      head: columns.map(([heading]) => heading),
      style: { head: [], border: [], compact: true },
    });
    for (const row of rows) table.push(columns.map(([, cell]) => cellText(cell(row))));
    this.line(table.toString());
  }

  /** One resource as a two-column table: field, value. */
  record<T>(row: T, fields: Column<T>[]): void {
    const table = new Table({ style: { head: [], border: [], compact: true } });
    for (const [label, cell] of fields) table.push({ [label]: cellText(cell(row)) });
    this.line(table.toString());
  }

  /** A secret in table mode, framed so nobody takes it for something that can be shown again. */
  secret(label: string, value: string): void {
    this.line(`${label} (shown once, store it now: it cannot be shown again):`);
    this.line('');
    this.line(`    ${value}`);
    this.line('');
  }
}

/** Table cells: `-` for nothing, yes/no, lists comma-separated, times to the second. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cellText).join(', ');
  if (typeof value === 'string') {
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) ? value.replace(/\.\d+Z$/, 'Z') : value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** `nextCursor` told to people: how to get the rest. */
export function morePages(out: Output, nextCursor: string | null): void {
  if (nextCursor) out.line(`More results: add --all, or --cursor ${nextCursor} for the next page.`);
}

import { SingleBar } from 'cli-progress';
import type { Writable } from '../output';

/** Plain progress lines (not a terminal) come at most this often. */
const PLAIN_EVERY_MS = 2000;

/**
 * Progress of one import pass on standard error: a bar on a terminal, plain lines otherwise
 * (a log file or CI keeps one line every two seconds, not a bar's redraws).
 */
export class ImportProgress {
  private readonly bar: SingleBar | null;
  private lastPlain = 0;
  private done = 0;
  private printed = -1;

  constructor(
    private readonly stderr: Writable,
    private readonly total: number,
    private readonly label: string,
  ) {
    this.bar = stderr.isTTY
      ? new SingleBar({
          stream: stderr as NodeJS.WriteStream,
          format: `${label} [{bar}] {percentage}% | {value}/{total} lines | {duration_formatted}`,
          hideCursor: true,
          clearOnComplete: false,
        })
      : null;
    this.bar?.start(Math.max(total, 1), 0);
  }

  update(lines: number): void {
    this.done = lines;
    if (this.bar) {
      this.bar.update(Math.min(lines, this.total));
      return;
    }
    const now = Date.now();
    if (now - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastPlain = now;
      this.plain();
    }
  }

  /** A line of its own (a refusal), above the bar. */
  interrupt(text: string): void {
    if (this.bar) {
      this.stderr.write('\r\x1b[2K');
      this.stderr.write(text + '\n');
      this.bar.render?.();
    } else {
      this.stderr.write(text + '\n');
    }
  }

  stop(): void {
    if (this.bar) this.bar.stop();
    else if (this.done !== this.printed) this.plain();
  }

  private plain(): void {
    this.printed = this.done;
    this.stderr.write(`${this.label}: ${this.done} of ${this.total} lines\n`);
  }
}

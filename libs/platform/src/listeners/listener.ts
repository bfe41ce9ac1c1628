import type { ListenerName } from '@gatehouse/config';

export interface BoundAddress {
  host: string;
  port: number;
}

/**
 * One of the process's network listeners (DESIGN.md §2): the HTTP listener (admin API, REST,
 * HTTP, SOAP), FTP, SFTP, SMTP. `GATEHOUSE_LISTENERS` names the ones a process runs; `main.ts`,
 * the e2e test app and the benchmark all start them through the same runtime.
 */
export interface Listener {
  readonly name: ListenerName;
  /** Binds and starts accepting; resolves once bound. */
  start(): Promise<void>;
  /**
   * Stops accepting, lets the work in flight finish for at most `graceMs`, then closes what is
   * left (with the protocol's goodbye where it has one).
   */
  stop(graceMs: number): Promise<void>;
  /** Where it is bound, once started. */
  address(): BoundAddress | null;
  /** What a client needs besides the address, for the start banner (e.g. the SSH host key fingerprint). */
  bannerNote?(): string | null;
}

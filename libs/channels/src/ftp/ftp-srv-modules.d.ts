/**
 * ftp-srv 4.6.3 publishes types for its entry point only. The FTP listener reuses its stock
 * command handlers (see ftp-srv-internals.ts), reached through this one internal module.
 */
declare module 'ftp-srv/src/commands/registry' {
  interface StockCommandArgs {
    log: unknown;
    command: { directive: string; arg: string | null; flags: string[]; raw: string };
    previous_command: unknown;
  }
  interface StockCommand {
    directive: string | string[];
    handler(this: unknown, args: StockCommandArgs): unknown;
    flags?: { no_auth?: boolean; feat?: string; obsolete?: boolean };
  }
  const registry: Record<string, StockCommand>;
  export = registry;
}

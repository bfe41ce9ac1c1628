import { Command, CommanderError, Option } from 'commander';
import { ApiClient } from './api-client';
import { registerAccountsCommands } from './commands/accounts.command';
import { registerAdminTokensCommands } from './commands/admin-tokens.command';
import { registerCredentialsCommands } from './commands/credentials.command';
import { registerDatabaseCommands } from './commands/database.command';
import { registerGroupsCommands } from './commands/groups.command';
import { registerImportCommand } from './commands/import.command';
import { registerVerifyCommand } from './commands/verify.command';
import { CliError, ExitCode } from './exit-codes';
import { CliIo } from './input';
import { httpUrl, integerIn } from './option-parsers';
import { Output } from './output';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The options every command takes (before or after the command's name). */
export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
  timeout: number;
}

/** What a command needs; read inside an action, once the command line is parsed. */
export interface CliDeps {
  io: CliIo;
  /** The environment the database commands configure themselves from (as the server does). */
  env: NodeJS.ProcessEnv;
  globals(): GlobalOptions;
  /** The admin API at --url / GATEHOUSE_URL with --token / GATEHOUSE_TOKEN. */
  api(): ApiClient;
  /** Tables on a terminal; the API's JSON with --json or when standard output is not a terminal. */
  out(): Output;
}

/** A command group: adds its commands to the program. */
export type RegisterCommands = (program: Command, deps: CliDeps) => void;

/**
 * The command groups, in the order `--help` lists them. THE one place a group is registered:
 * add a new one (e.g. `registerImportCommand` from './commands/import.command') to this list.
 */
const COMMAND_GROUPS: RegisterCommands[] = [
  registerAccountsCommands,
  registerCredentialsCommands,
  registerGroupsCommands,
  registerAdminTokensCommands,
  registerVerifyCommand,
  registerImportCommand,
  registerDatabaseCommands,
];

/**
 * The `gatehouse` program. Commander never exits the process itself (exitOverride): usage errors
 * come out of `parseAsync` as CommanderError, which `runCli` turns into exit code 2.
 */
export function buildProgram(io: CliIo, env: NodeJS.ProcessEnv, groups = COMMAND_GROUPS): Command {
  const program = new Command('gatehouse');
  program
    .description('Manage a Gatehouse server through its admin API')
    .addOption(
      new Option('--url <url>', 'the server’s address').env('GATEHOUSE_URL').default(DEFAULT_URL).argParser(httpUrl),
    )
    .addOption(
      new Option(
        '--token <token>',
        'the root token or an admin token (prefer the variable: an argument shows in ps and shell history)',
      ).env('GATEHOUSE_TOKEN'),
    )
    .option('--json', 'print the API’s JSON as it is (the default when standard output is not a terminal)')
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the server').default(30).argParser(integerIn(1, 3600)),
    )
    // Inherited by every subcommand added below: errors are thrown, output goes to io.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Output: tables on a terminal; the API's JSON, as it is, with --json or when standard output
is not a terminal (a pipe or a file). Secrets are printed only by the commands that create or
rotate them, once. A secret is never an argument: --secret-stdin reads it from standard input
(or asks for it without echo on a terminal).

Exit codes: 0 done; 1 refused by the server (or verify: not valid; or a database command
failed); 2 usage error; 3 the server could not be reached.

migrate and root-token work on the database itself, configured from the environment exactly
as the server is (DATABASE_URL, GATEHOUSE_DATA_DIR, GATEHOUSE_PEPPER).`,
    );

  let api: ApiClient | undefined;
  let out: Output | undefined;
  const deps: CliDeps = {
    io,
    env,
    globals: () => program.opts<GlobalOptions>(),
    api: () =>
      (api ??= new ApiClient({
        baseUrl: deps.globals().url,
        token: deps.globals().token,
        timeoutMs: deps.globals().timeout * 1000,
      })),
    out: () => (out ??= Output.choose(deps.globals().json === true, io.stdout, io.stderr)),
  };
  for (const register of groups) register(program, deps);
  return program;
}

/** Runs one command line (`argv` as process.argv has it) and resolves with the exit code. Never throws. */
export async function runCli(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  groups = COMMAND_GROUPS,
): Promise<number> {
  try {
    await buildProgram(io, env, groups).parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: CliIo): number {
  // Commander printed its own message (or the help) already.
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (err instanceof CliError) {
    for (const line of [err.message, ...err.hints]) if (line) io.stderr.write(line + '\n');
    return err.exitCode;
  }
  // Anything else is a bug or an unforeseen failure: its message, never a stack trace.
  io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return ExitCode.refused;
}

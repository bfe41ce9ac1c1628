import { Command, Option } from 'commander';
import type { VerifyResultView } from '@gatehouse/admin-api/views/views';
import { CliError, ExitCode, UsageError } from '../exit-codes';
import { promptHidden, readStdin } from '../input';
import { CHANNELS } from '../option-parsers';
import type { CliDeps } from '../program';

interface VerifyOptions {
  channel: string;
  username?: string;
  ip: string;
  secretStdin?: boolean;
}

export function registerVerifyCommand(program: Command, deps: CliDeps): void {
  program
    .command('verify')
    .description('check a secret as a listener would: exit 0 when valid, 1 when not (with the reason)')
    .addOption(new Option('--channel <channel>', 'the channel it is for').choices(CHANNELS).makeOptionMandatory())
    .option('--username <username>', 'its username (omit for a bare key)')
    .requiredOption('--ip <address>', 'the client’s address, as allowlists and bans see it')
    .option('--secret-stdin', 'read the secret from standard input (on a terminal it is asked for without echo)')
    .action(async (opts: VerifyOptions) => {
      let secret: string;
      if (opts.secretStdin && !deps.io.stdin.isTTY) secret = await readStdin(deps.io, 'secret');
      else if (deps.io.stdin.isTTY) secret = await promptHidden(deps.io, 'Secret: ');
      else {
        throw new UsageError('error: the secret is read from standard input: add --secret-stdin', [
          'hint: e.g. printf %s "$SECRET" | gatehouse verify --channel ftp --username u --ip 192.0.2.1 --secret-stdin',
        ]);
      }
      if (secret === '') throw new UsageError('error: no secret given');
      const body = { channel: opts.channel, username: opts.username, secret, ip: opts.ip };
      const result = await deps.api().post<VerifyResultView>('/admin/v1/verify', body);
      const out = deps.out();
      if (out.json) out.result(result, () => undefined);
      // People read the verdict on stdout; with JSON on stdout, an invalid one is also told on stderr.
      const verdict = result.valid
        ? `valid: credential ${result.credentialId ?? '?'} of account ${result.accountId ?? '?'}`
        : `invalid: ${result.reason ?? 'no reason given'}`;
      if (!out.json || !result.valid) out.note(verdict);
      // Not valid: exit 1; the reason is printed above (or is in the JSON).
      if (!result.valid) throw new CliError(ExitCode.refused, '');
    });
}

import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { CliError, ExitCode, UsageError } from '../exit-codes';
import { ImportFile, ImportFormat, openImportFile } from '../imports/import-file';
import { ImportEventView, ImportSummaryView, IssuedSecret, issuedSecrets } from '../imports/import-events';
import { ImportProgress } from '../imports/import-progress';
import { Output } from '../output';
import type { CliDeps } from '../program';

interface ImportOptions {
  dryRun?: boolean;
  format?: ImportFormat;
  secretsOut?: string;
}

/**
 * `gatehouse import FILE`: two passes over `POST /admin/v1/import`. The first is a dry run that
 * checks every line against the file and the server; if any line is refused, they are all
 * listed with their line numbers and nothing is written. Only a clean file is sent again for real.
 */
export function registerImportCommand(program: Command, deps: CliDeps): void {
  program
    .command('import')
    .description('import accounts and credentials from another system (idempotent: a re-run changes nothing)')
    .argument('<file>', 'JSON {"accounts": [ACCOUNT, …]} or NDJSON, one ACCOUNT per line (docs/examples/)')
    .option('--dry-run', 'check every line against the file and the server; write nothing')
    .addOption(
      new Option('--format <format>', 'the file’s format (default: by extension, else by content)').choices([
        'json',
        'ndjson',
      ]),
    )
    .option('--secrets-out <file>', 'write generated secrets (shown once) to this new file, mode 0600, as NDJSON')
    .addHelpText(
      'after',
      `
Root token only. Accounts are matched by externalId, credentials by channel + username (or by
channel + name when they have no username, as REST keys), so importing the same file again
changes nothing. A credential brings "secret" (plain, hashed on the way in) or "secretHash"
(bcrypt $2a$/$2b$/$2y$); the secret of a credential that already exists is never changed.
Generated secrets are printed once (or written to --secrets-out). Progress and refusals go to
standard error; with --json, standard output is NDJSON: each generated secret, then the summary.`,
    )
    .action(async (file: string, opts: ImportOptions) => {
      const out = deps.out();
      const importFile = await openImportFile(file, opts.format);
      const secrets = opts.secretsOut ? openSecretsFile(opts.secretsOut) : null;
      try {
        const check = await runPass(deps, importFile, true, null);
        const refused = check.accounts.refused;
        if (refused > 0 || opts.dryRun) {
          printSummary(out, check, deps);
          if (refused > 0) {
            throw new CliError(
              ExitCode.refused,
              `error: ${refused} of ${check.accounts.created + check.accounts.updated + check.accounts.unchanged + refused} ` +
                `accounts refused (listed above); nothing was written`,
              ['hint: fix those lines and run the import again'],
            );
          }
          return;
        }
        const issued: IssuedSecret[] = [];
        let written = 0;
        const result = await runPass(deps, importFile, false, (s) => {
          if (secrets) {
            fs.writeSync(secrets, JSON.stringify(s) + '\n');
            written++;
          } else if (out.json) deps.io.stdout.write(JSON.stringify({ type: 'secret', ...s }) + '\n');
          else issued.push(s);
        });
        if (issued.length > 0) printSecrets(out, issued);
        if (written > 0) out.note(`${written} generated secrets were written to ${opts.secretsOut} (shown once).`);
        printSummary(out, result, deps);
        if (result.accounts.refused > 0) {
          throw new CliError(
            ExitCode.refused,
            `error: ${result.accounts.refused} accounts refused while writing (listed above)`,
            ['hint: another change raced this import; run it again (what is written stays as it is)'],
          );
        }
      } finally {
        if (secrets) fs.closeSync(secrets);
      }
    });
}

/** One request: streams the file up and the server's events down; refusals go to stderr as they come. */
async function runPass(
  deps: CliDeps,
  file: ImportFile,
  dryRun: boolean,
  onSecret: ((s: IssuedSecret) => void) | null,
): Promise<ImportSummaryView> {
  const progress = new ImportProgress(deps.io.stderr, file.lines, dryRun ? 'checking' : 'importing');
  let summary: ImportSummaryView | null = null;
  try {
    for await (const event of deps.api().streamNdjson<ImportEventView>('/admin/v1/import', file.body(), {
      dryRun: dryRun ? 'true' : undefined,
    })) {
      switch (event.type) {
        case 'progress':
          progress.update(event.lines);
          break;
        case 'refused': {
          const where = `line ${file.fileLine(event.line)}${event.externalId ? ` (${event.externalId})` : ''}`;
          progress.interrupt(`${where}: ${event.error.code}: ${event.error.message}`);
          break;
        }
        case 'issued':
          for (const s of issuedSecrets(event)) onSecret?.(s);
          break;
        case 'error':
          throw new CliError(ExitCode.refused, `error: ${event.error.code}: ${event.error.message}`);
        case 'summary':
          summary = event;
          break;
      }
    }
  } finally {
    progress.stop();
  }
  if (!summary) throw new CliError(ExitCode.unreachable, 'error: the server closed the import before its summary');
  return summary;
}

function openSecretsFile(file: string): number {
  try {
    return fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'EEXIST'
        ? `error: ${file} exists: --secrets-out writes a new file`
        : `error: cannot create ${file}: ${code}`,
    );
  }
}

function printSecrets(out: Output, issued: IssuedSecret[]): void {
  out.line('Generated secrets — shown once, store them now:');
  out.table(issued, [
    ['line', (s) => s.line],
    ['external id', (s) => s.externalId],
    ['channel', (s) => s.channel],
    ['username', (s) => s.username],
    ['secret', (s) => s.secret],
    ['postback signing secret', (s) => s.postbackSigningSecret],
  ]);
}

function printSummary(out: Output, summary: ImportSummaryView, deps: CliDeps): void {
  if (out.json) {
    deps.io.stdout.write(JSON.stringify(summary) + '\n');
    return;
  }
  out.line(summary.dryRun ? 'Dry run: nothing was written. What the import would do:' : 'Import done:');
  out.table(
    [
      { what: 'accounts', ...summary.accounts },
      { what: 'credentials', ...summary.credentials },
    ],
    [
      ['', (r) => r.what],
      ['created', (r) => r.created],
      ['updated', (r) => r.updated],
      ['unchanged', (r) => r.unchanged],
      ['refused', (r) => r.refused],
    ],
  );
}

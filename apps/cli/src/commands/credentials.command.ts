import { Command, Option } from 'commander';
import type { CredentialView, IssuedCredentialView } from '@gatehouse/admin-api/views/views';
import { seg } from '../api-client';
import { confirmDelete, readSecret } from '../input';
import { CHANNELS, commaList, integerIn, rateLimit, repeatable } from '../option-parsers';
import { Column, Output, morePages } from '../output';
import type { CliDeps } from '../program';

const LIST_COLUMNS: Column<CredentialView>[] = [
  ['id', (c) => c.id],
  ['channel', (c) => c.channel],
  ['name', (c) => c.name],
  ['username', (c) => c.username],
  ['enabled', (c) => c.enabled],
  ['scope', (c) => (c.scope === 'groups' ? `groups: ${c.groups.join(', ')}` : c.scope)],
  ['expires', (c) => c.expiresAt],
  ['last used', (c) => c.lastUsedAt],
];

const FIELDS: Column<CredentialView>[] = [
  ['id', (c) => c.id],
  ['account', (c) => c.accountId],
  ['channel', (c) => c.channel],
  ['name', (c) => c.name],
  ['username', (c) => c.username],
  ['enabled', (c) => c.enabled],
  ['secret ends with', (c) => (c.secretHint ? `…${c.secretHint}` : null)],
  ['expires', (c) => c.expiresAt],
  ['allowed addresses', (c) => (c.allowedCidrs.length === 0 ? 'any' : c.allowedCidrs)],
  ['postback URL', (c) => c.postbackUrl],
  ['off the record', (c) => c.offTheRecord],
  ['scope', (c) => (c.scope === 'groups' ? `groups: ${c.groups.join(', ')}` : c.scope)],
  ['rate limit', (c) => (c.rateLimit ? `${c.rateLimit.requests} per ${c.rateLimit.perSeconds} s` : 'none')],
  ['avatar', (c) => c.hasAvatar],
  ['created', (c) => c.createdAt],
  ['updated', (c) => c.updatedAt],
  ['rotated', (c) => c.rotatedAt],
  ['last used', (c) => c.lastUsedAt],
];

interface CreateOptions {
  channel: string;
  name: string;
  username?: string;
  secretStdin?: boolean;
  expiresAt?: string;
  cidr?: string[];
  postbackUrl?: string;
  offTheRecord?: boolean;
  disabled?: boolean;
  groups?: string[];
  rateLimit?: { requests: number; perSeconds: number };
}

interface ListOptions {
  channel?: string;
  q?: string;
  enabled?: 'true' | 'false';
  limit?: number;
  cursor?: string;
  all?: boolean;
}

interface RotateOptions {
  grace?: number;
  username?: string;
  secretStdin?: boolean;
}

export function registerCredentialsCommands(program: Command, deps: CliDeps): void {
  const credentials = program.command('credentials').description('channel credentials (what clients log in with)');

  credentials
    .command('create')
    .description('issue a credential; its secret (and postback signing secret) are printed once')
    .argument('<account-id>', 'the account it belongs to')
    .addOption(
      new Option('--channel <channel>', 'the one channel it logs into').choices(CHANNELS).makeOptionMandatory(),
    )
    .requiredOption('--name <name>', 'display name, 1–100 characters')
    .option('--username <username>', 'custom login id (not on rest): 3–64 of A-Za-z0-9._@+-; default generated')
    .option('--secret-stdin', 'a custom secret (not on rest, 12–128 characters) from standard input; default generated')
    .option('--expires-at <iso>', 'authentication fails after this time (ISO-8601)')
    .option('--cidr <cidr>', 'an address or CIDR it may be used from (repeat for more; default any)', repeatable)
    .option('--postback-url <url>', 'http(s) URL that receives its events')
    .option('--off-the-record', 'do not write its successful requests to the request log')
    .option('--disabled', 'create it blocked')
    .option('--groups <slugs>', 'scope it to these recipient groups, comma-separated', commaList)
    .option('--rate-limit <n/s>', 'at most N requests per S seconds, e.g. 100/60', rateLimit)
    .action(async (accountId: string, opts: CreateOptions) => {
      const secret = opts.secretStdin ? await readSecret(deps.io, 'secret', { confirm: true }) : undefined;
      const body = {
        channel: opts.channel,
        name: opts.name,
        username: opts.username,
        secret,
        expiresAt: opts.expiresAt,
        allowedCidrs: opts.cidr,
        postbackUrl: opts.postbackUrl,
        offTheRecord: opts.offTheRecord,
        enabled: opts.disabled ? false : undefined,
        ...(opts.groups ? { scope: 'groups', groups: opts.groups } : {}),
        rateLimit: opts.rateLimit,
      };
      const issued = await deps
        .api()
        .post<IssuedCredentialView>(`/admin/v1/accounts/${seg(accountId)}/credentials`, body);
      deps.out().result(issued, (i) => printIssued(deps.out(), i, 'Created', !!secret));
    });

  credentials
    .command('list')
    .description('an account’s credentials (never their secrets)')
    .argument('<account-id>', 'account id')
    .addOption(new Option('--channel <channel>', 'only this channel').choices(CHANNELS))
    .option('--q <text>', 'name contains (case-insensitive)')
    .addOption(new Option('--enabled <bool>', 'only enabled (true) or blocked (false)').choices(['true', 'false']))
    .option('--limit <n>', 'page size, 1–200 (default 50)', integerIn(1, 200))
    .option('--cursor <cursor>', 'the page after this cursor (nextCursor of the previous page)')
    .option('--all', 'every page, following nextCursor')
    .action(async (accountId: string, opts: ListOptions) => {
      const query = { channel: opts.channel, q: opts.q, enabled: opts.enabled, limit: opts.limit, cursor: opts.cursor };
      const page = await deps
        .api()
        .list<CredentialView>(`/admin/v1/accounts/${seg(accountId)}/credentials`, query, opts.all === true);
      deps.out().result(page, (p) => {
        deps.out().table(p.data, LIST_COLUMNS, 'No credentials.');
        morePages(deps.out(), p.nextCursor);
      });
    });

  credentials
    .command('show')
    .description('one credential (never its secret)')
    .argument('<id>', 'credential id')
    .action(async (id: string) => {
      const credential = await deps.api().get<CredentialView>(`/admin/v1/credentials/${seg(id)}`);
      deps.out().result(credential, (c) => deps.out().record(c, FIELDS));
    });

  credentials
    .command('rotate')
    .description('a new secret, printed once; the old one stops working now, or after --grace seconds')
    .argument('<id>', 'credential id')
    .option('--grace <seconds>', 'keep the old secret valid this long (0–604800; default 0)', integerIn(0, 604_800))
    .option('--username <username>', 'a new username too (not on rest); takes effect at once')
    .option('--secret-stdin', 'a custom new secret (not on rest) from standard input; default generated')
    .action(async (id: string, opts: RotateOptions) => {
      const secret = opts.secretStdin ? await readSecret(deps.io, 'new secret', { confirm: true }) : undefined;
      const body = { graceSeconds: opts.grace, username: opts.username, secret };
      const issued = await deps.api().post<IssuedCredentialView>(`/admin/v1/credentials/${seg(id)}/rotate`, body);
      deps.out().result(issued, (i) => {
        printIssued(deps.out(), i, 'Rotated', !!secret);
        deps
          .out()
          .line(
            opts.grace
              ? `The old secret keeps working for ${opts.grace} s.`
              : 'The old secret no longer works; open sessions that used it are ended.',
          );
      });
    });

  for (const [name, enabled, description, done] of [
    ['block', false, 'block a credential: every login fails and its open sessions end', 'blocked'],
    ['unblock', true, 'unblock a blocked credential', 'enabled again'],
  ] as const) {
    credentials
      .command(name)
      .description(description)
      .argument('<id>', 'credential id')
      .action(async (id: string) => {
        const credential = await deps.api().patch<CredentialView>(`/admin/v1/credentials/${seg(id)}`, { enabled });
        deps.out().result(credential, (c) => deps.out().line(`Credential ${c.id} (${c.name}) is ${done}.`));
      });
  }

  credentials
    .command('delete')
    .description('delete a credential; its open sessions end')
    .argument('<id>', 'credential id')
    .option('--yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .action(async (id: string, opts: { yes?: boolean }) => {
      await confirmDelete(deps.io, opts.yes, `credential ${id}`);
      await deps.api().delete(`/admin/v1/credentials/${seg(id)}`);
      deps.out().line(`Deleted credential ${id}.`);
    });
}

function printIssued(out: Output, issued: IssuedCredentialView, verb: string, customSecret: boolean): void {
  const c = issued.credential;
  out.line(`${verb} ${c.channel} credential ${c.name} (${c.id}).`);
  out.record(c, FIELDS);
  if (issued.secret !== null && !customSecret) out.secret('Secret', issued.secret);
  if (customSecret) out.line('The secret is the one given on standard input.');
  if (issued.postbackSigningSecret) out.secret('Postback signing secret', issued.postbackSigningSecret);
}

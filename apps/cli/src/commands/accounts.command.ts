import { Command, Option } from 'commander';
// Types only (erased at run time): the CLI prints what the server's views say.
import type { AccountView, ChannelStateView, CreatedAccountView } from '@gatehouse/admin-api/views/views';
import { Page, seg } from '../api-client';
import { confirmDelete } from '../input';
import { integerIn } from '../option-parsers';
import { Column, Output, morePages } from '../output';
import type { CliDeps } from '../program';

const ACCOUNT_COLUMNS: Column<AccountView>[] = [
  ['id', (a) => a.id],
  ['kind', (a) => a.kind],
  ['name', (a) => a.name],
  ['external id', (a) => a.externalId],
  ['parent', (a) => a.parentId],
  ['status', (a) => a.status],
  ['created', (a) => a.createdAt],
];

const ACCOUNT_FIELDS: Column<AccountView>[] = [...ACCOUNT_COLUMNS, ['updated', (a) => a.updatedAt]];

interface CreateOptions {
  name: string;
  kind?: 'master' | 'sub';
  parent?: string;
  externalId?: string;
  createdAt?: string;
}

interface ListOptions {
  kind?: 'master' | 'sub';
  parent?: string;
  status?: 'active' | 'suspended';
  limit?: number;
  cursor?: string;
  all?: boolean;
}

export function registerAccountsCommands(program: Command, deps: CliDeps): void {
  const accounts = program.command('accounts').description('master and sub-accounts');

  const kindOption = () =>
    new Option('--kind <kind>', 'master or sub (default: sub with --parent or an admin token, else master)').choices([
      'master',
      'sub',
    ]);

  accounts
    .command('create')
    .description('create an account (a master created before the legacy cutoff gets four credentials, shown once)')
    .requiredOption('--name <name>', 'display name, 1–100 characters')
    .addOption(kindOption())
    .option('--parent <id>', 'the master of a new sub-account')
    .option('--external-id <id>', 'your provisioning system’s id for it (see accounts upsert)')
    .option('--created-at <iso>', 'creation time of an imported account (root token only)')
    .action(async (opts: CreateOptions) => {
      const body = {
        name: opts.name,
        kind: opts.kind,
        parentId: opts.parent,
        externalId: opts.externalId,
        createdAt: opts.createdAt,
      };
      const created = await deps.api().post<CreatedAccountView>('/admin/v1/accounts', body);
      deps.out().result(created, (c) => printCreated(deps.out(), c, 'Created'));
    });

  accounts
    .command('upsert')
    .description('create the account with this external id, or update its name if it exists (idempotent)')
    .argument('<external-id>', 'your provisioning system’s id for the account')
    .requiredOption('--name <name>', 'display name, 1–100 characters')
    .addOption(kindOption())
    .option('--parent <id>', 'the master of a sub-account')
    .option('--created-at <iso>', 'creation time of an imported account (root token only; used when it is created)')
    .action(async (externalId: string, opts: Omit<CreateOptions, 'externalId'>) => {
      const body = { name: opts.name, kind: opts.kind, parentId: opts.parent, createdAt: opts.createdAt };
      const { status, body: result } = await deps
        .api()
        .request<CreatedAccountView>('PUT', `/admin/v1/accounts/by-external-id/${seg(externalId)}`, { body });
      deps
        .out()
        .result(result, (c) => printCreated(deps.out(), c, status === 201 ? 'Created' : 'Already there, updated:'));
    });

  accounts
    .command('list')
    .description('the accounts the token may see')
    .addOption(new Option('--kind <kind>', 'only masters or only sub-accounts').choices(['master', 'sub']))
    .option('--parent <id>', 'only the sub-accounts of this master')
    .addOption(new Option('--status <status>', 'only active or only suspended').choices(['active', 'suspended']))
    .option('--limit <n>', 'page size, 1–200 (default 50)', integerIn(1, 200))
    .option('--cursor <cursor>', 'the page after this cursor (nextCursor of the previous page)')
    .option('--all', 'every page, following nextCursor')
    .action(async (opts: ListOptions) => {
      const query = {
        kind: opts.kind,
        parentId: opts.parent,
        status: opts.status,
        limit: opts.limit,
        cursor: opts.cursor,
      };
      const page = await deps.api().list<AccountView>('/admin/v1/accounts', query, opts.all === true);
      deps.out().result(page, (p) => {
        deps.out().table(p.data, ACCOUNT_COLUMNS, 'No accounts.');
        morePages(deps.out(), p.nextCursor);
      });
    });

  accounts
    .command('show')
    .description('one account, with its five channels and whether each is active')
    .argument('<id>', 'account id')
    .action(async (id: string) => {
      const api = deps.api();
      const [account, channels] = await Promise.all([
        api.get<AccountView>(`/admin/v1/accounts/${seg(id)}`),
        api.get<Pick<Page<ChannelStateView>, 'data'>>(`/admin/v1/accounts/${seg(id)}/channels`),
      ]);
      // JSON: the account as GET returns it, plus `channels` as GET …/channels lists them.
      deps.out().result({ ...account, channels: channels.data }, () => {
        deps.out().record(account, ACCOUNT_FIELDS);
        deps.out().line('Channels:');
        deps.out().table(channels.data, [
          ['channel', (c) => c.channel],
          ['active', (c) => c.active],
          ['credentials', (c) => c.credentials],
        ]);
      });
    });

  for (const [name, status, description] of [
    ['suspend', 'suspended', 'suspend an account: every credential of it (and of its sub-accounts) stops working'],
    ['reactivate', 'active', 'reactivate a suspended account'],
  ] as const) {
    accounts
      .command(name)
      .description(description)
      .argument('<id>', 'account id')
      .action(async (id: string) => {
        const account = await deps.api().patch<AccountView>(`/admin/v1/accounts/${seg(id)}`, { status });
        deps.out().result(account, (a) => {
          deps.out().line(`Account ${a.id} is ${a.status}.`);
          deps.out().record(a, ACCOUNT_FIELDS);
        });
      });
  }

  accounts
    .command('delete')
    .description('delete an account with its credentials, groups and admin tokens (a master must have no sub-accounts)')
    .argument('<id>', 'account id')
    .option('--yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .action(async (id: string, opts: { yes?: boolean }) => {
      await confirmDelete(deps.io, opts.yes, `account ${id} with its credentials, groups and admin tokens`);
      await deps.api().delete(`/admin/v1/accounts/${seg(id)}`);
      deps.out().line(`Deleted account ${id}.`);
    });
}

function printCreated(out: Output, created: CreatedAccountView, verb: string): void {
  const a = created.account;
  out.line(`${verb} ${a.kind} account ${a.name} (${a.id}).`);
  out.record(a, ACCOUNT_FIELDS);
  if (created.credentials.length === 0) return;
  out.line(
    `The legacy rule gave it ${created.credentials.length} credentials. Their secrets are shown once, ` +
      'store them now: they cannot be shown again.',
  );
  out.table(created.credentials, [
    ['channel', (c) => c.credential.channel],
    ['credential id', (c) => c.credential.id],
    ['username', (c) => c.credential.username],
    ['secret', (c) => c.secret],
  ]);
}

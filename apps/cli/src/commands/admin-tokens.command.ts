import { Command } from 'commander';
import type { AdminTokenView, CreatedAdminTokenView } from '@gatehouse/admin-api/views/views';
import { seg } from '../api-client';
import { confirmDelete } from '../input';
import { integerIn } from '../option-parsers';
import { Column, morePages } from '../output';
import type { CliDeps } from '../program';

const COLUMNS: Column<AdminTokenView>[] = [
  ['id', (t) => t.id],
  ['account', (t) => t.accountId],
  ['name', (t) => t.name],
  ['token ends with', (t) => `…${t.tokenHint}`],
  ['created', (t) => t.createdAt],
  ['last used', (t) => t.lastUsedAt],
];

interface ListOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

export function registerAdminTokensCommands(program: Command, deps: CliDeps): void {
  const tokens = program
    .command('admin-tokens')
    .description('tokens that manage one account (a master’s also manage its sub-accounts)');
  const base = (accountId: string) => `/admin/v1/accounts/${seg(accountId)}/admin-tokens`;

  tokens
    .command('create')
    .description('issue an admin token for an account; the token is printed once')
    .argument('<account-id>', 'account id')
    .requiredOption('--name <name>', 'what it is for, 1–100 characters')
    .action(async (accountId: string, opts: { name: string }) => {
      const created = await deps.api().post<CreatedAdminTokenView>(base(accountId), { name: opts.name });
      deps.out().result(created, (c) => {
        deps.out().line(`Created admin token ${c.adminToken.name} (${c.adminToken.id}).`);
        deps.out().table([c.adminToken], COLUMNS);
        deps.out().secret('Token', c.token);
      });
    });

  tokens
    .command('list')
    .description('an account’s admin tokens (never the tokens themselves)')
    .argument('<account-id>', 'account id')
    .option('--limit <n>', 'page size, 1–200 (default 50)', integerIn(1, 200))
    .option('--cursor <cursor>', 'the page after this cursor (nextCursor of the previous page)')
    .option('--all', 'every page, following nextCursor')
    .action(async (accountId: string, opts: ListOptions) => {
      const page = await deps
        .api()
        .list<AdminTokenView>(base(accountId), { limit: opts.limit, cursor: opts.cursor }, opts.all === true);
      deps.out().result(page, (p) => {
        deps.out().table(p.data, COLUMNS, 'No admin tokens.');
        morePages(deps.out(), p.nextCursor);
      });
    });

  tokens
    .command('delete')
    .description('delete an admin token; it stops working at once')
    .argument('<id>', 'admin token id')
    .option('--yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .action(async (id: string, opts: { yes?: boolean }) => {
      await confirmDelete(deps.io, opts.yes, `admin token ${id}`);
      await deps.api().delete(`/admin/v1/admin-tokens/${seg(id)}`);
      deps.out().line(`Deleted admin token ${id}.`);
    });
}

import { Command } from 'commander';
import type { GroupView } from '@gatehouse/admin-api/views/views';
import { seg } from '../api-client';
import { confirmDelete } from '../input';
import { integerIn } from '../option-parsers';
import { Column, morePages } from '../output';
import type { CliDeps } from '../program';

const COLUMNS: Column<GroupView>[] = [
  ['slug', (g) => g.slug],
  ['name', (g) => g.name],
  ['id', (g) => g.id],
  ['created', (g) => g.createdAt],
  ['updated', (g) => g.updatedAt],
];

interface ListOptions {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

export function registerGroupsCommands(program: Command, deps: CliDeps): void {
  const groups = program.command('groups').description('recipient groups (what a credential’s scope names)');
  const base = (accountId: string) => `/admin/v1/accounts/${seg(accountId)}/groups`;

  groups
    .command('create')
    .description('create a recipient group')
    .argument('<account-id>', 'account id')
    .requiredOption('--slug <slug>', 'its id in scopes and submissions: a-z, 0-9 and -, up to 63')
    .requiredOption('--name <name>', 'display name, 1–100 characters')
    .action(async (accountId: string, opts: { slug: string; name: string }) => {
      const group = await deps.api().post<GroupView>(base(accountId), { slug: opts.slug, name: opts.name });
      deps.out().result(group, (g) => {
        deps.out().line(`Created group ${g.slug}.`);
        deps.out().table([g], COLUMNS);
      });
    });

  groups
    .command('list')
    .description('an account’s recipient groups')
    .argument('<account-id>', 'account id')
    .option('--limit <n>', 'page size, 1–200 (default 50)', integerIn(1, 200))
    .option('--cursor <cursor>', 'the page after this cursor (nextCursor of the previous page)')
    .option('--all', 'every page, following nextCursor')
    .action(async (accountId: string, opts: ListOptions) => {
      const page = await deps
        .api()
        .list<GroupView>(base(accountId), { limit: opts.limit, cursor: opts.cursor }, opts.all === true);
      deps.out().result(page, (p) => {
        deps.out().table(p.data, COLUMNS, 'No groups.');
        morePages(deps.out(), p.nextCursor);
      });
    });

  groups
    .command('rename')
    .description('give a group a new display name (its slug stays)')
    .argument('<account-id>', 'account id')
    .argument('<slug>', 'the group’s slug')
    .requiredOption('--name <name>', 'the new display name')
    .action(async (accountId: string, slug: string, opts: { name: string }) => {
      const group = await deps.api().patch<GroupView>(`${base(accountId)}/${seg(slug)}`, { name: opts.name });
      deps.out().result(group, (g) => {
        deps.out().line(`Renamed group ${g.slug}.`);
        deps.out().table([g], COLUMNS);
      });
    });

  groups
    .command('delete')
    .description('delete a group (refused while a credential is scoped to it)')
    .argument('<account-id>', 'account id')
    .argument('<slug>', 'the group’s slug')
    .option('--yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .action(async (accountId: string, slug: string, opts: { yes?: boolean }) => {
      await confirmDelete(deps.io, opts.yes, `group ${slug} of account ${accountId}`);
      await deps.api().delete(`${base(accountId)}/${seg(slug)}`);
      deps.out().line(`Deleted group ${slug}.`);
    });
}

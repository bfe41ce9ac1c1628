import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Written with TypeORM's schema API rather than raw SQL so the same history runs on SQLite and MySQL.
const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ts = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean' });
const text = (name: string): TableColumnOptions => ({ name, type: 'text' });

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'accounts',
        columns: [
          id(),
          str('kind', 8),
          ref('parent_id', true),
          ref('tenant_id'),
          str('name', 100),
          str('external_id', 128, true),
          str('external_key', 128, true),
          str('status', 16),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_accounts_parent', columnNames: ['parent_id'] }),
          new TableIndex({ name: 'idx_accounts_tenant', columnNames: ['tenant_id'] }),
          new TableIndex({ name: 'uq_accounts_external_key', columnNames: ['external_key'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'credentials',
        columns: [
          id(),
          ref('account_id'),
          ref('tenant_id'),
          str('channel', 16),
          str('name', 100),
          str('username', 64),
          bool('enabled'),
          ts('expires_at', true),
          text('allowed_cidrs'),
          str('postback_url', 2048, true),
          str('postback_salt', 64),
          bool('off_the_record'),
          str('scope', 16),
          str('secret_hint', 8),
          ts('created_at'),
          ts('updated_at'),
          ts('rotated_at', true),
          ts('last_used_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_credentials_account', columnNames: ['account_id'] }),
          new TableIndex({ name: 'idx_credentials_tenant', columnNames: ['tenant_id'] }),
          new TableIndex({
            name: 'uq_credentials_channel_username',
            columnNames: ['channel', 'username'],
            isUnique: true,
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'credential_secrets',
        columns: [
          id(),
          ref('credential_id'),
          str('hash', 255),
          str('lookup_key', 64, true),
          ts('expires_at', true),
          ts('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_credential_secrets_credential', columnNames: ['credential_id'] }),
          new TableIndex({ name: 'uq_credential_secrets_lookup', columnNames: ['lookup_key'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'credential_groups',
        columns: [id('credential_id'), id('group_id')],
        indices: [new TableIndex({ name: 'idx_credential_groups_group', columnNames: ['group_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'credential_avatar_chunks',
        columns: [
          id('credential_id'),
          { name: 'seq', type: 'integer', isPrimary: true },
          str('content_type', 32),
          { name: 'data', type: 'blob' },
          ts('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'recipient_groups',
        columns: [
          id(),
          ref('account_id'),
          ref('tenant_id'),
          str('slug', 63),
          str('name', 100),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_recipient_groups_account_slug',
            columnNames: ['account_id', 'slug'],
            isUnique: true,
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'admin_tokens',
        columns: [
          id(),
          ref('account_id'),
          ref('tenant_id'),
          str('name', 100),
          str('lookup_key', 64),
          str('token_hint', 8),
          ts('created_at'),
          ts('last_used_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_admin_tokens_account', columnNames: ['account_id'] }),
          new TableIndex({ name: 'uq_admin_tokens_lookup', columnNames: ['lookup_key'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({ name: 'settings', columns: [{ ...str('key', 64), isPrimary: true }, text('value')] }),
    );
    await q.createTable(
      new Table({
        name: 'request_log',
        columns: [
          id(),
          ts('at'),
          str('channel', 16),
          ref('credential_id', true),
          ref('account_id', true),
          ref('tenant_id', true),
          str('username', 64, true),
          str('peer', 64),
          str('operation', 128),
          str('outcome', 32),
          str('status', 16),
          { name: 'duration_ms', type: 'integer' },
        ],
        indices: [
          new TableIndex({ name: 'idx_request_log_tenant', columnNames: ['tenant_id', 'id'] }),
          new TableIndex({ name: 'idx_request_log_credential', columnNames: ['credential_id', 'id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          id(),
          ts('at'),
          str('actor_type', 16),
          str('actor_id', 36),
          ref('actor_account_id', true),
          ref('account_id', true),
          ref('tenant_id', true),
          str('action', 64),
          str('target_type', 16),
          ref('target_id'),
          str('peer', 64),
          text('details'),
        ],
        indices: [
          new TableIndex({ name: 'idx_audit_log_tenant', columnNames: ['tenant_id', 'id'] }),
          new TableIndex({ name: 'idx_audit_log_target', columnNames: ['target_id', 'id'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'request_log',
      'settings',
      'admin_tokens',
      'recipient_groups',
      'credential_avatar_chunks',
      'credential_groups',
      'credential_secrets',
      'credentials',
      'accounts',
    ]) {
      await q.dropTable(table);
    }
  }
}

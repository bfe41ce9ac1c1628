import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '36' });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ts = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const text = (name: string): TableColumnOptions => ({ name, type: 'text' });

export class SubmissionsAndPostbacks1764100000000 implements MigrationInterface {
  name = 'SubmissionsAndPostbacks1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'submissions',
        columns: [
          id(),
          ref('account_id'),
          ref('tenant_id'),
          ref('credential_id'),
          str('channel', 16),
          text('recipients'),
          text('body'),
          text('groups'),
          str('status', 16),
          str('detail', 500, true),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_submissions_tenant', columnNames: ['tenant_id', 'id'] }),
          new TableIndex({ name: 'idx_submissions_account', columnNames: ['account_id', 'id'] }),
          new TableIndex({ name: 'idx_submissions_credential', columnNames: ['credential_id', 'id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'postback_deliveries',
        columns: [
          id(),
          ref('submission_id'),
          ref('credential_id'),
          ref('account_id'),
          ref('tenant_id'),
          str('event', 32),
          str('url', 2048),
          text('payload'),
          str('status', 16),
          { name: 'attempts', type: 'integer' },
          ts('next_attempt_at'),
          ts('locked_until', true),
          ts('last_attempt_at', true),
          str('last_result', 200, true),
          ts('delivered_at', true),
          ts('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_postback_deliveries_submission', columnNames: ['submission_id'] }),
          new TableIndex({ name: 'idx_postback_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('postback_deliveries');
    await q.dropTable('submissions');
  }
}

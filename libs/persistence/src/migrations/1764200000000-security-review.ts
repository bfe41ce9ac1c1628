import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * The security review's schema changes (issue 7):
 * - request_log.count: a banned subject's refusals fold into one row a minute. (Retention prunes
 *   by the time-ordered primary key, so `at` needs no index.)
 * - credentials.secret_hint is null for custom and imported secrets (people's passwords):
 *   existing hints of those are erased.
 * - accounts.external_ns: externalId is unique among masters ('') and, separately, among the
 *   subs of one master (its id), never across the service.
 */
export class SecurityReview1764200000000 implements MigrationInterface {
  name = 'SecurityReview1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('request_log', new TableColumn({ name: 'count', type: 'integer', default: 1 }));

    await q.changeColumn(
      'credentials',
      'secret_hint',
      new TableColumn({ name: 'secret_hint', type: 'varchar', length: '8', isNullable: true }),
    );
    // A hint stays only where the live secret is a generated one (stored as HMAC).
    await q.query(
      'UPDATE credentials SET secret_hint = NULL WHERE NOT EXISTS (SELECT 1 FROM credential_secrets s ' +
        "WHERE s.credential_id = credentials.id AND s.expires_at IS NULL AND s.hash LIKE 'hmac-sha256$%')",
    );

    await q.dropIndex('accounts', 'uq_accounts_external_key');
    await q.addColumn(
      'accounts',
      new TableColumn({ name: 'external_ns', type: 'varchar', length: '36', default: "''" }),
    );
    await q.query("UPDATE accounts SET external_ns = CASE WHEN parent_id IS NULL THEN '' ELSE parent_id END");
    await q.createIndex(
      'accounts',
      new TableIndex({ name: 'uq_accounts_external', columnNames: ['external_ns', 'external_key'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('accounts', 'uq_accounts_external');
    await q.dropColumn('accounts', 'external_ns');
    await q.createIndex(
      'accounts',
      new TableIndex({ name: 'uq_accounts_external_key', columnNames: ['external_key'], isUnique: true }),
    );
    await q.query("UPDATE credentials SET secret_hint = '' WHERE secret_hint IS NULL");
    await q.changeColumn(
      'credentials',
      'secret_hint',
      new TableColumn({ name: 'secret_hint', type: 'varchar', length: '8', isNullable: false }),
    );
    await q.dropColumn('request_log', 'count');
  }
}

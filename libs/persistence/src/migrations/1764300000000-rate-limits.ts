import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Per-credential rate limits (issue 12): at most `rate_limit_requests` requests per
 * `rate_limit_seconds`, both null for none. Existing credentials get none.
 */
export class RateLimits1764300000000 implements MigrationInterface {
  name = 'RateLimits1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('credentials', [
      new TableColumn({ name: 'rate_limit_requests', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'rate_limit_seconds', type: 'integer', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('credentials', 'rate_limit_seconds');
    await q.dropColumn('credentials', 'rate_limit_requests');
  }
}

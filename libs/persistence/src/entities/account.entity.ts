import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './columns';

@Entity('accounts')
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: string;

  @Index('idx_accounts_parent')
  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  @Index('idx_accounts_tenant')
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 128, nullable: true })
  externalId!: string | null;

  /** Lower-cased externalId: uniqueness and lookups behave the same on every database collation. */
  @Index('uq_accounts_external_key', { unique: true })
  @Column({ name: 'external_key', type: 'varchar', length: 128, nullable: true })
  externalKey!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

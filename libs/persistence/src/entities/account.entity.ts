import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './columns';

@Entity('accounts')
@Index('uq_accounts_external', ['externalNs', 'externalKey'], { unique: true })
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

  /** ASCII-lower-cased externalId: uniqueness and lookups behave the same on every database collation. */
  @Column({ name: 'external_key', type: 'varchar', length: 128, nullable: true })
  externalKey!: string | null;

  /** Where externalId is unique: '' among masters, a master's id among its subs. */
  @Column({ name: 'external_ns', type: 'varchar', length: 36, default: '' })
  externalNs!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

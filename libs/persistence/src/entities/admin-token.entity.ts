import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './columns';

@Entity('admin_tokens')
export class AdminTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_admin_tokens_account')
  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('uq_admin_tokens_lookup', { unique: true })
  @Column({ name: 'lookup_key', type: 'varchar', length: 64 })
  lookupKey!: string;

  @Column({ name: 'token_hint', type: 'varchar', length: 8 })
  tokenHint!: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}

@Entity('settings')
export class SettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}

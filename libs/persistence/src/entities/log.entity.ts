import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonTextColumn, TimestampColumn } from './columns';

@Entity('request_log')
@Index('idx_request_log_tenant', ['tenantId', 'id'])
@Index('idx_request_log_credential', ['credentialId', 'id'])
export class RequestLogEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @TimestampColumn()
  at!: Date;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @Column({ name: 'credential_id', type: 'varchar', length: 36, nullable: true })
  credentialId!: string | null;

  @Column({ name: 'account_id', type: 'varchar', length: 36, nullable: true })
  accountId!: string | null;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  username!: string | null;

  @Column({ type: 'varchar', length: 64 })
  peer!: string;

  @Column({ type: 'varchar', length: 128 })
  operation!: string;

  @Column({ type: 'varchar', length: 32 })
  outcome!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  /** Refusals folded into this row (a banned subject's, at most one row a minute). */
  @Column({ type: 'integer', default: 1 })
  count!: number;
}

@Entity('audit_log')
@Index('idx_audit_log_tenant', ['tenantId', 'id'])
@Index('idx_audit_log_target', ['targetId', 'id'])
export class AuditLogEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @TimestampColumn()
  at!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 36 })
  actorId!: string;

  @Column({ name: 'actor_account_id', type: 'varchar', length: 36, nullable: true })
  actorAccountId!: string | null;

  @Column({ name: 'account_id', type: 'varchar', length: 36, nullable: true })
  accountId!: string | null;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 16 })
  targetType!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 36 })
  targetId!: string;

  @Column({ type: 'varchar', length: 64 })
  peer!: string;

  @JsonTextColumn()
  details!: object;
}

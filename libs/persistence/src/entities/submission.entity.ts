import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonTextColumn, TimestampColumn } from './columns';

@Entity('submissions')
@Index('idx_submissions_tenant', ['tenantId', 'id'])
@Index('idx_submissions_account', ['accountId', 'id'])
@Index('idx_submissions_credential', ['credentialId', 'id'])
export class SubmissionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ name: 'credential_id', type: 'varchar', length: 36 })
  credentialId!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @JsonTextColumn({ name: 'recipients' })
  to!: string[];

  @Column({ type: 'text' })
  body!: string;

  @JsonTextColumn()
  groups!: string[];

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  detail!: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

@Entity('postback_deliveries')
@Index('idx_postback_deliveries_due', ['status', 'nextAttemptAt'])
export class PostbackDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_postback_deliveries_submission')
  @Column({ name: 'submission_id', type: 'varchar', length: 36 })
  submissionId!: string;

  @Column({ name: 'credential_id', type: 'varchar', length: 36 })
  credentialId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @TimestampColumn({ name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  /** Lease: the node that claimed the row owns it until then. */
  @TimestampColumn({ name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  @TimestampColumn({ name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_result', type: 'varchar', length: 200, nullable: true })
  lastResult!: string | null;

  @TimestampColumn({ name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;
}

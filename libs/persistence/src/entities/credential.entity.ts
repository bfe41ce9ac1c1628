import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonTextColumn, TimestampColumn } from './columns';

@Entity('credentials')
@Index('uq_credentials_channel_username', ['channel', 'username'], { unique: true })
export class CredentialEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_credentials_account')
  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Index('idx_credentials_tenant')
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @JsonTextColumn({ name: 'allowed_cidrs' })
  allowedCidrs!: string[];

  @Column({ name: 'postback_url', type: 'varchar', length: 2048, nullable: true })
  postbackUrl!: string | null;

  @Column({ name: 'postback_salt', type: 'varchar', length: 64 })
  postbackSalt!: string;

  @Column({ name: 'off_the_record', type: 'boolean' })
  offTheRecord!: boolean;

  @Column({ type: 'varchar', length: 16 })
  scope!: string;

  /** At most this many requests per `rateLimitSeconds`; both null for no limit. */
  @Column({ name: 'rate_limit_requests', type: 'integer', nullable: true })
  rateLimitRequests!: number | null;

  @Column({ name: 'rate_limit_seconds', type: 'integer', nullable: true })
  rateLimitSeconds!: number | null;

  /** Last 4 characters of a generated secret; null for custom and imported ones (people's passwords). */
  @Column({ name: 'secret_hint', type: 'varchar', length: 8, nullable: true })
  secretHint!: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;

  @TimestampColumn({ name: 'rotated_at', nullable: true })
  rotatedAt!: Date | null;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}

@Entity('credential_secrets')
export class CredentialSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_credential_secrets_credential')
  @Column({ name: 'credential_id', type: 'varchar', length: 36 })
  credentialId!: string;

  @Column({ type: 'varchar', length: 255 })
  hash!: string;

  @Index('uq_credential_secrets_lookup', { unique: true })
  @Column({ name: 'lookup_key', type: 'varchar', length: 64, nullable: true })
  lookupKey!: string | null;

  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;
}

@Entity('credential_groups')
export class CredentialGroupEntity {
  @PrimaryColumn({ name: 'credential_id', type: 'varchar', length: 36 })
  credentialId!: string;

  @Index('idx_credential_groups_group')
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 })
  groupId!: string;
}

/**
 * Avatar bytes in 48 KiB chunks: MySQL's BLOB holds 64 KiB and SQLite knows no MEDIUMBLOB,
 * so chunking keeps one schema for both.
 */
@Entity('credential_avatar_chunks')
export class AvatarChunkEntity {
  @PrimaryColumn({ name: 'credential_id', type: 'varchar', length: 36 })
  credentialId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'content_type', type: 'varchar', length: 32 })
  contentType!: string;

  @Column({ type: 'blob' })
  data!: Buffer;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

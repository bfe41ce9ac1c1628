import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Account,
  AdminToken,
  AuditEntry,
  Channel,
  CHANNELS,
  ChannelState,
  Credential,
  IssuedCredential,
  RecipientGroup,
  REQUEST_OPERATIONS,
  REQUEST_OUTCOMES,
  RequestLogEntry,
} from '@gatehouse/core';

// Explicit mappers: a view lists what leaves the service, so no hash or salt can slip out.
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export class AccountView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['master', 'sub'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) parentId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty({ enum: ['active', 'suspended'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function accountView(a: Account): AccountView {
  return {
    id: a.id,
    kind: a.kind,
    parentId: a.parentId,
    name: a.name,
    externalId: a.externalId,
    status: a.status,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export class RateLimitView {
  @ApiProperty() requests!: number;
  @ApiProperty() perSeconds!: number;
}

export class CredentialView {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty() name!: string;
  @ApiProperty() username!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ type: [String] }) allowedCidrs!: string[];
  @ApiProperty({ nullable: true, type: String }) postbackUrl!: string | null;
  @ApiProperty() offTheRecord!: boolean;
  @ApiProperty({ enum: ['all', 'groups'] }) scope!: string;
  @ApiProperty({ type: [String], description: 'Group slugs of a `groups`-scoped key' }) groups!: string[];
  @ApiProperty({ type: RateLimitView, nullable: true, description: 'null: no limit' })
  rateLimit!: RateLimitView | null;
  @ApiProperty() hasAvatar!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Last four characters of a generated secret; null for custom and imported secrets (passwords)',
  })
  secretHint!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rotatedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export function credentialView(c: Credential): CredentialView {
  return {
    id: c.id,
    accountId: c.accountId,
    channel: c.channel,
    name: c.name,
    username: c.username,
    enabled: c.enabled,
    expiresAt: iso(c.expiresAt),
    allowedCidrs: c.allowedCidrs,
    postbackUrl: c.postbackUrl,
    offTheRecord: c.offTheRecord,
    scope: c.scope,
    groups: c.groups.map((g) => g.slug),
    rateLimit: c.rateLimit ? { requests: c.rateLimit.requests, perSeconds: c.rateLimit.perSeconds } : null,
    hasAvatar: c.hasAvatar,
    secretHint: c.secretHint,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    rotatedAt: iso(c.rotatedAt),
    lastUsedAt: iso(c.lastUsedAt),
  };
}

export class IssuedCredentialView {
  @ApiProperty({ type: CredentialView }) credential!: CredentialView;
  @ApiProperty({ nullable: true, type: String, description: 'Shown once, never again (null for an imported hash)' })
  secret!: string | null;
  @ApiPropertyOptional({ description: 'Key of the postback signatures; shown once, at create' })
  postbackSigningSecret?: string;
}

export function issuedView(i: IssuedCredential, withSigningSecret = true): IssuedCredentialView {
  return {
    credential: credentialView(i.credential),
    secret: i.secret,
    ...(withSigningSecret && i.postbackSigningSecret ? { postbackSigningSecret: i.postbackSigningSecret } : {}),
  };
}

export class CreatedAccountView {
  @ApiProperty({ type: AccountView }) account!: AccountView;
  @ApiProperty({
    type: [IssuedCredentialView],
    description: 'The legacy channels, empty unless the legacy rule applies',
  })
  credentials!: IssuedCredentialView[];
}

export class ChannelStateView {
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty() active!: boolean;
  @ApiProperty() credentials!: number;
}

export const channelStateView = (s: ChannelState): ChannelStateView => ({ ...s });

export class GroupView {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function groupView(g: RecipientGroup): GroupView {
  return {
    id: g.id,
    accountId: g.accountId,
    slug: g.slug,
    name: g.name,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}

export class AdminTokenView {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() tokenHint!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export function adminTokenView(t: AdminToken): AdminTokenView {
  return {
    id: t.id,
    accountId: t.accountId,
    name: t.name,
    tokenHint: t.tokenHint,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
  };
}

export class CreatedAdminTokenView {
  @ApiProperty({ type: AdminTokenView }) adminToken!: AdminTokenView;
  @ApiProperty({ description: 'Shown once, never again' }) token!: string;
}

export class RequestLogView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty({ nullable: true, type: String }) credentialId!: string | null;
  @ApiProperty({ nullable: true, type: String }) accountId!: string | null;
  @ApiProperty({ nullable: true, type: String }) username!: string | null;
  @ApiProperty() peer!: string;
  @ApiProperty({ enum: REQUEST_OPERATIONS }) operation!: string;
  @ApiProperty({ enum: REQUEST_OUTCOMES }) outcome!: string;
  @ApiProperty() status!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ description: "Refusals this row stands for: a banned peer's are folded into one row a minute" })
  count!: number;
}

export function requestLogView(r: RequestLogEntry): RequestLogView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    channel: r.channel,
    credentialId: r.credentialId,
    accountId: r.accountId,
    username: r.username,
    peer: r.peer,
    operation: r.operation,
    outcome: r.outcome,
    status: r.status,
    durationMs: r.durationMs,
    count: r.count,
  };
}

export class AuditLogView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['root', 'admin_token'] }) actorType!: string;
  @ApiProperty({ description: '`root` or the admin token id' }) actorId!: string;
  @ApiProperty({ nullable: true, type: String }) actorAccountId!: string | null;
  @ApiProperty({ nullable: true, type: String }) accountId!: string | null;
  @ApiProperty({ example: 'credential.rotate' }) action!: string;
  @ApiProperty({ enum: ['account', 'credential', 'group', 'admin_token'] }) targetType!: string;
  @ApiProperty() targetId!: string;
  @ApiProperty() peer!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export function auditLogView(a: AuditEntry): AuditLogView {
  return {
    id: a.id,
    at: a.at.toISOString(),
    actorType: a.actorType,
    actorId: a.actorId,
    actorAccountId: a.actorAccountId,
    accountId: a.accountId,
    action: a.action,
    targetType: a.targetType,
    targetId: a.targetId,
    peer: a.peer,
    details: a.details,
  };
}

export class VerifyResultView {
  @ApiProperty() valid!: boolean;
  @ApiPropertyOptional({ description: "The authenticator's failure code, e.g. `ip_not_allowed`" }) reason?: string;
  @ApiPropertyOptional() credentialId?: string;
  @ApiPropertyOptional() accountId?: string;
}

export class ErrorBodyView {
  @ApiProperty({
    type: 'object',
    properties: {
      code: { type: 'string' },
      message: { type: 'string' },
      details: { type: 'object', additionalProperties: true },
    },
  })
  error!: { code: string; message: string; details?: Record<string, unknown> };
}

import { z } from 'zod';
import { AccountKind, AccountStatus } from '../accounts/account.model';
import { CHANNELS } from '../channels/channel';
import { DomainError } from '../common/domain-error';
import { CreateCredentialInput } from '../credentials/credential.service';

/**
 * One ACCOUNT of an import file (one NDJSON line): the account by its external id, and the
 * credentials it should hold. The shape scripts rely on; documented in docs/examples/.
 */
export interface ImportAccountRecord {
  externalId: string;
  name: string;
  kind: AccountKind;
  /** A sub's master: earlier in the file, or already in Gatehouse. */
  parentExternalId: string | null;
  status?: AccountStatus;
  createdAt?: Date;
  credentials: ImportCredentialRecord[];
}

export type ImportCredentialRecord = CreateCredentialInput;

/** Credentials one line may carry; a bigger account is split over its own upserts. */
export const MAX_CREDENTIALS_PER_LINE = 1000;

const isoDate = z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' });

const credentialSchema = z
  .object({
    channel: z.enum(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` }),
    name: z.string().max(400),
    username: z.string().max(64).optional(),
    secret: z.string().max(128, 'must be 12-128 characters').optional(),
    secretHash: z.string().max(200).optional(),
    enabled: z.boolean().optional(),
    expiresAt: isoDate.nullable().optional(),
    allowedCidrs: z.array(z.string().max(64)).max(100, 'at most 100 entries').optional(),
    postbackUrl: z.string().max(2048).nullable().optional(),
    offTheRecord: z.boolean().optional(),
    scope: z.enum(['all', 'groups']).optional(),
    groups: z.array(z.string().max(63)).max(100).optional(),
    rateLimit: z.object({ requests: z.number().int(), perSeconds: z.number().int() }).strict().nullable().optional(),
  })
  .strict();

const accountSchema = z
  .object({
    externalId: z.string().max(128),
    name: z.string().max(400),
    kind: z.enum(['master', 'sub']).optional(),
    parentExternalId: z.string().max(128).optional(),
    status: z.enum(['active', 'suspended']).optional(),
    createdAt: isoDate.optional(),
    credentials: z.array(credentialSchema).max(MAX_CREDENTIALS_PER_LINE).optional(),
  })
  .strict();

/**
 * Parses and checks the shape of one line; the domain rules (names, ids, CIDRs, secrets) are
 * checked where the account and credentials are prepared. Throws a DomainError naming the field.
 */
export function parseImportLine(text: string): ImportAccountRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('validation', 'invalid_json', 'not valid JSON (one ACCOUNT object per line)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DomainError('validation', 'invalid_json', 'a line must hold one ACCOUNT object');
  }
  const parsed = accountSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = fieldPath(issue.path) || 'line';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.code === 'invalid_type' && issue.received === 'undefined'
          ? 'is required'
          : issue.message;
    const at = issue.code === 'unrecognized_keys' ? fieldPath([...issue.path, issue.keys[0]]) : field;
    throw DomainError.validation(at, message);
  }
  const a = parsed.data;
  const kind: AccountKind = a.kind ?? (a.parentExternalId !== undefined ? 'sub' : 'master');
  if (kind === 'sub' && a.parentExternalId === undefined) {
    throw DomainError.validation('parentExternalId', 'is required for a sub-account');
  }
  if (kind === 'master' && a.parentExternalId !== undefined) {
    throw DomainError.validation('parentExternalId', 'a master account has no parent');
  }
  return {
    externalId: a.externalId,
    name: a.name,
    kind,
    parentExternalId: a.parentExternalId ?? null,
    status: a.status,
    createdAt: a.createdAt === undefined ? undefined : new Date(a.createdAt),
    credentials: (a.credentials ?? []).map((c) => ({
      ...c,
      expiresAt: c.expiresAt === undefined || c.expiresAt === null ? c.expiresAt : new Date(c.expiresAt),
    })),
  };
}

/** `credentials[2].allowedCidrs[0]` */
function fieldPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

import { Channel } from '../channels/channel';

export type CredentialScope = 'all' | 'groups';

export interface GroupRef {
  id: string;
  slug: string;
}

/** At most `requests` requests every `perSeconds` seconds (a sliding window), on every listener. */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

export interface Credential {
  id: string;
  accountId: string;
  tenantId: string;
  channel: Channel;
  name: string;
  /** Lower-cased: usernames are case-insensitive on every channel and database. */
  username: string;
  enabled: boolean;
  expiresAt: Date | null;
  allowedCidrs: string[];
  postbackUrl: string | null;
  /** Random salt from which the postback signing secret is derived with the pepper; never exposed. */
  postbackSalt: string;
  offTheRecord: boolean;
  scope: CredentialScope;
  groups: GroupRef[];
  rateLimit: RateLimit | null;
  /** Last 4 characters of a generated secret; null for custom and imported secrets. */
  secretHint: string | null;
  hasAvatar: boolean;
  createdAt: Date;
  updatedAt: Date;
  rotatedAt: Date | null;
  lastUsedAt: Date | null;
}

/** One verifiable secret of a credential; more than one only while a rotation grace period runs. */
export interface CredentialSecret {
  id: string;
  credentialId: string;
  /** Scheme-tagged hash, see SecretHasher. */
  hash: string;
  /** HMAC of a generated secret, indexed so a bare bearer key finds its credential. */
  lookupKey: string | null;
  /** Set on the previous secret when a rotation grants grace. */
  expiresAt: Date | null;
  createdAt: Date;
}

/** Everything the authenticator needs about one credential, loaded in one go. */
export interface CredentialAuthRecord {
  credential: Credential;
  secrets: CredentialSecret[];
  /** Active only when the account and, for a sub-account, its master are both active. */
  accountActive: boolean;
}

export interface Avatar {
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  data: Buffer;
  updatedAt: Date;
}

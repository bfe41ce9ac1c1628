import { Channel } from '../channels/channel';
import { CredentialScope, GroupRef, RateLimit } from '../credentials/credential.model';
import { CidrAllowlist } from '../network/cidr-allowlist';

/** What a listener learns about a client that logged in. */
export interface AuthenticatedCredential {
  credentialId: string;
  accountId: string;
  tenantId: string;
  channel: Channel;
  username: string;
  offTheRecord: boolean;
  scope: CredentialScope;
  groups: GroupRef[];
  postbackUrl: string | null;
  rateLimit: RateLimit | null;
}

/** A verified credential as cached: the state that is re-checked on every warm hit. */
export interface AuthSnapshot {
  principal: AuthenticatedCredential;
  enabled: boolean;
  expiresAt: number | null;
  accountActive: boolean;
  allowlist: CidrAllowlist;
  /** Grace deadline of the secret that matched, when it is a rotated-out one. */
  secretExpiresAt: number | null;
  /** When this process last knew the credential was used (ms); advanced as uses are recorded. */
  lastUsedAt: number | null;
}

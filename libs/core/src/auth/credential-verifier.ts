import { Inject, Injectable } from '@nestjs/common';
import { Actor, scopeAllows, scopeOf } from '../access/actor';
import { Channel } from '../channels/channel';
import { asciiLower } from '../common/ascii';
import { DomainError } from '../common/domain-error';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { normalizePeerAddress } from '../network/ip';
import { hasGeneratedShape } from '../secrets/secret-format';
import { SecretHasher } from '../secrets/secret-hasher';
import { SECRET_HASHER } from '../secrets/secret-hasher.token';
import { AuthFailureReason } from './auth-failure';
import { Authenticator } from './authenticator';
import { adminTokenBanSubject } from './ban-subject';

export interface VerifyRequest {
  channel: Channel;
  /** Absent for a bare bearer key. */
  username: string | null;
  secret: string;
  /** The client's address as the gateway saw it. */
  ip: string;
}

export type VerifyOutcome =
  | { valid: true; credentialId: string; accountId: string }
  | { valid: false; reason: AuthFailureReason; credentialId?: string; accountId?: string };

const UNKNOWN: VerifyOutcome = { valid: false, reason: 'unknown_credential' };

/**
 * `POST /admin/v1/verify`, for gateways that keep their own listeners. Root asks exactly as a
 * listener would: its `ip` is the client's, scored and banned like any listener's peer. An
 * admin token may only ask about its own tenant's credentials: anything else is
 * `unknown_credential` before a secret is compared, a failure scored, a row logged or a
 * verdict cached, so it is no oracle for other tenants' passwords. Its own failures count
 * against the token (429 `banned`), never against an address it names.
 */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly authenticator: Authenticator,
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
  ) {}

  async verify(actor: Actor, request: VerifyRequest): Promise<VerifyOutcome> {
    if (actor.type === 'admin') {
      const owner = await this.ownerOf(request);
      if (!owner || !scopeAllows(scopeOf(actor), owner)) return UNKNOWN;
    }
    const result = await this.authenticator.authenticate({
      channel: request.channel,
      username: request.username,
      secret: request.secret,
      peer: normalizePeerAddress(request.ip),
      operation: 'admin.verify',
      banSubject: actor.type === 'admin' ? adminTokenBanSubject(actor.tokenId) : undefined,
    });
    if (result.ok) {
      return { valid: true, credentialId: result.credential.credentialId, accountId: result.credential.accountId };
    }
    if (result.reason === 'banned' && actor.type === 'admin') {
      throw DomainError.rateLimited(
        'banned',
        'too many failed verifications with this admin token; try later',
        result.retryAfterSeconds ?? 60,
      );
    }
    return result.credentialId && result.accountId
      ? { valid: false, reason: result.reason, credentialId: result.credentialId, accountId: result.accountId }
      : { valid: false, reason: result.reason };
  }

  /** Whose credential the request names, without checking its secret (one indexed read). */
  private async ownerOf(request: VerifyRequest): Promise<{ accountId: string; tenantId: string } | null> {
    if (request.username !== null) {
      const record = await this.credentials.findAuthByUsername(request.channel, asciiLower(request.username.trim()));
      return record?.credential ?? null;
    }
    // A bare key names itself: only a generated key of this channel can, through its lookup HMAC.
    if (!hasGeneratedShape(request.channel, request.secret)) return null;
    const record = await this.credentials.findAuthByLookupKey(this.hasher.lookupKey(request.secret));
    return record && record.credential.channel === request.channel ? record.credential : null;
  }
}

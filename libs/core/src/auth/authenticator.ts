import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Channel } from '../channels/channel';
import { CredentialUsageRecorder } from '../credentials/credential-usage.recorder';
import { CredentialAuthRecord, CredentialSecret } from '../credentials/credential.model';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { CHANGE_NOTIFIER, ChangeNotifier } from '../events/change-notifier';
import { RequestLogService } from '../logs/request-log.service';
import { CidrAllowlist } from '../network/cidr-allowlist';
import { hasGeneratedShape } from '../secrets/secret-format';
import { SecretHasher } from '../secrets/secret-hasher';
import { SECRET_HASHER } from '../secrets/secret-hasher.token';
import { AuthCache } from './auth-cache';
import { AuthFailureReason, failureScore } from './auth-failure';
import { AuthSnapshot, AuthenticatedCredential } from './authenticated-credential';
import { PEER_BAN_LIST, PeerBanList } from './peer-ban-list';

export interface AuthRequest {
  channel: Channel;
  /** Absent for a bare bearer key. */
  username?: string | null;
  secret: string;
  /** Normalised peer address (see normalizePeerAddress). */
  peer: string;
  /** For the request log, e.g. `ftp.login`. */
  operation: string;
  /**
   * Write the success to the request log here. Listeners that log the whole request
   * afterwards (with its final status) pass false. Failures are always logged here.
   */
  logSuccess?: boolean;
  /** The protocol's status for a refusal, for the request log (`401`, `530`, `535`…). */
  failureStatus?: (reason: AuthFailureReason) => string;
}

export type AuthResult =
  | { ok: true; credential: AuthenticatedCredential }
  | {
      ok: false;
      reason: AuthFailureReason;
      /** Set for `banned`. */
      retryAfterSeconds?: number;
      /** Known when the secret matched (disabled, expired, …); never for unknown/bad secrets. */
      credentialId?: string;
      accountId?: string;
      tenantId?: string;
    };

type ColdOutcome =
  | { ok: true; snapshot: AuthSnapshot }
  | { ok: false; reason: 'unknown_credential' | 'bad_secret'; record?: CredentialAuthRecord };

/**
 * The one authenticator every listener asks. Order: ban → secret → state (enabled, expiry,
 * account, allowlist). State is checked after the secret so a wrong guess learns nothing.
 *
 * Timing: how much work a check does depends only on the *shape* of the submitted secret,
 * never on whether the username exists. A secret shaped like this channel's generated keys
 * costs one HMAC; anything else costs one bcrypt. Custom secrets may not look generated, so
 * each stored hash is only ever compared against secrets of its own shape.
 */
const LAST_USED_PRECISION_MS = 60_000;

@Injectable()
export class Authenticator implements OnModuleDestroy {
  readonly cache = new AuthCache();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(PEER_BAN_LIST) private readonly bans: PeerBanList,
    @Inject(CHANGE_NOTIFIER) changes: ChangeNotifier,
    private readonly requestLog: RequestLogService,
    private readonly usage: CredentialUsageRecorder,
  ) {
    this.unsubscribe = changes.subscribe((event) => {
      if (event.type === 'credential.changed') this.cache.invalidateCredential(event.credentialId);
      else for (const id of event.credentialIds) this.cache.invalidateCredential(id);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const started = performance.now();
    const username = req.username ? req.username.trim().toLowerCase() : null;
    const log = (
      outcome: string,
      cred?: AuthenticatedCredential | { credentialId?: string; accountId?: string; tenantId?: string },
    ) =>
      this.requestLog.record({
        channel: req.channel,
        credentialId: cred?.credentialId ?? null,
        accountId: cred?.accountId ?? null,
        tenantId: cred?.tenantId ?? null,
        username: username,
        peer: req.peer,
        operation: req.operation,
        outcome,
        status: outcome === 'ok' ? 'accepted' : (req.failureStatus?.(outcome as AuthFailureReason) ?? 'refused'),
        durationMs: Math.round(performance.now() - started),
      });

    const ban = await this.bans.check(req.peer);
    if (ban.banned) {
      log('banned');
      return { ok: false, reason: 'banned', retryAfterSeconds: ban.retryAfterSeconds };
    }

    const cacheKey = this.hasher.cacheKey(req.channel, username ?? '', req.secret);
    let snapshot = this.cache.get(cacheKey);
    if (!snapshot) {
      const cold = await this.verifyCold(req.channel, username, req.secret);
      if (!cold.ok) {
        await this.bans.recordFailure(req.peer, failureScore(cold.reason));
        // The log names the credential a wrong secret was tried on; the caller is not told.
        log(cold.reason, cold.record ? principalOf(cold.record) : undefined);
        return { ok: false, reason: cold.reason };
      }
      snapshot = cold.snapshot;
      this.cache.set(cacheKey, snapshot);
    }

    const now = Date.now();
    const reason = this.stateFailure(snapshot, req.peer, now);
    const principal = snapshot.principal;
    if (reason) {
      if (reason === 'bad_secret') {
        this.cache.invalidateCredential(principal.credentialId);
        await this.bans.recordFailure(req.peer, failureScore(reason));
      }
      log(reason, principal);
      return reason === 'bad_secret'
        ? { ok: false, reason }
        : {
            ok: false,
            reason,
            credentialId: principal.credentialId,
            accountId: principal.accountId,
            tenantId: principal.tenantId,
          };
    }
    // lastUsedAt is informational: one write per credential per minute, not one per request.
    if (snapshot.lastUsedAt === null || now - snapshot.lastUsedAt >= LAST_USED_PRECISION_MS) {
      snapshot.lastUsedAt = now;
      this.usage.used(principal.credentialId);
    }
    if (req.logSuccess !== false && !principal.offTheRecord) log('ok', principal);
    return { ok: true, credential: principal };
  }

  private stateFailure(s: AuthSnapshot, peer: string, now: number): AuthFailureReason | null {
    if (s.secretExpiresAt !== null && s.secretExpiresAt <= now) return 'bad_secret';
    if (!s.enabled) return 'disabled';
    if (s.expiresAt !== null && s.expiresAt <= now) return 'expired';
    if (!s.accountActive) return 'account_suspended';
    if (!s.allowlist.allows(peer)) return 'ip_not_allowed';
    return null;
  }

  private async verifyCold(channel: Channel, username: string | null, secret: string): Promise<ColdOutcome> {
    const generatedShape = hasGeneratedShape(channel, secret);
    const now = Date.now();

    if (username === null) {
      // Bare bearer key: the indexed HMAC lookup is the comparison; only generated keys qualify.
      if (!generatedShape) {
        this.hasher.lookupKey(secret);
        return { ok: false, reason: 'unknown_credential' };
      }
      const lookupKey = this.hasher.lookupKey(secret);
      const record = await this.credentials.findAuthByLookupKey(lookupKey);
      if (!record || record.credential.channel !== channel) return { ok: false, reason: 'unknown_credential' };
      const matched = await this.match(record.secrets, secret, true, now, lookupKey);
      return matched ? { ok: true, snapshot: snapshotOf(record, matched) } : { ok: false, reason: 'bad_secret' };
    }

    const record = await this.credentials.findAuthByUsername(channel, username);
    if (!record) {
      await this.hasher.burn(!generatedShape, secret);
      return { ok: false, reason: 'unknown_credential' };
    }
    const matched = await this.match(record.secrets, secret, generatedShape, now);
    return matched ? { ok: true, snapshot: snapshotOf(record, matched) } : { ok: false, reason: 'bad_secret', record };
  }

  /** Compares against live secrets of the submitted shape; spends one bcrypt if none of those was slow. */
  private async match(
    secrets: CredentialSecret[],
    secret: string,
    generatedShape: boolean,
    now: number,
    lookupKey?: string,
  ): Promise<CredentialSecret | null> {
    let spentSlow = false;
    for (const s of secrets) {
      if (s.expiresAt !== null && s.expiresAt.getTime() <= now) continue;
      const slow = SecretHasher.isSlow(SecretHasher.schemeOf(s.hash));
      if (slow === generatedShape) continue;
      spentSlow ||= slow;
      if (await this.hasher.verify(s.hash, secret, lookupKey)) return s;
    }
    if (!generatedShape && !spentSlow) await this.hasher.burn(true, secret);
    return null;
  }
}

function principalOf(record: CredentialAuthRecord): AuthenticatedCredential {
  const c = record.credential;
  return {
    credentialId: c.id,
    accountId: c.accountId,
    tenantId: c.tenantId,
    channel: c.channel,
    username: c.username,
    offTheRecord: c.offTheRecord,
    scope: c.scope,
    groups: c.groups,
    postbackUrl: c.postbackUrl,
  };
}

function snapshotOf(record: CredentialAuthRecord, matched: CredentialSecret): AuthSnapshot {
  const c = record.credential;
  return {
    principal: principalOf(record),
    enabled: c.enabled,
    expiresAt: c.expiresAt?.getTime() ?? null,
    accountActive: record.accountActive,
    allowlist: new CidrAllowlist(c.allowedCidrs),
    secretExpiresAt: matched.expiresAt?.getTime() ?? null,
    lastUsedAt: c.lastUsedAt?.getTime() ?? null,
  };
}

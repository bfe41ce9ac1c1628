import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Channel } from '../channels/channel';
import { CredentialUsageRecorder } from '../credentials/credential-usage.recorder';
import { CredentialAuthRecord, CredentialSecret } from '../credentials/credential.model';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { CHANGE_NOTIFIER, ChangeNotifier } from '../events/change-notifier';
import { RequestOperation, RequestOutcome } from '../logs/request-log';
import { RequestLogService } from '../logs/request-log.service';
import { CidrAllowlist } from '../network/cidr-allowlist';
import { hasGeneratedShape } from '../secrets/secret-format';
import { SecretHasher } from '../secrets/secret-hasher';
import { SECRET_HASHER } from '../secrets/secret-hasher.token';
import { asciiLower } from '../common/ascii';
import { AuthCache } from './auth-cache';
import { AuthFailureReason, failureScore } from './auth-failure';
import { AuthSnapshot, AuthenticatedCredential } from './authenticated-credential';
import { peerBanSubject } from './ban-subject';
import { PEER_BAN_LIST, PeerBanList } from './peer-ban-list';
import { SecretUpgrader } from './secret-upgrader';

export interface AuthRequest {
  channel: Channel;
  /** Absent for a bare bearer key. */
  username?: string | null;
  secret: string;
  /** Normalised peer address (see normalizePeerAddress). */
  peer: string;
  /** For the request log. */
  operation: RequestOperation;
  /**
   * Write the success to the request log here. Listeners that log the whole request
   * afterwards (with its final status) pass false. Failures are always logged here.
   */
  logSuccess?: boolean;
  /** The protocol's status for a refusal, for the request log (`401`, `530`, `535`…). */
  failureStatus?: (reason: AuthFailureReason) => string;
  /**
   * Who bans and failure scores apply to; the peer's address (IPv6: its /64) unless given.
   * A tenant's verify call passes its admin token here (see ban-subject.ts).
   */
  banSubject?: string;
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
  | { ok: true; snapshot: AuthSnapshot; matched: CredentialSecret }
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
/** How long a cached verdict is trusted while this node cannot hear other nodes' changes. */
export const DEGRADED_CACHE_MS = 5_000;

@Injectable()
export class Authenticator implements OnModuleDestroy {
  readonly cache = new AuthCache();
  /** Cold checks under way by cache key: concurrent first logins with one secret share one bcrypt. */
  private readonly inflight = new Map<string, Promise<ColdOutcome>>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(PEER_BAN_LIST) private readonly bans: PeerBanList,
    @Inject(CHANGE_NOTIFIER) private readonly changes: ChangeNotifier,
    private readonly requestLog: RequestLogService,
    private readonly usage: CredentialUsageRecorder,
    private readonly upgrader: SecretUpgrader,
  ) {
    this.unsubscribe = changes.subscribe((event) => {
      if (event.type === 'cache.reset') this.cache.clear();
      else if (event.type === 'credential.changed') this.cache.invalidateCredential(event.credentialId);
      else for (const id of event.credentialIds) this.cache.invalidateCredential(id);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const started = performance.now();
    const username = req.username ? asciiLower(req.username.trim()) : null;
    const banSubject = req.banSubject ?? peerBanSubject(req.peer);
    const entry = (
      outcome: RequestOutcome,
      cred?: AuthenticatedCredential | { credentialId?: string; accountId?: string; tenantId?: string },
    ) => ({
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
    const log = (outcome: RequestOutcome, cred?: Parameters<typeof entry>[1]) =>
      this.requestLog.record(entry(outcome, cred));

    const ban = await this.bans.check(banSubject);
    if (ban.banned) {
      // Folded: a banned subject writes at most one row a minute however fast it knocks.
      this.requestLog.recordFolded(banSubject, entry('banned'));
      return { ok: false, reason: 'banned', retryAfterSeconds: ban.retryAfterSeconds };
    }

    const cacheKey = this.hasher.cacheKey(req.channel, username ?? '', req.secret);
    // While changes from other nodes may be missed, a cached verdict is trusted only briefly.
    let snapshot = this.cache.get(cacheKey, this.changes.isDelivering() ? undefined : DEGRADED_CACHE_MS);
    if (!snapshot) {
      const cold = await this.verifyColdOnce(cacheKey, req.channel, username, req.secret);
      if (!cold.ok) {
        await this.bans.recordFailure(banSubject, failureScore(cold.reason));
        // The log names the credential a wrong secret was tried on; the caller is not told.
        log(cold.reason, cold.record ? principalOf(cold.record) : undefined);
        return { ok: false, reason: cold.reason };
      }
      snapshot = cold.snapshot;
      this.cache.set(cacheKey, snapshot);
      this.upgrader.upgradeIfNeeded(cold.matched, req.secret);
    }

    const now = Date.now();
    const reason = this.stateFailure(snapshot, req.peer, now);
    const principal = snapshot.principal;
    if (reason) {
      if (reason === 'bad_secret') {
        this.cache.invalidateCredential(principal.credentialId);
        await this.bans.recordFailure(banSubject, failureScore(reason));
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

  /**
   * The credential as it stands now, for work a client started earlier and the server finishes
   * later (a batch file resumed after a restart): null when it is gone, blocked, expired or its
   * account suspended. No secret is checked: the client logged in when it handed the work over.
   */
  async currentPrincipal(credentialId: string): Promise<AuthenticatedCredential | null> {
    const record = await this.credentials.findAuthById(credentialId);
    if (!record) return null;
    const c = record.credential;
    const now = Date.now();
    if (!c.enabled || (c.expiresAt !== null && c.expiresAt.getTime() <= now) || !record.accountActive) return null;
    return principalOf(record);
  }

  private stateFailure(s: AuthSnapshot, peer: string, now: number): AuthFailureReason | null {
    if (s.secretExpiresAt !== null && s.secretExpiresAt <= now) return 'bad_secret';
    if (!s.enabled) return 'disabled';
    if (s.expiresAt !== null && s.expiresAt <= now) return 'expired';
    if (!s.accountActive) return 'account_suspended';
    if (!s.allowlist.allows(peer)) return 'ip_not_allowed';
    return null;
  }

  /** One cold check per (channel, username, secret) at a time; concurrent callers share its outcome. */
  private verifyColdOnce(
    cacheKey: string,
    channel: Channel,
    username: string | null,
    secret: string,
  ): Promise<ColdOutcome> {
    let pending = this.inflight.get(cacheKey);
    if (!pending) {
      pending = this.verifyCold(channel, username, secret).finally(() => this.inflight.delete(cacheKey));
      this.inflight.set(cacheKey, pending);
    }
    return pending;
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
      return matched
        ? { ok: true, snapshot: snapshotOf(record, matched), matched }
        : { ok: false, reason: 'bad_secret' };
    }

    const record = await this.credentials.findAuthByUsername(channel, username);
    if (!record) {
      await this.hasher.burn(!generatedShape, secret);
      return { ok: false, reason: 'unknown_credential' };
    }
    const matched = await this.match(record.secrets, secret, generatedShape, now);
    return matched
      ? { ok: true, snapshot: snapshotOf(record, matched), matched }
      : { ok: false, reason: 'bad_secret', record };
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
    rateLimit: c.rateLimit,
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

import { Inject, Injectable, Optional } from '@nestjs/common';
import { Channel } from '../channels/channel';
import { RequestOperation, RequestOutcome } from '../logs/request-log';
import { RequestLogService } from '../logs/request-log.service';
import { RefusalReason } from './auth-failure';
import { AuthenticatedCredential } from './authenticated-credential';
import { Authenticator } from './authenticator';
import { RATE_LIMITER, RateLimiter } from './rate-limiter';

/** A login as any protocol presents it. */
export interface ChannelLogin {
  channel: Channel;
  /** Absent for a bare bearer key. */
  username: string | null;
  secret: string;
  /** Normalised peer address (see PeerAddressResolver / normalizePeerAddress). */
  peer: string;
  operation: RequestOperation;
  /** The protocol's status for each refusal, for the request log (`401`, `530`, `535`…). */
  refusalStatus: (reason: RefusalReason) => string;
  /**
   * False when the login itself is not a request against the credential's rate limit: SMTP
   * counts each mail instead (`overRate` per message). Default true.
   */
  countsAgainstRate?: boolean;
}

/** Why a login was refused; each protocol maps it with an exhaustive switch of its own. */
export interface Refusal {
  reason: RefusalReason;
  /** Set for `banned` and `rate_limited`. */
  retryAfterSeconds?: number;
}

export type Admission =
  { ok: true; key: AuthenticatedCredential; request: ChannelRequest } | { ok: false; refusal: Refusal };

/** Counts logins by channel and outcome; the platform's metrics implement it. */
export interface LoginMetrics {
  login(channel: Channel, outcome: 'ok' | RefusalReason): void;
}
export const LOGIN_METRICS = Symbol('LoginMetrics');

/**
 * One admitted channel request as the request log sees it. The protocol says how it ended, in
 * its own status (`202`, `OK`, `250`, `226`…), once; an off-the-record key writes nothing.
 * Written through this scope, not through an HTTP response: FTP and SMTP have none.
 */
export class ChannelRequest {
  private finished = false;
  private readonly started = performance.now();

  constructor(
    private readonly requestLog: RequestLogService,
    readonly key: AuthenticatedCredential,
    readonly operation: RequestOperation,
    readonly peer: string,
  ) {}

  finish(status: string, outcome: RequestOutcome): void {
    if (this.finished) return;
    this.finished = true;
    if (this.key.offTheRecord) return;
    this.requestLog.record({
      channel: this.key.channel,
      credentialId: this.key.credentialId,
      accountId: this.key.accountId,
      tenantId: this.key.tenantId,
      username: this.key.username,
      peer: this.peer,
      operation: this.operation,
      outcome,
      status,
      durationMs: Math.round(performance.now() - this.started),
    });
  }
}

/**
 * The one login pipeline every listener uses: ban check → secret → state and allowlist (the
 * authenticator) → a request-log row (refusals now, an admitted request when it finishes) →
 * metrics. Knows no protocol: it answers with the credential or a typed refusal.
 */
@Injectable()
export class ChannelGate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly requestLog: RequestLogService,
    @Inject(RATE_LIMITER) private readonly rates: RateLimiter,
    @Optional() @Inject(LOGIN_METRICS) private readonly metrics?: LoginMetrics,
  ) {}

  async admit(login: ChannelLogin): Promise<Admission> {
    const result = await this.authenticator.authenticate({
      channel: login.channel,
      username: login.username,
      secret: login.secret,
      peer: login.peer,
      operation: login.operation,
      failureStatus: login.refusalStatus,
      // The admitted request writes its own row when it ends, with the protocol's final status.
      logSuccess: false,
    });
    if (!result.ok) {
      this.metrics?.login(login.channel, result.reason);
      return { ok: false, refusal: { reason: result.reason, retryAfterSeconds: result.retryAfterSeconds } };
    }
    const request = new ChannelRequest(this.requestLog, result.credential, login.operation, login.peer);
    // Only a key with a limit pays the await (REST reads are the hot path).
    const limited =
      result.credential.rateLimit && login.countsAgainstRate !== false ? await this.overRate(result.credential) : null;
    this.metrics?.login(login.channel, limited ? 'rate_limited' : 'ok');
    if (limited) {
      request.finish(login.refusalStatus('rate_limited'), 'rate_limited');
      return { ok: false, refusal: limited };
    }
    return { ok: true, key: result.credential, request };
  }

  /**
   * A further request of a session admitted earlier (a mail on an SMTP session) against the
   * credential's rate limit: the refusal when over it (the caller logs the request), else null.
   */
  async overRate(key: AuthenticatedCredential): Promise<Refusal | null> {
    if (!key.rateLimit) return null;
    const decision = await this.rates.take(key.credentialId, key.rateLimit);
    return decision.allowed ? null : { reason: 'rate_limited', retryAfterSeconds: decision.retryAfterSeconds };
  }

  /**
   * A further request of a session admitted earlier (an upload over SFTP or FTP): its request-log
   * scope, without checking the secret again. The session registry ends the session when its
   * credential is blocked, rotated or deleted, so the key is still good while the session lives.
   */
  openRequest(key: AuthenticatedCredential, operation: RequestOperation, peer: string): ChannelRequest {
    return new ChannelRequest(this.requestLog, key, operation, peer);
  }
}

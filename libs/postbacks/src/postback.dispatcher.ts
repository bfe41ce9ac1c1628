import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import {
  CREDENTIAL_REPOSITORY,
  CredentialRepository,
  CredentialService,
  POSTBACK_REPOSITORY,
  PostbackDelivery,
  PostbackOutbox,
  PostbackRepository,
} from '@gatehouse/core';
import { MetricsRegistry } from '@gatehouse/platform';
import { SIGNATURE_HEADER, signPostback } from './postback-signature';
import { SendOutcome, sendPostback } from './postback.sender';
import { afterFailure } from './retry-schedule';

/** Deliveries in flight per node; a tick claims only what it can start at once. */
export const MAX_IN_FLIGHT = 20;
/** Lease beyond the HTTP timeout: the credential read and the result write happen inside it too. */
export const LEASE_MARGIN_MS = 30_000;
/** On shutdown, attempts under way get this long to finish before they are cut off. */
export const SHUTDOWN_GRACE_MS = 3_000;

export const USER_AGENT = 'Gatehouse-Postbacks/1';

interface InFlight {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Sends the outbox (`postback_deliveries`). Every node runs one: it polls every `pollMs`, and
 * at once when this process enqueued something (`PostbackOutbox.wake`). Rows are claimed with
 * a lease, so nodes never send the same row concurrently, and a row whose node died is picked
 * up again when its lease runs out. Delivery is at least once: receivers dedupe on
 * `Gatehouse-Delivery`.
 */
@Injectable()
export class PostbackDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PostbackDispatcher');
  private readonly inFlight = new Map<string, InFlight>();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** A wake (or a full claim) arrived during a tick: run another right after it. */
  private again = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(POSTBACK_REPOSITORY) private readonly repo: PostbackRepository,
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly credentialService: CredentialService,
    private readonly outbox: PostbackOutbox,
    @Optional() private readonly metrics?: MetricsRegistry,
  ) {}

  get leaseMs(): number {
    return this.config.postbacks.timeoutMs + LEASE_MARGIN_MS;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** onModuleDestroy runs before any onApplicationShutdown, so the database is still open. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.outbox.onWake(() => this.kick());
    this.kick(); // rows left by an earlier run or another node
  }

  /**
   * Stops polling, lets attempts under way finish for a moment, then aborts the rest; aborted
   * ones are rescheduled for now, so the next process (or another node) sends them at once.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    const pending = [...this.inFlight.values()];
    if (pending.length === 0) return;
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, Math.min(SHUTDOWN_GRACE_MS, this.config.postbacks.timeoutMs));
    });
    await Promise.race([Promise.all(pending.map((p) => p.done)), grace]);
    clearTimeout(graceTimer);
    for (const p of this.inFlight.values()) p.abort.abort();
    await Promise.all(pending.map((p) => p.done));
  }

  /** Runs a tick now, or right after the current one. */
  private kick(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.again = false;
    this.ticking = this.tick()
      .catch((err: unknown) => this.logger.warn(`postback poll failed: ${describe(err)}`))
      .finally(() => {
        this.ticking = null;
        if (!this.running) return;
        if (this.again) this.kick();
        else this.schedule();
      });
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.config.postbacks.pollMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return; // a finishing attempt kicks again
    const due = await this.repo.claimDue(new Date(), free, this.leaseMs);
    for (const delivery of due) this.launch(delivery);
    if (due.length === free) this.again = true; // there may be more due
  }

  private launch(delivery: PostbackDelivery): void {
    const abort = new AbortController();
    const done = this.attempt(delivery, abort.signal)
      .catch((err: unknown) => {
        // The lease runs out and the row is tried again; nothing else to do here.
        this.logger.warn(`postback ${delivery.id}: could not record the attempt: ${describe(err)}`);
      })
      .finally(() => {
        const wasFull = this.inFlight.size >= MAX_IN_FLIGHT;
        this.inFlight.delete(delivery.id);
        if (wasFull) this.kick();
      });
    this.inFlight.set(delivery.id, { abort, done });
  }

  private async attempt(delivery: PostbackDelivery, signal: AbortSignal): Promise<void> {
    const credential = await this.credentials.findById({ type: 'all' }, delivery.credentialId);
    if (!credential) {
      // Its signing secret went with it: nothing could sign this event any more.
      await this.repo.markFailed(delivery.id, new Date(), 'credential_deleted');
      this.metrics?.postbacks.attempt('failed');
      return;
    }
    const secret = this.credentialService.postbackSigningSecret(credential);
    // Signed per attempt: a retry a day later still carries a fresh, verifiable timestamp.
    const timestamp = Math.floor(Date.now() / 1000);
    const outcome = await sendPostback({
      url: delivery.url,
      body: delivery.payload,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'Gatehouse-Event': delivery.event,
        'Gatehouse-Delivery': delivery.id,
        [SIGNATURE_HEADER]: signPostback(secret, timestamp, delivery.payload),
      },
      timeoutMs: this.config.postbacks.timeoutMs,
      allowPrivate: this.config.allowPrivatePostbacks,
      signal,
    });
    await this.record(delivery, outcome);
  }

  private async record(delivery: PostbackDelivery, outcome: SendOutcome): Promise<void> {
    const now = new Date();
    if (outcome.delivered) {
      await this.repo.markDelivered(delivery.id, now, outcome.result);
      this.metrics?.postbacks.attempt('delivered');
      return;
    }
    if (outcome.result === 'interrupted') {
      await this.repo.markRetry(delivery.id, now, outcome.result, now);
      this.metrics?.postbacks.attempt('interrupted');
      return;
    }
    const decision = afterFailure(delivery, delivery.attempts + 1, now, this.config.postbacks);
    if (decision.type === 'give_up') {
      await this.repo.markFailed(delivery.id, now, `gave_up: ${outcome.result}`);
      this.metrics?.postbacks.attempt('failed');
    } else {
      await this.repo.markRetry(delivery.id, now, outcome.result, decision.at);
      this.metrics?.postbacks.attempt('retry');
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

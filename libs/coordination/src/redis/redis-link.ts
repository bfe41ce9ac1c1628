import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';

/** What nodes tell each other over the one pub/sub channel of a deployment. */
export type NodeMessage =
  | { kind: 'change'; event: unknown }
  /** A ban set by one node, mirrored by all: `until` is a Unix time in ms. */
  | { kind: 'ban'; subject: string; until: number };

type Envelope = NodeMessage & { origin: string };

/** Redis as the coordination module sees it: available or not. */
export type RedisState = 'ok' | 'unavailable';

/** Commands fail fast while Redis is away: callers fall back to what this node knows. */
const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  // Reconnect for ever, at most every 2 s: recovery needs no restart.
  retryStrategy: (times) => Math.min(100 * times, 2_000),
  lazyConnect: true,
};

/**
 * This node's link to the deployment's Redis (REDIS_URL): one connection for commands, one
 * subscribed to the deployment's channel. It says when Redis comes and goes (a log line each
 * way, and `state()` for readiness and metrics), and delivers what other nodes publish. When the
 * subscription comes back after an outage, `onResync` listeners hear of it: whatever was
 * published meanwhile is lost, so they reload or forget what they hold.
 */
export class RedisLink {
  readonly nodeId = randomBytes(8).toString('hex');
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly logger = new Logger('Redis');
  private readonly channel: string;
  private readonly messageListeners = new Set<(message: NodeMessage) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private commandsUp = false;
  private subscribed = false;
  /** The state last logged; null until `connect` has had its first answer. */
  private reported: RedisState | null = null;
  private everUp = false;
  private everSubscribed = false;
  private closing = false;

  constructor(
    url: string,
    readonly prefix: string,
  ) {
    this.channel = `${prefix}events`;
    this.commands = new Redis(url, { ...CLIENT_OPTIONS, connectionName: `gatehouse-${this.nodeId}` });
    this.subscriber = new Redis(url, {
      ...CLIENT_OPTIONS,
      connectionName: `gatehouse-${this.nodeId}-sub`,
      // We subscribe on every 'ready' ourselves (and hear of it). ioredis's own re-subscription
      // leaves its promise unhandled: a connection that closes again at that moment (a flapping
      // Redis, a shutdown) rejected it with "Connection is closed." and nothing caught it.
      autoResubscribe: false,
    });
    for (const client of [this.commands, this.subscriber]) {
      // Reported once per outage by `report`, not once per reconnect attempt.
      client.on('error', (err: Error) => this.logger.debug(`Redis: ${err.message}`));
    }
    this.commands.on('ready', () => this.set(() => (this.commandsUp = true)));
    this.commands.on('close', () => this.set(() => (this.commandsUp = false)));
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () => this.set(() => (this.subscribed = false)));
    this.subscriber.on('message', (channel: string, text: string) => this.receive(channel, text));
  }

  /** Connects both clients; resolves when both are up or after `waitMs` (then it goes on trying). */
  async connect(waitMs = 2_000): Promise<void> {
    for (const client of [this.commands, this.subscriber]) client.connect().catch(() => undefined);
    const deadline = Date.now() + waitMs;
    while (this.state() !== 'ok' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.reported = this.state() === 'ok' ? 'unavailable' : 'ok'; // so that the first report always speaks
    this.report();
  }

  state(): RedisState {
    return this.commandsUp && this.subscribed ? 'ok' : 'unavailable';
  }

  /** Publishes to every other node; false when Redis did not take it. */
  async publish(message: NodeMessage): Promise<boolean> {
    if (!this.commandsUp) return false;
    try {
      await this.commands.publish(this.channel, JSON.stringify({ ...message, origin: this.nodeId }));
      return true;
    } catch {
      return false;
    }
  }

  onMessage(listener: (message: NodeMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (err) {
      this.logger.debug(`Redis subscribe: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const again = this.everSubscribed;
    this.everSubscribed = true;
    this.set(() => (this.subscribed = true));
    if (again) for (const listener of this.resyncListeners) listener();
  }

  private receive(channel: string, text: string): void {
    if (channel !== this.channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === this.nodeId) return; // this node acted on it when it published
    for (const listener of this.messageListeners) listener(envelope);
  }

  private set(change: () => void): void {
    change();
    this.report();
  }

  /** One log line per change of state, not per reconnect attempt. */
  private report(): void {
    const state = this.state();
    if (this.reported === null || state === this.reported || this.closing) return;
    this.reported = state;
    if (state === 'ok') {
      this.logger.log(this.everUp ? 'connected again: sharing bans and changes across nodes' : 'connected');
      this.everUp = true;
    } else {
      this.logger.warn(
        'unavailable: this node goes on with its own bans and trusts cached logins for 5 s only, until Redis is back',
      );
    }
  }
}

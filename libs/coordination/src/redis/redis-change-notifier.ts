import type { ChangeEvent, ChangeListener, ChangeNotifier } from '@gatehouse/core';
import type { RedisLink } from './redis-link';

/**
 * Changes (cache invalidation, "end the sessions of credential X") delivered to this node's
 * listeners at once and published to every other node, which delivers them to its own. While
 * Redis is away nothing reaches the other nodes: `isDelivering()` says so, and their caches then
 * trust what they hold for seconds only. When the link comes back, this node's listeners hear a
 * `cache.reset`: what was published meanwhile is lost.
 */
export class RedisChangeNotifier implements ChangeNotifier {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly link: RedisLink) {
    link.onMessage((message) => {
      if (message.kind === 'change') this.deliver(message.event as ChangeEvent);
    });
    link.onResync(() => this.deliver({ type: 'cache.reset', endSessions: false }));
  }

  async publish(event: ChangeEvent): Promise<void> {
    this.deliver(event);
    if (event.type !== 'cache.reset') await this.link.publish({ kind: 'change', event });
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isDelivering(): boolean {
    return this.link.state() === 'ok';
  }

  private deliver(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

import { ChangeEvent, ChangeListener, ChangeNotifier } from '@gatehouse/core';

/** Delivers synchronously to every listener of this process. */
export class InProcessChangeNotifier implements ChangeNotifier {
  private readonly listeners = new Set<ChangeListener>();

  publish(event: ChangeEvent): Promise<void> {
    for (const listener of this.listeners) listener(event);
    return Promise.resolve();
  }

  /** One process: nothing can be missed. */
  isDelivering(): boolean {
    return true;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

import type { DynamicModule, INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import type { GatehouseConfig, ListenerName } from '@gatehouse/config';
import type { Listener } from '@gatehouse/platform';

/**
 * How one listener joins a process: the Nest modules it needs, and the listener it starts once
 * the application is built. Loaded only when GATEHOUSE_LISTENERS names it (listeners/index.ts).
 */
export interface ListenerPlan {
  name: ListenerName;
  modules: NonNullable<ModuleMetadata['imports']>;
  /**
   * Only for the listener that owns an HTTP server (Nest serves through an application of its own
   * kind): builds the application every listener of the process shares. Without one, the
   * process is a plain application context.
   */
  createApplication?(root: DynamicModule, config: GatehouseConfig): Promise<INestApplicationContext>;
  listener(app: INestApplicationContext, config: GatehouseConfig): Listener;
}

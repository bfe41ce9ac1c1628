import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { ConfigModule, GatehouseConfig } from '@gatehouse/config';
import { CoordinationModule } from '@gatehouse/coordination';
import { CoreModule } from '@gatehouse/core';
import { PersistenceModule } from '@gatehouse/persistence';
import { CoreGauges, PlatformModule } from '@gatehouse/platform';
import { PostbacksModule } from '@gatehouse/postbacks';

type Imports = NonNullable<ModuleMetadata['imports']>;

/**
 * What every Gatehouse process runs — config, persistence, platform plumbing, coordination, the
 * domain and the postback dispatcher — plus the modules of the listeners GATEHOUSE_LISTENERS
 * names (see listeners/index.ts), and nothing of the others.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatehouseConfig, listenerModules: Imports = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(),
        PlatformModule,
        CoordinationModule,
        CoreModule,
        PostbacksModule,
        ...listenerModules,
      ],
      // Reads the core's sessions and request-log queue for `/metrics`: this module sees both.
      providers: [CoreGauges],
    };
  }
}

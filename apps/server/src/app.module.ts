import { DynamicModule, Module } from '@nestjs/common';
import { AdminApiModule } from '@gatehouse/admin-api';
import { HttpChannelModule, RestChannelModule, WebserviceChannelModule } from '@gatehouse/channels';
import { ConfigModule, GatehouseConfig } from '@gatehouse/config';
import { CoreModule } from '@gatehouse/core';
import { PersistenceModule } from '@gatehouse/persistence';
import { PlatformModule } from '@gatehouse/platform';
import { PostbacksModule } from '@gatehouse/postbacks';

/**
 * Composes the service: config → persistence → platform → core → APIs and listeners.
 * Channel listeners (REST, HTTP, SOAP, FTP/SFTP, SMTP) are added here as their modules land,
 * each switched by GATEHOUSE_LISTENERS.
 */
@Module({})
export class AppModule {
  static forRoot(config?: GatehouseConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(),
        PlatformModule,
        CoreModule,
        RestChannelModule,
        HttpChannelModule,
        WebserviceChannelModule,
        AdminApiModule,
        PostbacksModule,
      ],
    };
  }
}

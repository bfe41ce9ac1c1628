import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express } from 'express';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { CoreModule } from '@gatehouse/core';
import { MessagingSoapService } from './messaging-soap.service';
import { attachSoapEndpoint } from './soap-endpoint';

/**
 * `webservice` channel: SOAP 1.1 at /ws/messaging (WSDL at `?wsdl`), served by the `soap`
 * package on the app's Express instance rather than by a Nest controller, so it is not part of
 * the OpenAPI document. Its body is read by the `/ws/messaging` route of bootstrap's body parsing.
 */
@Module({ imports: [CoreModule], providers: [MessagingSoapService] })
export class WebserviceChannelModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly messaging: MessagingSoapService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  /** Nest has mounted its routes by now but not yet its not-found handler: the SOAP route goes in between. */
  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter) return; // an application context without HTTP
    await attachSoapEndpoint(adapter.getInstance<Express>(), this.messaging.services(), this.config);
  }
}

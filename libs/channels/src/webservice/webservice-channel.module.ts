import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { CoreModule } from '@gatehouse/core';
import { PeerAddressResolver } from '@gatehouse/platform';
import { ErrorDialects } from '@gatehouse/platform/http';
import { MessagingSoapService } from './messaging-soap.service';
import { mountSoapEndpoint } from './soap-endpoint';
import { SOAP_FAULTS } from './soap-fault';

/**
 * `webservice` channel: SOAP 1.1 at /ws/messaging (WSDL at `?wsdl`), a Fastify route that hands
 * guarded requests to the `soap` package rather than a Nest controller, so it is not part of
 * the OpenAPI document. Every failure under its path is a SOAP fault.
 */
@Module({ imports: [CoreModule], providers: [MessagingSoapService] })
export class WebserviceChannelModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly messaging: MessagingSoapService,
    private readonly peers: PeerAddressResolver,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    dialects: ErrorDialects,
  ) {
    dialects.register(SOAP_FAULTS);
  }

  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter) return; // an application context without HTTP
    await mountSoapEndpoint(adapter.getInstance<FastifyInstance>(), this.messaging.services(), this.config, this.peers);
  }
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { GATEHOUSE_CONFIG } from './config.token';
import { GatehouseConfig, loadConfig } from './gatehouse-config';

@Global()
@Module({})
export class ConfigModule {
  /** Uses the given config (tests, CLI) or, when none is given, validates `process.env`. */
  static forRoot(config?: GatehouseConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: GATEHOUSE_CONFIG, useValue: config ?? loadConfig(process.env) }],
      exports: [GATEHOUSE_CONFIG],
    };
  }
}

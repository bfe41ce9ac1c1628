import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import {
  ACCOUNT_REPOSITORY,
  ADMIN_TOKEN_REPOSITORY,
  AUDIT_LOG_REPOSITORY,
  CREDENTIAL_REPOSITORY,
  POSTBACK_REPOSITORY,
  SUBMISSION_REPOSITORY,
  GROUP_REPOSITORY,
  REQUEST_LOG_REPOSITORY,
  SETTINGS_REPOSITORY,
  UNIT_OF_WORK,
} from '@gatehouse/core';
import { openDatabase } from './data-source';
import { DatabasePing } from './database-ping';
import { TypeOrmAccountRepository } from './repositories/account.typeorm-repository';
import { TypeOrmAdminTokenRepository, TypeOrmSettingsRepository } from './repositories/admin-token.typeorm-repository';
import { TypeOrmCredentialRepository } from './repositories/credential.typeorm-repository';
import { TypeOrmGroupRepository } from './repositories/group.typeorm-repository';
import { TypeOrmAuditLogRepository, TypeOrmRequestLogRepository } from './repositories/log.typeorm-repository';
import { TypeOrmPostbackRepository, TypeOrmSubmissionRepository } from './repositories/submission.typeorm-repository';
import { TypeOrmUnitOfWork } from './unit-of-work.typeorm';

type RepositoryClass = new (uow: TypeOrmUnitOfWork) => object;

const repositories: [symbol, RepositoryClass][] = [
  [ACCOUNT_REPOSITORY, TypeOrmAccountRepository],
  [CREDENTIAL_REPOSITORY, TypeOrmCredentialRepository],
  [GROUP_REPOSITORY, TypeOrmGroupRepository],
  [ADMIN_TOKEN_REPOSITORY, TypeOrmAdminTokenRepository],
  [SETTINGS_REPOSITORY, TypeOrmSettingsRepository],
  [REQUEST_LOG_REPOSITORY, TypeOrmRequestLogRepository],
  [AUDIT_LOG_REPOSITORY, TypeOrmAuditLogRepository],
  [SUBMISSION_REPOSITORY, TypeOrmSubmissionRepository],
  [POSTBACK_REPOSITORY, TypeOrmPostbackRepository],
];

/** Binds every repository token of the core to its TypeORM implementation. Migrations run on open. */
@Global()
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          inject: [GATEHOUSE_CONFIG],
          useFactory: (config: GatehouseConfig) => openDatabase(config.database),
        },
        { provide: TypeOrmUnitOfWork, inject: [DataSource], useFactory: (ds: DataSource) => new TypeOrmUnitOfWork(ds) },
        { provide: UNIT_OF_WORK, useExisting: TypeOrmUnitOfWork },
        {
          provide: DatabasePing,
          inject: [TypeOrmUnitOfWork],
          useFactory: (uow: TypeOrmUnitOfWork) => new DatabasePing(uow),
        },
        ...repositories.map(([token, Impl]) => ({
          provide: token,
          inject: [TypeOrmUnitOfWork],
          useFactory: (uow: TypeOrmUnitOfWork) => new Impl(uow),
        })),
      ],
      exports: [DataSource, DatabasePing, UNIT_OF_WORK, ...repositories.map(([token]) => token)],
    };
  }

  /** Runs after every other module's shutdown hook (log flushes), as it is imported first. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

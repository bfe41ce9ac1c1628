import { Module } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import {
  Authenticator,
  CoreModule,
  RequestLogService,
  SUBMISSION_REPOSITORY,
  SubmissionRepository,
  SubmissionService,
} from '@gatehouse/core';
import { AccountTreeJanitor } from './account-tree-janitor';
import { FsAccountTrees } from './account-trees';
import { BatchFileProcessor } from './batch-files';
import { ACCOUNT_TREES, BATCH_FILES } from './file-channel';

/**
 * The file channel's storage: the jailed account trees and batch processing, shared by the FTP
 * and SFTP listeners (ACCOUNT_TREES, BATCH_FILES); a deleted account's files go with it.
 * SUBMISSION_REPOSITORY comes from the global
 * persistence module.
 */
@Module({
  imports: [CoreModule],
  providers: [
    FsAccountTrees,
    AccountTreeJanitor,
    { provide: ACCOUNT_TREES, useExisting: FsAccountTrees },
    {
      provide: BatchFileProcessor,
      inject: [
        GATEHOUSE_CONFIG,
        FsAccountTrees,
        SubmissionService,
        SUBMISSION_REPOSITORY,
        Authenticator,
        RequestLogService,
      ],
      useFactory: (
        config: GatehouseConfig,
        trees: FsAccountTrees,
        submissions: SubmissionService,
        stored: SubmissionRepository,
        principals: Authenticator,
        requestLog: RequestLogService,
      ) =>
        new BatchFileProcessor({
          trees,
          submissions,
          stored,
          principals,
          requestLog,
          maxUploadBytes: config.ftp.maxUploadBytes,
          // SQLite is held by one process: nothing else can be working on this data dir.
          soleNode: config.database.type === 'sqlite',
        }),
    },
    { provide: BATCH_FILES, useExisting: BatchFileProcessor },
  ],
  exports: [ACCOUNT_TREES, BATCH_FILES, FsAccountTrees, BatchFileProcessor],
})
export class FilesModule {}

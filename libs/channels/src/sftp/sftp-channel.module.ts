import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { FilesModule } from '../files/files.module';
import { SftpListener } from './sftp.listener';

/** The `sftp` listener (DESIGN.md §2, `ftp` row): SSH on GATEHOUSE_SFTP_PORT over the jailed trees of FilesModule. */
@Module({ imports: [CoreModule, FilesModule], providers: [SftpListener], exports: [SftpListener] })
export class SftpChannelModule {}

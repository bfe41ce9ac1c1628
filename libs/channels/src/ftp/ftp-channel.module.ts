import { Inject, Injectable, Module } from '@nestjs/common';
import type { GatehouseConfig } from '@gatehouse/config';
import { ChannelGate, CoreModule, PEER_BAN_LIST, PeerBanList, SessionRegistry } from '@gatehouse/core';
import { ACCOUNT_TREES, AccountTrees, BATCH_FILES, BatchFiles, FilesModule } from '../files';
import { FtpListener, FtpListenerOptions } from './ftp-listener';

/** Builds the FTP listener from the process's services (FTP_LISTENER's `listener`). */
@Injectable()
export class FtpListenerFactory {
  private readonly created: FtpListener[] = [];

  constructor(
    private readonly gate: ChannelGate,
    private readonly registry: SessionRegistry,
    @Inject(PEER_BAN_LIST) private readonly bans: PeerBanList,
    @Inject(ACCOUNT_TREES) private readonly trees: AccountTrees,
    @Inject(BATCH_FILES) private readonly batches: BatchFiles,
  ) {}

  create(config: GatehouseConfig, options?: FtpListenerOptions): FtpListener {
    const { gate, registry, bans, trees, batches } = this;
    const listener = new FtpListener(config, { gate, registry, bans, trees, batches }, options);
    this.created.push(listener);
    return listener;
  }

  /** The listeners made here that are bound now (the process's FTP listener, for its banner and for tests). */
  running(): FtpListener[] {
    return this.created.filter((l) => l.address() !== null);
  }
}

/**
 * The `ftp` channel's listener: FTP and explicit FTPS on GATEHOUSE_FTP_PORT, over the jailed
 * trees and batch files of FilesModule. PEER_BAN_LIST comes from the global coordination module.
 */
@Module({
  imports: [CoreModule, FilesModule],
  providers: [FtpListenerFactory],
  exports: [FtpListenerFactory],
})
export class FtpChannelModule {}

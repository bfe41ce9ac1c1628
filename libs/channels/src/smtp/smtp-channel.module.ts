import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { SmtpListener } from './smtp.listener';

/**
 * The `smtp` listener (DESIGN.md §2, `email` row): email-to-SMS on GATEHOUSE_SMTP_PORT (and
 * GATEHOUSE_SMTPS_PORT). PEER_BAN_LIST comes from the global coordination module.
 */
@Module({ imports: [CoreModule], providers: [SmtpListener], exports: [SmtpListener] })
export class SmtpChannelModule {}

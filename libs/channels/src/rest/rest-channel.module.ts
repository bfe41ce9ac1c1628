import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { MessagesController } from './messages.controller';
import { RestKeyGuard } from './rest-key.guard';

/** `rest` channel under /rest/v1. */
@Module({ imports: [CoreModule], controllers: [MessagesController], providers: [RestKeyGuard] })
export class RestChannelModule {}

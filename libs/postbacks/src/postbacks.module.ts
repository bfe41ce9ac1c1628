import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { PostbackDispatcher } from './postback.dispatcher';

/** Sends the postback outbox the core fills (DESIGN.md §4 "Postbacks"). */
@Module({ imports: [CoreModule], providers: [PostbackDispatcher], exports: [PostbackDispatcher] })
export class PostbacksModule {}

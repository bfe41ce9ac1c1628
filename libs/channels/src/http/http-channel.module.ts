import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { HttpSendController } from './http-send.controller';

/** `http` channel: the query-string/form API at /http/send. */
@Module({ imports: [CoreModule], controllers: [HttpSendController] })
export class HttpChannelModule {}

import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { ErrorDialects } from '@gatehouse/platform/http';
import { HTTP_TEXT_ERRORS } from './http-text-errors';
import { HttpSendController } from './http-send.controller';

/** `http` channel: the query-string/form API at /http/send, failures as `ERR <code> <message>`. */
@Module({ imports: [CoreModule], controllers: [HttpSendController] })
export class HttpChannelModule {
  constructor(dialects: ErrorDialects) {
    dialects.register(HTTP_TEXT_ERRORS);
  }
}

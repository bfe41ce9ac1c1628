import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AdminContext, CredentialVerifier } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { VerifyDto } from '../dto/misc.dto';
import { ErrorBodyView, VerifyResultView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('verify')
@Controller('admin/v1/verify')
export class VerifyController {
  constructor(private readonly verifier: CredentialVerifier) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a credential as a listener would; 200 whenever the request is well-formed',
    description:
      "For gateways that keep their own listeners. Root: `ip` is the client's address and feeds the listeners' " +
      "ban list. An admin token may only verify its own tenant's credentials: any other is `unknown_credential` " +
      'without being verified, scored, logged or cached; its failures count against the token (429 `banned`).',
  })
  @ApiOkResponse({ type: VerifyResultView })
  @ApiTooManyRequestsResponse({ type: ErrorBodyView, description: 'An admin token with too many failed verifies' })
  verify(@Admin() ctx: AdminContext, @Body() dto: VerifyDto): Promise<VerifyResultView> {
    return this.verifier.verify(ctx.actor, {
      channel: dto.channel,
      username: dto.username ?? null,
      secret: dto.secret,
      ip: dto.ip,
    });
  }
}

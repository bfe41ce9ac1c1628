import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminContext, Authenticator, normalizePeerAddress, scopeAllows, scopeOf } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { VerifyDto } from '../dto/misc.dto';
import { VerifyResultView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('verify')
@Controller('admin/v1/verify')
export class VerifyController {
  constructor(private readonly authenticator: Authenticator) {}

  /**
   * For gateways that keep their own listeners: the same authenticator, the same bans and
   * request log, with the client address the gateway reports. A credential outside the
   * caller's tenant is reported as unknown.
   */
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a credential as a listener would; 200 whenever the request is well-formed' })
  @ApiOkResponse({ type: VerifyResultView })
  async verify(@Admin() ctx: AdminContext, @Body() dto: VerifyDto): Promise<VerifyResultView> {
    const result = await this.authenticator.authenticate({
      channel: dto.channel,
      username: dto.username ?? null,
      secret: dto.secret,
      peer: normalizePeerAddress(dto.ip),
      operation: 'admin.verify',
    });
    const scope = scopeOf(ctx.actor);
    if (result.ok) {
      const c = result.credential;
      return scopeAllows(scope, c)
        ? { valid: true, credentialId: c.credentialId, accountId: c.accountId }
        : { valid: false, reason: 'unknown_credential' };
    }
    if (result.credentialId && result.accountId && result.tenantId) {
      const visible = scopeAllows(scope, { accountId: result.accountId, tenantId: result.tenantId });
      return visible
        ? { valid: false, reason: result.reason, credentialId: result.credentialId, accountId: result.accountId }
        : { valid: false, reason: 'unknown_credential' };
    }
    return { valid: false, reason: result.reason };
  }
}

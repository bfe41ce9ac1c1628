import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminContext, CredentialService } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import {
  CreateCredentialDto,
  ListCredentialsQueryDto,
  RotateCredentialDto,
  UpdateCredentialDto,
} from '../dto/credential.dto';
import { toDate } from '../dto/validators';
import { ApiPageResponse, PageView, pageView } from '../views/page';
import { CredentialView, ErrorBodyView, IssuedCredentialView, credentialView, issuedView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('credentials')
@Controller('admin/v1')
export class CredentialsController {
  constructor(private readonly credentials: CredentialService) {}

  @Post('accounts/:accountId/credentials')
  @ApiOperation({ summary: 'Issue a credential; its secret and postback signing secret are shown this once' })
  @ApiCreatedResponse({ type: IssuedCredentialView })
  @ApiConflictResponse({ type: ErrorBodyView, description: 'username_taken' })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyView, description: 'unknown_group' })
  async create(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Body() dto: CreateCredentialDto,
  ): Promise<IssuedCredentialView> {
    return issuedView(await this.credentials.create(ctx, accountId, { ...dto, expiresAt: toDate(dto.expiresAt) }));
  }

  @Get('accounts/:accountId/credentials')
  @ApiOperation({ summary: 'List an account’s credentials (filters: channel, q, enabled)' })
  @ApiPageResponse(CredentialView)
  async list(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Query() query: ListCredentialsQueryDto,
  ): Promise<PageView<CredentialView>> {
    const filter = {
      channel: query.channel,
      q: query.q,
      enabled: query.enabled === undefined ? undefined : query.enabled === 'true',
    };
    return pageView(await this.credentials.list(ctx.actor, accountId, filter, query.toPageRequest()), credentialView);
  }

  @Get('credentials/:id')
  @ApiOkResponse({ type: CredentialView })
  async get(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<CredentialView> {
    return credentialView(await this.credentials.get(ctx.actor, id));
  }

  @Patch('credentials/:id')
  @ApiOperation({ summary: 'Change settings; `enabled: false` blocks and ends open sessions' })
  @ApiOkResponse({ type: CredentialView })
  async update(
    @Admin() ctx: AdminContext,
    @Param('id') id: string,
    @Body() dto: UpdateCredentialDto,
  ): Promise<CredentialView> {
    return credentialView(await this.credentials.update(ctx, id, { ...dto, expiresAt: toDate(dto.expiresAt) }));
  }

  @Delete('credentials/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<void> {
    await this.credentials.delete(ctx, id);
  }

  @Post('credentials/:id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'New secret (shown once); the old one stops now unless graceSeconds is given' })
  @ApiOkResponse({ type: IssuedCredentialView })
  async rotate(
    @Admin() ctx: AdminContext,
    @Param('id') id: string,
    @Body() dto: RotateCredentialDto,
  ): Promise<IssuedCredentialView> {
    return issuedView(await this.credentials.rotate(ctx, id, dto), false);
  }

  @Put('credentials/:id/avatar')
  @ApiOperation({ summary: 'Upload a PNG, JPEG or WebP avatar (≤ 256 KiB), identified by its content' })
  @ApiConsumes('image/png', 'image/jpeg', 'image/webp', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: CredentialView })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyView })
  async putAvatar(
    @Admin() ctx: AdminContext,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<CredentialView> {
    const body: unknown = req.body;
    return credentialView(await this.credentials.putAvatar(ctx, id, Buffer.isBuffer(body) ? body : Buffer.alloc(0)));
  }

  @Get('credentials/:id/avatar')
  @ApiProduces('image/png', 'image/jpeg', 'image/webp')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async getAvatar(@Admin() ctx: AdminContext, @Param('id') id: string, @Res() res: FastifyReply): Promise<void> {
    const avatar = await this.credentials.getAvatar(ctx.actor, id);
    await res
      .status(200)
      .headers({
        'Content-Type': avatar.contentType,
        'Cache-Control': 'no-store', // every admin answer, as DESIGN.md §3 says
        'X-Content-Type-Options': 'nosniff',
        'Last-Modified': avatar.updatedAt.toUTCString(),
      })
      .send(avatar.data);
  }

  @Delete('credentials/:id/avatar')
  @HttpCode(204)
  @ApiNoContentResponse()
  async deleteAvatar(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<void> {
    await this.credentials.deleteAvatar(ctx, id);
  }
}

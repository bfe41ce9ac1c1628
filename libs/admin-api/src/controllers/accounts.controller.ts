import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccountService, AdminContext } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { CreateAccountDto, ListAccountsQueryDto, UpdateAccountDto, UpsertAccountDto } from '../dto/account.dto';
import { toDate } from '../dto/validators';
import { ApiPageResponse, PageView, pageView } from '../views/page';
import {
  AccountView,
  ChannelStateView,
  CreatedAccountView,
  accountView,
  channelStateView,
  issuedView,
} from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('accounts')
@Controller('admin/v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountService) {}

  @Post()
  @ApiOperation({ summary: 'Create a master (root) or sub-account; a legacy master gets four credentials' })
  @ApiCreatedResponse({ type: CreatedAccountView })
  async create(@Admin() ctx: AdminContext, @Body() dto: CreateAccountDto): Promise<CreatedAccountView> {
    const created = await this.accounts.create(ctx, { ...dto, createdAt: toDate(dto.createdAt) ?? undefined });
    return { account: accountView(created.account), credentials: created.credentials.map((c) => issuedView(c)) };
  }

  @Get()
  @ApiOperation({ summary: 'Accounts the caller may see' })
  @ApiPageResponse(AccountView)
  async list(@Admin() ctx: AdminContext, @Query() query: ListAccountsQueryDto): Promise<PageView<AccountView>> {
    const { kind, parentId, status } = query;
    return pageView(
      await this.accounts.list(ctx.actor, { kind, parentId, status }, query.toPageRequest()),
      accountView,
    );
  }

  @Put('by-external-id/:externalId')
  @ApiOperation({ summary: 'Idempotent upsert by externalId: 201 when created, 200 when it existed' })
  @ApiCreatedResponse({ type: CreatedAccountView })
  @ApiOkResponse({ type: CreatedAccountView })
  async upsert(
    @Admin() ctx: AdminContext,
    @Param('externalId') externalId: string,
    @Body() dto: UpsertAccountDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<CreatedAccountView> {
    const { created, result } = await this.accounts.upsertByExternalId(ctx, externalId, {
      ...dto,
      createdAt: toDate(dto.createdAt) ?? undefined,
    });
    res.status(created ? 201 : 200);
    return { account: accountView(result.account), credentials: result.credentials.map((c) => issuedView(c)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: AccountView })
  async get(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<AccountView> {
    return accountView(await this.accounts.get(ctx.actor, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change externalId, suspend or reactivate' })
  @ApiOkResponse({ type: AccountView })
  async update(
    @Admin() ctx: AdminContext,
    @Param('id') id: string,
    @Body() dto: UpdateAccountDto,
  ): Promise<AccountView> {
    return accountView(await this.accounts.update(ctx, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete with its credentials, groups and admin tokens; 409 while a master has sub-accounts',
  })
  @ApiNoContentResponse()
  async remove(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<void> {
    await this.accounts.delete(ctx, id);
  }

  @Get(':id/channels')
  @ApiOperation({ summary: 'All five channels with whether each is active' })
  @ApiExtraModels(ChannelStateView)
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { data: { type: 'array', items: { $ref: getSchemaPath(ChannelStateView) } } },
    },
  })
  async channels(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<{ data: ChannelStateView[] }> {
    return { data: (await this.accounts.channels(ctx.actor, id)).map(channelStateView) };
  }
}

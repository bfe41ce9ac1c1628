import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { AdminContext, AdminTokenService } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { CreateAdminTokenDto } from '../dto/misc.dto';
import { PageQueryDto } from '../dto/page-query.dto';
import { ApiPageResponse, PageView, pageView } from '../views/page';
import { AdminTokenView, CreatedAdminTokenView, adminTokenView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('admin-tokens')
@Controller('admin/v1')
export class AdminTokensController {
  constructor(private readonly tokens: AdminTokenService) {}

  @Post('accounts/:accountId/admin-tokens')
  @ApiOperation({ summary: 'Token that manages this account (and a master’s subs); shown once' })
  @ApiCreatedResponse({ type: CreatedAdminTokenView })
  async create(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Body() dto: CreateAdminTokenDto,
  ): Promise<CreatedAdminTokenView> {
    const { adminToken, token } = await this.tokens.create(ctx, accountId, dto);
    return { adminToken: adminTokenView(adminToken), token };
  }

  @Get('accounts/:accountId/admin-tokens')
  @ApiPageResponse(AdminTokenView)
  async list(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Query() query: PageQueryDto,
  ): Promise<PageView<AdminTokenView>> {
    return pageView(await this.tokens.list(ctx.actor, accountId, query.toPageRequest()), adminTokenView);
  }

  @Delete('admin-tokens/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<void> {
    await this.tokens.delete(ctx, id);
  }
}

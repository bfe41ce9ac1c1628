import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminContext, GroupService } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { CreateGroupDto, UpdateGroupDto } from '../dto/misc.dto';
import { PageQueryDto } from '../dto/page-query.dto';
import { ApiPageResponse, PageView, pageView } from '../views/page';
import { ErrorBodyView, GroupView, groupView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('groups')
@Controller('admin/v1/accounts/:accountId/groups')
export class GroupsController {
  constructor(private readonly groups: GroupService) {}

  @Post()
  @ApiCreatedResponse({ type: GroupView })
  @ApiConflictResponse({ type: ErrorBodyView, description: 'slug_taken' })
  async create(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Body() dto: CreateGroupDto,
  ): Promise<GroupView> {
    return groupView(await this.groups.create(ctx, accountId, dto));
  }

  @Get()
  @ApiPageResponse(GroupView)
  async list(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Query() query: PageQueryDto,
  ): Promise<PageView<GroupView>> {
    return pageView(await this.groups.list(ctx.actor, accountId, query.toPageRequest()), groupView);
  }

  @Get(':slug')
  @ApiOkResponse({ type: GroupView })
  async get(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Param('slug') slug: string,
  ): Promise<GroupView> {
    return groupView(await this.groups.get(ctx.actor, accountId, slug));
  }

  @Patch(':slug')
  @ApiOkResponse({ type: GroupView })
  async update(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Param('slug') slug: string,
    @Body() dto: UpdateGroupDto,
  ): Promise<GroupView> {
    return groupView(await this.groups.update(ctx, accountId, slug, dto));
  }

  @Delete(':slug')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: ErrorBodyView, description: 'group_in_use: a credential is scoped to it' })
  async remove(
    @Admin() ctx: AdminContext,
    @Param('accountId') accountId: string,
    @Param('slug') slug: string,
  ): Promise<void> {
    await this.groups.delete(ctx, accountId, slug);
  }
}

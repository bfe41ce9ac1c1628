import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminContext, AuditLogService, RequestLogService } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { AuditLogQueryDto, RequestLogQueryDto } from '../dto/misc.dto';
import { toDate } from '../dto/validators';
import { ApiPageResponse, PageView, pageView } from '../views/page';
import { AuditLogView, RequestLogView, auditLogView, requestLogView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('logs')
@Controller('admin/v1')
export class LogsController {
  constructor(
    private readonly requestLog: RequestLogService,
    private readonly auditLog: AuditLogService,
  ) {}

  @Get('request-log')
  @ApiOperation({ summary: 'Channel requests and login attempts, oldest first (tenant-scoped)' })
  @ApiPageResponse(RequestLogView)
  async requests(@Admin() ctx: AdminContext, @Query() q: RequestLogQueryDto): Promise<PageView<RequestLogView>> {
    const filter = {
      accountId: q.accountId,
      credentialId: q.credentialId,
      channel: q.channel,
      outcome: q.outcome,
      from: toDate(q.from) ?? undefined,
      to: toDate(q.to) ?? undefined,
    };
    return pageView(await this.requestLog.list(ctx.actor, filter, q.toPageRequest()), requestLogView);
  }

  @Get('audit-log')
  @ApiOperation({ summary: 'Who changed what, oldest first (tenant-scoped); never a secret' })
  @ApiPageResponse(AuditLogView)
  async audit(@Admin() ctx: AdminContext, @Query() q: AuditLogQueryDto): Promise<PageView<AuditLogView>> {
    const filter = {
      accountId: q.accountId,
      targetId: q.targetId,
      action: q.action,
      from: toDate(q.from) ?? undefined,
      to: toDate(q.to) ?? undefined,
    };
    return pageView(await this.auditLog.list(ctx, filter, q.toPageRequest()), auditLogView);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminContext, SubmissionService } from '@gatehouse/core';
import { Admin } from '../auth/admin-auth.guard';
import { ListSubmissionsQueryDto, SubmissionEventDto } from '../dto/submission.dto';
import { ApiPageResponse, PageView, pageView } from '../views/page';
import { SubmissionDetailView, SubmissionView, postbackDeliveryView, submissionView } from '../views/submission.views';
import { ErrorBodyView } from '../views/views';
import { AdminApi } from './api-docs';

@AdminApi('submissions')
@Controller('admin/v1/submissions')
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionService) {}

  @Get()
  @ApiOperation({ summary: 'Submissions the caller may see, oldest first' })
  @ApiPageResponse(SubmissionView)
  async list(@Admin() ctx: AdminContext, @Query() q: ListSubmissionsQueryDto): Promise<PageView<SubmissionView>> {
    const filter = { accountId: q.accountId, credentialId: q.credentialId, channel: q.channel, status: q.status };
    return pageView(await this.submissions.list(ctx.actor, filter, q.toPageRequest()), submissionView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One submission with its postback deliveries and their attempts' })
  @ApiOkResponse({ type: SubmissionDetailView })
  async get(@Admin() ctx: AdminContext, @Param('id') id: string): Promise<SubmissionDetailView> {
    const { submission, postbacks } = await this.submissions.get(ctx.actor, id);
    return { ...submissionView(submission), postbacks: postbacks.map(postbackDeliveryView) };
  }

  @Post(':id/events')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delivery receipt from the delivery system (root token): delivered or failed' })
  @ApiOkResponse({ type: SubmissionView })
  @ApiForbiddenResponse({ type: ErrorBodyView, description: 'Only the root token posts receipts' })
  @ApiConflictResponse({ type: ErrorBodyView, description: 'submission_final: already delivered/failed otherwise' })
  async event(
    @Admin() ctx: AdminContext,
    @Param('id') id: string,
    @Body() dto: SubmissionEventDto,
  ): Promise<SubmissionView> {
    return submissionView(await this.submissions.recordReceipt(ctx.actor, id, dto.type, dto.detail ?? null));
  }
}

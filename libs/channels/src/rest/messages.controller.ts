import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBasicAuth,
  ApiBody,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AuthenticatedCredential, Submission, SubmissionService } from '@gatehouse/core';
import { RestKey, RestKeyGuard, RestOperation } from './rest-key.guard';
import { JsonSchemaPipe } from '../shared/json-schema.pipe';
import { SEND_MESSAGE_SCHEMA, SendMessageBody } from './send-message.schema';

class AcceptedView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['accepted'] }) status!: string;
}

class MessageView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['accepted', 'delivered', 'failed'] }) status!: string;
  @ApiProperty({ type: [String] }) to!: string[];
  @ApiProperty() body!: string;
  @ApiProperty({ type: [String] }) groups!: string[];
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

const messageView = (s: Submission): MessageView => ({
  id: s.id,
  status: s.status,
  to: s.to,
  body: s.body,
  groups: s.groups,
  detail: s.detail,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/** The REST channel: JSON in, JSON out, the DESIGN.md error shape. */
@ApiTags('rest channel')
@ApiBearerAuth()
@ApiBasicAuth()
@ApiUnauthorizedResponse({ description: 'No key, or a wrong/expired one' })
@ApiForbiddenResponse({ description: 'ip_not_allowed, credential_disabled, account_suspended or scope_violation' })
@ApiTooManyRequestsResponse({ description: 'banned after failed logins; see Retry-After' })
@UseGuards(RestKeyGuard)
@Controller('rest/v1/messages')
export class MessagesController {
  constructor(private readonly submissions: SubmissionService) {}

  @Post()
  @RestOperation('rest.POST /rest/v1/messages')
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a message; it is stored before the 202' })
  @ApiAcceptedResponse({ type: AcceptedView })
  @ApiBody({ schema: SEND_MESSAGE_SCHEMA as object })
  @ApiUnprocessableEntityResponse({ description: 'unknown_group' })
  async send(
    @RestKey() key: AuthenticatedCredential,
    @Body(new JsonSchemaPipe(SEND_MESSAGE_SCHEMA)) message: SendMessageBody,
  ): Promise<AcceptedView> {
    const submission = await this.submissions.submit(key, {
      to: message.to,
      body: message.body,
      groups: message.target?.groups,
    });
    return { id: submission.id, status: submission.status };
  }

  @Get(':id')
  @RestOperation('rest.GET /rest/v1/messages/:id')
  @ApiOperation({ summary: 'A message submitted by this key’s account' })
  @ApiOkResponse({ type: MessageView })
  async get(@RestKey() key: AuthenticatedCredential, @Param('id') id: string): Promise<MessageView> {
    return messageView(await this.submissions.getForKey(key, id));
  }
}

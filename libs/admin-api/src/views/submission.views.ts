import { ApiProperty } from '@nestjs/swagger';
import { CHANNELS, Channel, PostbackDelivery, Submission, submissionJson } from '@gatehouse/core';

export class SubmissionView {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() credentialId!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty({ type: [String] }) to!: string[];
  @ApiProperty() body!: string;
  @ApiProperty({ type: [String] }) groups!: string[];
  @ApiProperty({ enum: ['accepted', 'delivered', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The same shape postbacks carry (core's `submissionJson`), documented for OpenAPI above. */
export function submissionView(s: Submission): SubmissionView {
  return submissionJson(s);
}

export class PostbackDeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['submission.accepted', 'submission.delivered', 'submission.failed'] }) event!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'HTTP status or error code of the last attempt' })
  lastResult!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export function postbackDeliveryView(d: PostbackDelivery): PostbackDeliveryView {
  return {
    id: d.id,
    event: d.event,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastResult: d.lastResult,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

export class SubmissionDetailView extends SubmissionView {
  @ApiProperty({ type: [PostbackDeliveryView], description: 'Postback deliveries of this submission, with attempts' })
  postbacks!: PostbackDeliveryView[];
}

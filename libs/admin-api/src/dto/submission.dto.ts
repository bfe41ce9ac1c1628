import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { CHANNELS, Channel, SubmissionStatus } from '@gatehouse/core';
import { PageQueryDto } from './page-query.dto';
import { Nullable, Optional } from './validators';

export class ListSubmissionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @Optional()
  @MaxLength(64)
  @IsString()
  accountId?: string;

  @ApiPropertyOptional()
  @Optional()
  @MaxLength(64)
  @IsString()
  credentialId?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @Optional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ enum: ['accepted', 'delivered', 'failed'] })
  @Optional()
  @IsIn(['accepted', 'delivered', 'failed'])
  status?: SubmissionStatus;
}

export class SubmissionEventDto {
  @ApiProperty({ enum: ['delivered', 'failed'] })
  @IsIn(['delivered', 'failed'])
  type!: 'delivered' | 'failed';

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 500,
    description: 'Provider reference or failure reason',
  })
  @Nullable()
  @MaxLength(500)
  @IsString()
  detail?: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsIP, IsISO8601, IsString, MaxLength } from 'class-validator';
import { AUTH_FAILURE_REASONS, CHANNELS, Channel } from '@gatehouse/core';
import { PageQueryDto } from './page-query.dto';
import { Optional } from './validators';

export class CreateGroupDto {
  @ApiProperty({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', example: 'vip-customers' })
  @IsString()
  @MaxLength(100)
  slug!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'VIP customers' })
  @IsString()
  @MaxLength(200)
  name!: string;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })
  @Optional()
  @IsString()
  @MaxLength(100)
  slug?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class CreateAdminTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'provisioning script' })
  @IsString()
  @MaxLength(200)
  name!: string;
}

export class VerifyDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiPropertyOptional({ description: 'Omit for a bare bearer key' })
  @Optional()
  @IsString()
  @MaxLength(256)
  username?: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  secret!: string;

  @ApiProperty({ description: "The client's address as the gateway saw it", example: '203.0.113.7' })
  @IsIP()
  ip!: string;
}

class TimeRangeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time' })
  @Optional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(64)
  accountId?: string;
}

export class RequestLogQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(64)
  credentialId?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @Optional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ enum: ['ok', ...AUTH_FAILURE_REASONS], description: '`ok` or a failure code' })
  @Optional()
  @IsString()
  @MaxLength(32)
  outcome?: string;
}

export class AuditLogQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ description: 'Id of the changed account, credential, group or admin token' })
  @Optional()
  @IsString()
  @MaxLength(64)
  targetId?: string;

  @ApiPropertyOptional({ example: 'credential.rotate' })
  @Optional()
  @IsString()
  @MaxLength(64)
  action?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsIP, IsISO8601, IsString, MaxLength } from 'class-validator';
import { CHANNELS, Channel, REQUEST_OUTCOMES, RequestOutcome } from '@gatehouse/core';
import { PageQueryDto } from './page-query.dto';
import { NAME_DESCRIPTION, NAME_MAX_MESSAGE, NAME_MAX_UTF16, Optional } from './validators';

export class CreateGroupDto {
  @ApiProperty({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', example: 'vip-customers' })
  @MaxLength(100)
  @IsString()
  slug!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'VIP customers', description: NAME_DESCRIPTION })
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name!: string;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })
  @Optional()
  @MaxLength(100)
  @IsString()
  slug?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: NAME_DESCRIPTION })
  @Optional()
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name?: string;
}

export class CreateAdminTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'provisioning script', description: NAME_DESCRIPTION })
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name!: string;
}

export class VerifyDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiPropertyOptional({ description: 'Omit for a bare bearer key' })
  @Optional()
  @MaxLength(256)
  @IsString()
  username?: string;

  @ApiProperty()
  @MaxLength(1024)
  @IsString()
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
  @MaxLength(64)
  @IsString()
  accountId?: string;
}

export class RequestLogQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional()
  @Optional()
  @MaxLength(64)
  @IsString()
  credentialId?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @Optional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({
    enum: REQUEST_OUTCOMES,
    description:
      '`ok`; a login failure (`bad_secret`, `banned`…); an error an admitted request ended with ' +
      '(`validation_failed`, `scope_violation`…); or `rejected` for any other refusal after login',
  })
  @Optional()
  @IsIn(REQUEST_OUTCOMES)
  outcome?: RequestOutcome;
}

export class AuditLogQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ description: 'Id of the changed account, credential, group or admin token' })
  @Optional()
  @MaxLength(64)
  @IsString()
  targetId?: string;

  @ApiPropertyOptional({ example: 'credential.rotate' })
  @Optional()
  @MaxLength(64)
  @IsString()
  action?: string;
}

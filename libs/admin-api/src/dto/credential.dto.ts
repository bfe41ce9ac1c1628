import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';

import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHANNELS,
  Channel,
  MAX_ALLOWED_CIDRS,
  MAX_GRACE_SECONDS,
  MAX_RATE_REQUESTS,
  MAX_RATE_SECONDS,
} from '@gatehouse/core';
import { PageQueryDto } from './page-query.dto';
import { NAME_DESCRIPTION, NAME_MAX_MESSAGE, NAME_MAX_UTF16, Nullable, Optional } from './validators';

export class RateLimitDto {
  @ApiProperty({ minimum: 1, maximum: MAX_RATE_REQUESTS, example: 100 })
  @Max(MAX_RATE_REQUESTS)
  @Min(1)
  @IsInt()
  requests!: number;

  @ApiProperty({ minimum: 1, maximum: MAX_RATE_SECONDS, example: 60 })
  @Max(MAX_RATE_SECONDS)
  @Min(1)
  @IsInt()
  perSeconds!: number;
}

class CredentialSettingsDto {
  @ApiPropertyOptional({ default: true, description: '`false` blocks the credential and ends its open sessions' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @Nullable()
  @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ALLOWED_CIDRS, example: ['203.0.113.0/24', '2001:db8::/32'] })
  @Optional()
  @MaxLength(64, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_ALLOWED_CIDRS)
  @IsArray()
  allowedCidrs?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://example.com/gatehouse/events' })
  @Nullable()
  @MaxLength(4096)
  @IsString()
  postbackUrl?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Successful requests are not written to the request log' })
  @Optional()
  @IsBoolean()
  offTheRecord?: boolean;

  @ApiPropertyOptional({ enum: ['all', 'groups'], default: 'all' })
  @Optional()
  @IsIn(['all', 'groups'])
  scope?: 'all' | 'groups';

  @ApiPropertyOptional({ type: [String], description: 'Group slugs; only with scope `groups`' })
  @Optional()
  @MaxLength(63, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  groups?: string[];

  @ApiPropertyOptional({
    type: RateLimitDto,
    nullable: true,
    description:
      'At most `requests` requests per `perSeconds` (a sliding window, shared by every node), on every listener: ' +
      'an HTTP request, a SOAP call, an FTP/SFTP login, an SMTP mail. Over it: HTTP 429 with Retry-After, a SOAP ' +
      'fault, FTP 421, SMTP 451. null = no limit',
  })
  @Nullable()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;
}

export class CreateCredentialDto extends CredentialSettingsDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Billing system', description: NAME_DESCRIPTION })
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name!: string;

  @ApiPropertyOptional({ description: 'Custom login id (not on `rest`): 3–64 of `A-Za-z0-9._@+-`' })
  @Optional()
  @MaxLength(200)
  @IsString()
  username?: string;

  @ApiPropertyOptional({ description: 'Custom secret (not on `rest`), 12–128 characters; omitted = generated' })
  @Optional()
  @MaxLength(1024)
  @IsString()
  secret?: string;

  @ApiPropertyOptional({
    description: 'Imported bcrypt hash (`$2a$`/`$2b$`/`$2y$`) instead of a secret (not on `rest`)',
  })
  @Optional()
  @MaxLength(100)
  @IsString()
  secretHash?: string;
}

export class UpdateCredentialDto extends CredentialSettingsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: NAME_DESCRIPTION })
  @Optional()
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name?: string;
}

export class RotateCredentialDto {
  @ApiPropertyOptional({ description: 'Custom new secret (not on `rest`); omitted = generated' })
  @Optional()
  @MaxLength(1024)
  @IsString()
  secret?: string;

  @ApiPropertyOptional({ description: 'New username (not on `rest`); takes effect at once, grace or not' })
  @Optional()
  @MaxLength(200)
  @IsString()
  username?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_GRACE_SECONDS,
    default: 0,
    description: 'How long the old secret keeps working',
  })
  @Optional()
  @Max(MAX_GRACE_SECONDS)
  @Min(0)
  @IsInt()
  graceSeconds?: number;
}

export class ListCredentialsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CHANNELS })
  @Optional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @Optional()
  @MaxLength(100)
  @IsString()
  q?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @Optional()
  @IsIn(['true', 'false'])
  enabled?: 'true' | 'false';
}

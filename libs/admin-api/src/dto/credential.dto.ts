import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
} from 'class-validator';
import { CHANNELS, Channel, MAX_ALLOWED_CIDRS, MAX_GRACE_SECONDS } from '@gatehouse/core';
import { PageQueryDto } from './page-query.dto';
import { Nullable, Optional } from './validators';

class CredentialSettingsDto {
  @ApiPropertyOptional({ default: true, description: '`false` blocks the credential and ends its open sessions' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @Nullable()
  @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ALLOWED_CIDRS, example: ['203.0.113.0/24', '2001:db8::/32'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_CIDRS)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  allowedCidrs?: string[];

  @ApiPropertyOptional({ nullable: true, example: 'https://example.com/gatehouse/events' })
  @Nullable()
  @IsString()
  @MaxLength(4096)
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
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(63, { each: true })
  groups?: string[];
}

export class CreateCredentialDto extends CredentialSettingsDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Billing system' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'Custom login id (not on `rest`): 3–64 of `A-Za-z0-9._@+-`' })
  @Optional()
  @IsString()
  @MaxLength(200)
  username?: string;

  @ApiPropertyOptional({ description: 'Custom secret (not on `rest`), 12–128 characters; omitted = generated' })
  @Optional()
  @IsString()
  @MaxLength(1024)
  secret?: string;

  @ApiPropertyOptional({
    description: 'Imported bcrypt hash (`$2a$`/`$2b$`/`$2y$`) instead of a secret (not on `rest`)',
  })
  @Optional()
  @IsString()
  @MaxLength(100)
  secretHash?: string;
}

export class UpdateCredentialDto extends CredentialSettingsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class RotateCredentialDto {
  @ApiPropertyOptional({ description: 'Custom new secret (not on `rest`); omitted = generated' })
  @Optional()
  @IsString()
  @MaxLength(1024)
  secret?: string;

  @ApiPropertyOptional({ description: 'New username (not on `rest`); takes effect at once, grace or not' })
  @Optional()
  @IsString()
  @MaxLength(200)
  username?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_GRACE_SECONDS,
    default: 0,
    description: 'How long the old secret keeps working',
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  graceSeconds?: number;
}

export class ListCredentialsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CHANNELS })
  @Optional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @Optional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @Optional()
  @IsIn(['true', 'false'])
  enabled?: 'true' | 'false';
}

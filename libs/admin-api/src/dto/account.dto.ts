import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from './page-query.dto';
import { NAME_DESCRIPTION, NAME_MAX_MESSAGE, NAME_MAX_UTF16, Nullable, Optional } from './validators';

export class CreateAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Acme Ltd', description: NAME_DESCRIPTION })
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name!: string;

  @ApiPropertyOptional({
    enum: ['master', 'sub'],
    description: 'Default: `sub` when `parentId` is given or an admin token calls, else `master`',
  })
  @Optional()
  @IsIn(['master', 'sub'])
  kind?: 'master' | 'sub';

  @ApiPropertyOptional({ description: 'The master of a new sub-account' })
  @Optional()
  @MaxLength(64)
  @IsString()
  parentId?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 128,
    description: 'Unique id from the provisioning system',
  })
  @Nullable()
  @MaxLength(200)
  @IsString()
  externalId?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'suspended'], default: 'active' })
  @Optional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';

  @ApiPropertyOptional({ format: 'date-time', description: 'Root token only: import of an existing account' })
  @Optional()
  @IsISO8601({ strict: true })
  createdAt?: string;
}

export class UpsertAccountDto extends CreateAccountDto {}

export class UpdateAccountDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: NAME_DESCRIPTION })
  @Optional()
  @MaxLength(NAME_MAX_UTF16, { message: NAME_MAX_MESSAGE })
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 128 })
  @Nullable()
  @MaxLength(200)
  @IsString()
  externalId?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'suspended'], description: 'Root, or the master of a sub-account' })
  @Optional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';
}

export class ListAccountsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['master', 'sub'] })
  @Optional()
  @IsIn(['master', 'sub'])
  kind?: 'master' | 'sub';

  @ApiPropertyOptional()
  @Optional()
  @MaxLength(64)
  @IsString()
  parentId?: string;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @Optional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';
}

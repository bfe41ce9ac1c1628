import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from './page-query.dto';
import { Nullable, Optional } from './validators';

export class CreateAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Acme Ltd' })
  @IsString()
  @MaxLength(200)
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
  @IsString()
  @MaxLength(64)
  parentId?: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 128, description: 'Unique id from the provisioning system' })
  @Nullable()
  @IsString()
  @MaxLength(200)
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
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Optional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 128 })
  @Nullable()
  @IsString()
  @MaxLength(200)
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
  @IsString()
  @MaxLength(64)
  parentId?: string;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @Optional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';
}

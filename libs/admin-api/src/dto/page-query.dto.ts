import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_LIMIT, PageRequest, pageRequest } from '@gatehouse/core';
import { Optional } from './validators';

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Opaque cursor: `nextCursor` of the previous page' })
  @Optional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  toPageRequest(): PageRequest {
    return pageRequest(this.cursor, this.limit);
  }
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_LIMIT, PageRequest, pageRequest } from '@gatehouse/core';
import { Optional } from './validators';

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Opaque cursor: `nextCursor` of the previous page' })
  @Optional()
  @MaxLength(200)
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 })
  @Optional()
  @Type(() => Number)
  @Max(MAX_PAGE_LIMIT)
  @Min(1)
  @IsInt()
  limit?: number;

  toPageRequest(): PageRequest {
    return pageRequest(this.cursor, this.limit);
  }
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Optional } from './validators';

export class ImportQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Check every line; write nothing' })
  @Optional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MAX_RECIPIENTS } from '@gatehouse/core';
import { Optional } from '../shared/validators';

export class MessageTargetDto {
  @ApiPropertyOptional({ type: [String], description: 'Recipient group slugs' })
  @Optional()
  @MaxLength(63, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  groups?: string[];
}

export class SendMessageDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_RECIPIENTS, example: ['+447700900123'] })
  @Optional()
  @MaxLength(64, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsArray()
  to?: string[];

  @ApiProperty({ maxLength: 4096, example: 'Your code is 123456' })
  @MaxLength(100_000)
  @IsString()
  body!: string;

  @ApiPropertyOptional({ type: MessageTargetDto })
  @Optional()
  @ValidateNested()
  @Type(() => MessageTargetDto)
  @IsObject()
  target?: MessageTargetDto;
}

import { Type, applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { Page } from '@gatehouse/core';

export interface PageView<V> {
  data: V[];
  nextCursor: string | null;
}

export function pageView<T extends { id: string }, V>(page: Page<T>, map: (item: T) => V): PageView<V> {
  return { data: page.data.map(map), nextCursor: page.nextCursor };
}

/** OpenAPI for `{"data": [...], "nextCursor": ...}`. */
export function ApiPageResponse(model: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['data', 'nextCursor'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(model) } },
          nextCursor: { type: 'string', nullable: true },
        },
      },
    }),
  );
}

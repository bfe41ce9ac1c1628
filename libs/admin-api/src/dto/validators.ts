import { applyDecorators } from '@nestjs/common';
import { ValidateIf } from 'class-validator';

// class-validator runs a property's validators bottom-up: DTOs list the type check last so it runs first.

/** May be omitted, but not null (class-validator's IsOptional would let null through). */
export const Optional = (): PropertyDecorator =>
  applyDecorators(ValidateIf((_o: object, value: unknown) => value !== undefined));

/** May be omitted or null (null clears the field). */
export const Nullable = (): PropertyDecorator =>
  applyDecorators(ValidateIf((_o: object, value: unknown) => value !== undefined && value !== null));

export function toDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}

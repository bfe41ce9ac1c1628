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

/**
 * Names are judged by the domain rule (`checkName`: 1–100 code points after trimming). This cap
 * only bounds the work: 100 code points are at most 200 UTF-16 units, 400 leaves room for the
 * whitespace that trimming removes.
 */
export const NAME_MAX_UTF16 = 400;
export const NAME_MAX_MESSAGE = '$property must be at most 100 characters (Unicode code points)';
export const NAME_DESCRIPTION =
  'Trimmed; 1–100 Unicode code points (an emoji counts as one). No control or format characters ' +
  '(C0/C1 controls, line breaks, bidi overrides and marks, zero-width spaces; ZWJ/ZWNJ and emoji ' +
  'flag tags are allowed) and at least one visible character.';

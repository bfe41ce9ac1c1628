import { ValidateIf } from 'class-validator';

/** May be omitted, but not null. (Validators run bottom-up: list the type check last.) */
export const Optional = (): PropertyDecorator => ValidateIf((_o: object, value: unknown) => value !== undefined);

import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from '../errors/api-error';

function flatten(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[field] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, flatten(e.children, field));
  }
  return out;
}

/**
 * DTO validation: unknown fields and wrong types are 400 naming the field. No implicit
 * type conversion: `"true"` is not a boolean in a JSON body.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const [first] = Object.entries(fields);
      const message = first ? `${first[0]}: ${first[1].join('; ')}` : 'request is invalid';
      return new ApiError(400, 'validation_failed', message, { fields });
    },
  });
}

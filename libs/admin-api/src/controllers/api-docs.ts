import { applyDecorators, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { createValidationPipe } from '@gatehouse/platform/http';
import { AdminAuthGuard } from '../auth/admin-auth.guard';
import { ErrorBodyView } from '../views/views';

/** One pipe for every admin controller; channel routes validate their own bodies (ajv) without it. */
const ADMIN_VALIDATION = createValidationPipe();

/** Every admin controller: bearer-guarded, DTO-validated, with the shared error responses documented. */
export function AdminApi(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(AdminAuthGuard),
    UsePipes(ADMIN_VALIDATION),
    ApiBadRequestResponse({ type: ErrorBodyView, description: 'Validation failed' }),
    ApiUnauthorizedResponse({ type: ErrorBodyView, description: 'No or bad token' }),
    ApiNotFoundResponse({ type: ErrorBodyView, description: 'Not found, or not yours' }),
  );
}

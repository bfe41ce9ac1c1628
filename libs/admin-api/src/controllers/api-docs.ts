import { applyDecorators, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminAuthGuard } from '../auth/admin-auth.guard';
import { ErrorBodyView } from '../views/views';

/** Every admin controller: bearer-guarded, with the shared error responses documented. */
export function AdminApi(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(AdminAuthGuard),
    ApiBadRequestResponse({ type: ErrorBodyView, description: 'Validation failed' }),
    ApiUnauthorizedResponse({ type: ErrorBodyView, description: 'No or bad token' }),
    ApiNotFoundResponse({ type: ErrorBodyView, description: 'Not found, or not yours' }),
  );
}

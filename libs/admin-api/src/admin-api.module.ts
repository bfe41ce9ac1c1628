import { Module } from '@nestjs/common';
import { CoreModule } from '@gatehouse/core';
import { AdminAuthGuard } from './auth/admin-auth.guard';
import { AccountsController } from './controllers/accounts.controller';
import { AdminTokensController } from './controllers/admin-tokens.controller';
import { CredentialsController } from './controllers/credentials.controller';
import { GroupsController } from './controllers/groups.controller';
import { ImportController } from './controllers/import.controller';
import { LogsController } from './controllers/logs.controller';
import { SubmissionsController } from './controllers/submissions.controller';
import { VerifyController } from './controllers/verify.controller';

/** The JSON admin API under /admin/v1: controllers translate HTTP to core service calls. */
@Module({
  imports: [CoreModule],
  controllers: [
    AccountsController,
    CredentialsController,
    GroupsController,
    ImportController,
    AdminTokensController,
    LogsController,
    SubmissionsController,
    VerifyController,
  ],
  providers: [AdminAuthGuard],
})
export class AdminApiModule {}

export const ADMIN_API_PREFIX = '/admin/v1';

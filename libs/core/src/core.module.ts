import { Module } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { AccountService } from './accounts/account.service';
import { AdminTokenService } from './admin-tokens/admin-token.service';
import { Authenticator } from './auth/authenticator';
import { ChannelGate } from './auth/channel-gate';
import { CredentialVerifier } from './auth/credential-verifier';
import { SecretUpgrader } from './auth/secret-upgrader';
import { CredentialUsageRecorder } from './credentials/credential-usage.recorder';
import { CredentialService } from './credentials/credential.service';
import { GroupService } from './groups/group.service';
import { ImportService } from './imports/import.service';
import { AuditLogService } from './logs/audit-log.service';
import { RequestLogRetention } from './logs/request-log-retention';
import { RequestLogService } from './logs/request-log.service';
import { PepperAgreement } from './secrets/pepper-agreement';
import { PEPPER } from './secrets/pepper.token';
import { SecretHasher } from './secrets/secret-hasher';
import { SECRET_HASHER } from './secrets/secret-hasher.token';
import { PostbackOutbox } from './submissions/postback-outbox';
import { SessionRegistry } from './sessions/session-registry';
import { SubmissionService } from './submissions/submission.service';

const services = [
  AccountService,
  CredentialService,
  GroupService,
  ImportService,
  AdminTokenService,
  PepperAgreement,
  AuditLogService,
  RequestLogService,
  RequestLogRetention,
  CredentialUsageRecorder,
  SecretUpgrader,
  Authenticator,
  ChannelGate,
  CredentialVerifier,
  SubmissionService,
  PostbackOutbox,
  SessionRegistry,
];

/**
 * The domain. Repository tokens (ACCOUNT_REPOSITORY, …) and UNIT_OF_WORK come from the
 * persistence module, PEPPER from the platform module, PEER_BAN_LIST and CHANGE_NOTIFIER from
 * the coordination module; all three are global.
 */
@Module({
  providers: [
    ...services,
    {
      provide: SECRET_HASHER,
      inject: [PEPPER, GATEHOUSE_CONFIG],
      useFactory: (pepper: string, config: GatehouseConfig) => new SecretHasher(pepper, config.bcryptCost),
    },
  ],
  exports: [...services, SECRET_HASHER],
})
export class CoreModule {}

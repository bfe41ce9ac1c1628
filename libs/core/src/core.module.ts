import { Module } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { AccountService } from './accounts/account.service';
import { AdminTokenService } from './admin-tokens/admin-token.service';
import { Authenticator } from './auth/authenticator';
import { CredentialVerifier } from './auth/credential-verifier';
import { SecretUpgrader } from './auth/secret-upgrader';
import { InMemoryPeerBanList, PEER_BAN_LIST } from './auth/peer-ban-list';
import { CredentialUsageRecorder } from './credentials/credential-usage.recorder';
import { CredentialService } from './credentials/credential.service';
import { CHANGE_NOTIFIER, InProcessChangeNotifier } from './events/change-notifier';
import { GroupService } from './groups/group.service';
import { AuditLogService } from './logs/audit-log.service';
import { RequestLogRetention } from './logs/request-log-retention';
import { RequestLogService } from './logs/request-log.service';
import { PEPPER } from './secrets/pepper.token';
import { SecretHasher } from './secrets/secret-hasher';
import { SECRET_HASHER } from './secrets/secret-hasher.token';
import { PostbackOutbox } from './submissions/postback-outbox';
import { SubmissionService } from './submissions/submission.service';

const services = [
  AccountService,
  CredentialService,
  GroupService,
  AdminTokenService,
  AuditLogService,
  RequestLogService,
  RequestLogRetention,
  CredentialUsageRecorder,
  SecretUpgrader,
  Authenticator,
  CredentialVerifier,
  SubmissionService,
  PostbackOutbox,
];

/**
 * The domain. Repository tokens (ACCOUNT_REPOSITORY, …), UNIT_OF_WORK and PEPPER are
 * provided by the persistence and platform modules, which are global.
 */
@Module({
  providers: [
    ...services,
    {
      provide: SECRET_HASHER,
      inject: [PEPPER, GATEHOUSE_CONFIG],
      useFactory: (pepper: string, config: GatehouseConfig) => new SecretHasher(pepper, config.bcryptCost),
    },
    {
      provide: PEER_BAN_LIST,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new InMemoryPeerBanList(config.ban),
    },
    { provide: CHANGE_NOTIFIER, useClass: InProcessChangeNotifier },
  ],
  exports: [...services, SECRET_HASHER, PEER_BAN_LIST, CHANGE_NOTIFIER],
})
export class CoreModule {}

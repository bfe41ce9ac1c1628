import { AccountEntity } from './account.entity';
import { AdminTokenEntity, SettingEntity } from './admin-token.entity';
import {
  AvatarChunkEntity,
  CredentialEntity,
  CredentialGroupEntity,
  CredentialSecretEntity,
} from './credential.entity';
import { RecipientGroupEntity } from './group.entity';
import { AuditLogEntity, RequestLogEntity } from './log.entity';
import { PostbackDeliveryEntity, SubmissionEntity } from './submission.entity';

export * from './account.entity';
export * from './admin-token.entity';
export * from './credential.entity';
export * from './group.entity';
export * from './log.entity';
export * from './submission.entity';

export const ENTITIES = [
  AccountEntity,
  CredentialEntity,
  CredentialSecretEntity,
  CredentialGroupEntity,
  AvatarChunkEntity,
  RecipientGroupEntity,
  AdminTokenEntity,
  SettingEntity,
  RequestLogEntity,
  AuditLogEntity,
  SubmissionEntity,
  PostbackDeliveryEntity,
];

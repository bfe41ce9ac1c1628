import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CredentialSecret } from '../credentials/credential.model';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { SecretHasher } from '../secrets/secret-hasher';
import { SECRET_HASHER } from '../secrets/secret-hasher.token';

/**
 * Moves a slow secret to the current scheme and cost at its first successful login: imported
 * bcrypt hashes (`$2y$10$…` from a PHP system) become `bcrypt-hmac` at GATEHOUSE_BCRYPT_COST,
 * and so do our own hashes made under another cost. Runs after the client has its answer;
 * only the row that was verified is replaced (a rotation meanwhile wins).
 */
@Injectable()
export class SecretUpgrader implements OnApplicationShutdown {
  private readonly logger = new Logger(SecretUpgrader.name);
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
  ) {}

  /** Called with a secret that just verified against `row`. */
  upgradeIfNeeded(row: CredentialSecret, secret: string): void {
    if (this.running.has(row.id) || !this.hasher.needsRehash(row.hash)) return;
    const job = this.upgrade(row, secret).finally(() => this.running.delete(row.id));
    this.running.set(row.id, job);
  }

  /** Waits for the upgrades under way (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async upgrade(row: CredentialSecret, secret: string): Promise<void> {
    try {
      const next = await this.hasher.hashCustom(secret);
      if (await this.credentials.replaceSecretHash(row.id, row.hash, next)) {
        this.logger.log(`credential ${row.credentialId}: secret re-hashed to the current scheme and cost`);
      }
    } catch (err) {
      this.logger.warn(
        `credential ${row.credentialId}: re-hash failed: ${err instanceof Error ? err.message : 'error'}`,
      );
    }
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { GatehouseConfig } from '@gatehouse/config';
import { PepperAgreement, PepperMismatchError, SecretHasher, rotateStoredRootToken } from '@gatehouse/core';
import { TypeOrmUnitOfWork } from '@gatehouse/persistence';
import { TypeOrmSettingsRepository } from '@gatehouse/persistence/repositories/admin-token.typeorm-repository';
import { resolvePepper } from '@gatehouse/platform/secrets/pepper';
import { CliError, ExitCode } from '../exit-codes';

/**
 * A new root token, made and stored as the server makes its first one, keyed by the same pepper
 * the server loads (GATEHOUSE_PEPPER, else the data dir's pepper file). The pepper is checked
 * against the marker the database keeps, so a token keyed by another pepper is never stored.
 */
export async function rotateRootToken(config: GatehouseConfig, ds: DataSource): Promise<string> {
  const settings = new TypeOrmSettingsRepository(new TypeOrmUnitOfWork(ds));
  const pepperFile = path.join(config.dataDir, 'pepper');
  if (!config.pepper && !fs.existsSync(pepperFile) && (await PepperAgreement.recorded(settings))) {
    // A server has run on this database with a pepper this environment does not have: a pepper
    // made up here would key a token no node can check.
    throw new CliError(
      ExitCode.refused,
      `error: no pepper: GATEHOUSE_PEPPER is not set and ${pepperFile} does not exist, but a server has run on this database`,
      ['hint: run this with the servers’ GATEHOUSE_PEPPER, or GATEHOUSE_DATA_DIR set to the server’s data dir'],
    );
  }
  // Only the HMAC (lookupKey) is used here; the cost merely sizes a bcrypt dummy the hasher makes in the background.
  const hasher = new SecretHasher(resolvePepper(config), 4);
  try {
    await new PepperAgreement(settings, hasher).check();
  } catch (err) {
    if (err instanceof PepperMismatchError) throw new CliError(ExitCode.refused, `error: ${err.message}`);
    throw err;
  }
  return rotateStoredRootToken(settings, hasher);
}

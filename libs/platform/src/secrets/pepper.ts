import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { GatehouseConfig, ensurePrivateDir, tightenIfPresent } from '@gatehouse/config';

/**
 * The pepper keys every HMAC. From GATEHOUSE_PEPPER, else a file in the data dir created at
 * first start (mode 0600). With several nodes every node must be given the same value.
 */
export function resolvePepper(config: GatehouseConfig): string {
  if (config.pepper) return config.pepper;
  const file = path.join(config.dataDir, 'pepper');
  if (fs.existsSync(file)) {
    tightenIfPresent([file]);
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length < 32) throw new Error(`${file}: pepper file is shorter than 32 characters`);
    return value;
  }
  ensurePrivateDir(config.dataDir);
  const value = randomBytes(32).toString('base64url');
  try {
    fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolvePepper(config);
    throw err;
  }
  if (config.database.type === 'mysql') {
    new Logger('Pepper').warn(`generated a pepper in ${file}; set GATEHOUSE_PEPPER to the same value on every node`);
  }
  return value;
}

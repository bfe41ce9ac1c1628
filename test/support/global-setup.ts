// Jest's globalSetup runs outside moduleNameMapper: the @gatehouse/* aliases come from tsconfig.
import 'tsconfig-paths/register';
import { loadConfig } from '../../libs/config/src';
import { openDatabase } from '../../libs/persistence/src/data-source';

/**
 * With DATABASE_URL=mysql://… every suite shares one database: migrate it once here, before
 * the workers start, instead of letting parallel suites race to migrate. SQLite suites each
 * get their own file and migrate it themselves.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || url.startsWith('sqlite:')) return;
  const config = loadConfig({ DATABASE_URL: url, GATEHOUSE_DATA_DIR: '/tmp' });
  const ds = await openDatabase(config.database);
  await ds.destroy();
}

import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** The one migration history, in order. Runs on SQLite and MySQL/MariaDB alike. */
export const MIGRATIONS = [InitialSchema1764000000000];

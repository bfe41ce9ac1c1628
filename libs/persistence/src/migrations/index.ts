import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { SubmissionsAndPostbacks1764100000000 } from './1764100000000-submissions-and-postbacks';
import { SecurityReview1764200000000 } from './1764200000000-security-review';
import { RateLimits1764300000000 } from './1764300000000-rate-limits';

/** The one migration history, in order. Runs on SQLite and MySQL/MariaDB alike. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  SubmissionsAndPostbacks1764100000000,
  SecurityReview1764200000000,
  RateLimits1764300000000,
];

import { AccessScope } from '../access/actor';
import { Channel } from '../channels/channel';
import { Page, PageRequest } from '../common/page';

export interface RequestLogEntry {
  id: string;
  at: Date;
  channel: Channel;
  credentialId: string | null;
  accountId: string | null;
  tenantId: string | null;
  /** Public login id as submitted (truncated); never a secret. */
  username: string | null;
  peer: string;
  /** e.g. `admin.verify`, `rest.POST /rest/v1/messages`, `ftp.login`. */
  operation: string;
  /** `ok` or a failure code such as `bad_secret`. */
  outcome: string;
  /** The protocol's own status: `202`, `530`, `535`… */
  status: string;
  durationMs: number;
  /** Refusals this row stands for: 1, or more when a banned subject's refusals were folded into it. */
  count: number;
}

export interface RequestLogFilter {
  accountId?: string;
  credentialId?: string;
  channel?: Channel;
  outcome?: string;
  from?: Date;
  to?: Date;
}

export interface RequestLogRepository {
  insertMany(entries: RequestLogEntry[]): Promise<void>;
  /** Sets the count of rows already written (folded refusals that kept coming). */
  updateCounts(counts: Map<string, number>): Promise<void>;
  /**
   * Deletes up to `limit` of the oldest rows whose id sorts below `beforeId` (rows made before
   * the moment of `firstIdAt`); returns how many it deleted.
   */
  deleteOlderThan(beforeId: string, limit: number): Promise<number>;
  list(scope: AccessScope, filter: RequestLogFilter, page: PageRequest): Promise<Page<RequestLogEntry>>;
}
export const REQUEST_LOG_REPOSITORY = Symbol('RequestLogRepository');

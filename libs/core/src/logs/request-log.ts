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
  list(scope: AccessScope, filter: RequestLogFilter, page: PageRequest): Promise<Page<RequestLogEntry>>;
}
export const REQUEST_LOG_REPOSITORY = Symbol('RequestLogRepository');

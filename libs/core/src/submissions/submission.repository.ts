import { AccessScope } from '../access/actor';
import { Channel } from '../channels/channel';
import { Page, PageRequest } from '../common/page';
import { PostbackDelivery, Submission, SubmissionStatus } from './submission.model';

export interface SubmissionListFilter {
  accountId?: string;
  credentialId?: string;
  channel?: Channel;
  status?: SubmissionStatus;
}

export interface SubmissionRepository {
  /**
   * Stores a new submission with the outbox events it raised, all or none; resolves once they are
   * durable. Implementations may commit concurrent inserts together.
   */
  insert(submission: Submission, events: PostbackDelivery[]): Promise<void>;
  /** Stores many in one transaction (or the caller's, when one is open), all or none. */
  insertMany(rows: { submission: Submission; events: PostbackDelivery[] }[]): Promise<void>;
  /** Which of these ids are stored (any tenant). */
  existingIds(ids: string[]): Promise<string[]>;
  findById(scope: AccessScope, id: string): Promise<Submission | null>;
  list(scope: AccessScope, filter: SubmissionListFilter, page: PageRequest): Promise<Page<Submission>>;
  /** Moves an `accepted` submission to a final status; false when it was not `accepted` any more. */
  finish(id: string, status: SubmissionStatus, detail: string | null, at: Date): Promise<boolean>;
}
export const SUBMISSION_REPOSITORY = Symbol('SubmissionRepository');

export interface PostbackRepository {
  insert(delivery: PostbackDelivery): Promise<void>;
  listForSubmission(submissionId: string): Promise<PostbackDelivery[]>;
  /** Due pending deliveries this node now owns for `leaseMs` (other nodes skip them meanwhile). */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<PostbackDelivery[]>;
  markDelivered(id: string, at: Date, result: string): Promise<void>;
  markRetry(id: string, at: Date, result: string, nextAttemptAt: Date): Promise<void>;
  markFailed(id: string, at: Date, result: string): Promise<void>;
}
export const POSTBACK_REPOSITORY = Symbol('PostbackRepository');

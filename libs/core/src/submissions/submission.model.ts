import { Channel } from '../channels/channel';

export type SubmissionStatus = 'accepted' | 'delivered' | 'failed';

/** One message to deliver, as a client submitted it through any listener. */
export interface Submission {
  id: string;
  accountId: string;
  tenantId: string;
  credentialId: string;
  channel: Channel;
  /** Explicit recipients; empty = every recipient of the targeted groups (or of the account). */
  to: string[];
  body: string;
  /** Group slugs the submission targets, after the key's scope was applied. */
  groups: string[];
  status: SubmissionStatus;
  /** What the delivery system said with a receipt (failure reason, provider id). */
  detail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const MAX_RECIPIENTS = 1000;
export const MAX_BODY_CHARS = 4096;
/** Phone numbers, short codes, mailbox-like ids: no spaces, no separators of the channels' formats. */
export const RECIPIENT_PATTERN = /^\+?[0-9A-Za-z._@-]{1,64}$/;

export type PostbackEvent = 'submission.accepted' | 'submission.delivered' | 'submission.failed';
export type PostbackStatus = 'pending' | 'delivered' | 'failed';

/** One event owed to a credential's postback URL: an outbox row, retried until delivered or 24 h old. */
export interface PostbackDelivery {
  id: string;
  submissionId: string;
  credentialId: string;
  accountId: string;
  tenantId: string;
  event: PostbackEvent;
  url: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  status: PostbackStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  /** HTTP status of the last attempt, or a short error code (`timeout`, `private_address`, …). */
  lastResult: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

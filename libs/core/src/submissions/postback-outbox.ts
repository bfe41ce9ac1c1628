import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { POSTBACK_REPOSITORY, PostbackRepository } from './submission.repository';
import { PostbackDelivery, PostbackEvent, Submission } from './submission.model';

/** A submission as JSON: the `data` of a postback and the admin API's view are this one shape. */
export interface SubmissionJson {
  id: string;
  accountId: string;
  credentialId: string;
  channel: Submission['channel'];
  to: string[];
  body: string;
  groups: string[];
  status: Submission['status'];
  detail: string | null;
  createdAt: string;
  updatedAt: string;
}

export function submissionJson(s: Submission): SubmissionJson {
  return {
    id: s.id,
    accountId: s.accountId,
    credentialId: s.credentialId,
    channel: s.channel,
    to: s.to,
    body: s.body,
    groups: s.groups,
    status: s.status,
    detail: s.detail,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/**
 * Writes postback events into the outbox (inside the caller's transaction, so an event exists
 * exactly when its submission change does) and wakes the dispatcher of this process.
 */
@Injectable()
export class PostbackOutbox {
  private readonly listeners = new Set<() => void>();

  constructor(@Inject(POSTBACK_REPOSITORY) private readonly repo: PostbackRepository) {}

  async enqueue(submission: Submission, url: string, event: PostbackEvent, now = new Date()): Promise<void> {
    await this.repo.insert(this.event(submission, url, event, now));
  }

  /** The outbox row for one event, for callers that store it with their own write. */
  event(submission: Submission, url: string, event: PostbackEvent, now = new Date()): PostbackDelivery {
    const id = newId();
    return {
      id,
      submissionId: submission.id,
      credentialId: submission.credentialId,
      accountId: submission.accountId,
      tenantId: submission.tenantId,
      event,
      url,
      payload: JSON.stringify({ id, type: event, createdAt: now.toISOString(), data: submissionJson(submission) }),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastAttemptAt: null,
      lastResult: null,
      deliveredAt: null,
      createdAt: now,
    };
  }

  /** Call after the enqueuing transaction committed. */
  wake(): void {
    for (const listener of this.listeners) listener();
  }

  onWake(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listForSubmission(submissionId: string): Promise<PostbackDelivery[]> {
    return this.repo.listForSubmission(submissionId);
  }
}

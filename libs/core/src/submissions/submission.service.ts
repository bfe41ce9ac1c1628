import { Inject, Injectable, Optional } from '@nestjs/common';
import { Actor, scopeOf } from '../access/actor';
import { AuthenticatedCredential } from '../auth/authenticated-credential';
import { Channel } from '../channels/channel';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { UNIT_OF_WORK, UnitOfWork } from '../common/unit-of-work';
import { GroupService } from '../groups/group.service';
import { PostbackOutbox } from './postback-outbox';
import { MAX_BODY_CHARS, MAX_RECIPIENTS, PostbackDelivery, RECIPIENT_PATTERN, Submission } from './submission.model';
import { SUBMISSION_REPOSITORY, SubmissionListFilter, SubmissionRepository } from './submission.repository';

/** What a client asks for, whatever the protocol it came in by. */
export interface SubmissionRequest {
  to?: string[];
  body: string;
  /** Group slugs the client names (`target.groups`, `groups=`, a CSV column). */
  groups?: string[];
  /**
   * A batch row's own id, made by its caller from something stable (a claimed file and a row
   * number): a row whose id is already stored counts as submitted and is not stored again, so a
   * batch resumed after a crash never submits a row twice. Omitted: a new id.
   */
  id?: string;
}

export type ReceiptType = 'delivered' | 'failed';

/** One row of a batch: its submission, or why it was refused (the other rows are not affected). */
export type BatchRowResult = { ok: true; submission: Submission } | { ok: false; error: DomainError };

/** Rows per transaction of a batch: bounded, so a large upload never holds one transaction for long. */
const BATCH_CHUNK = 500;

/** Counts stored submissions by channel; the platform's metrics implement it. */
export interface SubmissionMetrics {
  submitted(channel: Channel, count: number): void;
}
export const SUBMISSION_METRICS = Symbol('SubmissionMetrics');

@Injectable()
export class SubmissionService {
  constructor(
    @Inject(SUBMISSION_REPOSITORY) private readonly submissions: SubmissionRepository,
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    private readonly groups: GroupService,
    private readonly outbox: PostbackOutbox,
    @Optional() @Inject(SUBMISSION_METRICS) private readonly metrics?: SubmissionMetrics,
  ) {}

  /**
   * Checks the request against the key's scope and the limits, then stores it — with its
   * `submission.accepted` postback — before returning: "accepted" means durable.
   */
  async submit(key: AuthenticatedCredential, request: SubmissionRequest): Promise<Submission> {
    const { submission, accepted } = await this.prepare(key, request, new Date(), new Map());
    await this.submissions.insert(submission, accepted ? [accepted] : []);
    this.metrics?.submitted(key.channel, 1);
    if (accepted) this.outbox.wake();
    return submission;
  }

  /**
   * Many submissions of one key at once (a CSV upload, a mail to several recipients): one result
   * per row, in order. A row that breaks a rule gets its error and the others go on; every
   * accepted row is durable before this returns.
   */
  async submitBatch(key: AuthenticatedCredential, requests: SubmissionRequest[]): Promise<BatchRowResult[]> {
    const now = new Date();
    const groupChecks = new Map<string, Promise<string[]>>();
    const results: BatchRowResult[] = [];
    const valid: { index: number; submission: Submission; events: PostbackDelivery[] }[] = [];
    let inserted = 0;
    for (const [index, request] of requests.entries()) {
      try {
        const { submission, accepted } = await this.prepare(key, request, now, groupChecks);
        valid.push({ index, submission, events: accepted ? [accepted] : [] });
        results.push({ ok: true, submission });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results.push({ ok: false, error: err });
      }
    }
    for (let i = 0; i < valid.length; i += BATCH_CHUNK) {
      let chunk = valid.slice(i, i + BATCH_CHUNK);
      // Rows with a caller-made id that is stored already were submitted before: keep, don't repeat.
      const given = chunk.filter((row) => requests[row.index].id !== undefined).map((row) => row.submission.id);
      if (given.length > 0) {
        const stored = new Set(await this.submissions.existingIds(given));
        chunk = chunk.filter((row) => !stored.has(row.submission.id));
      }
      if (chunk.length === 0) continue;
      inserted += chunk.length;
      try {
        await this.submissions.insertMany(chunk);
      } catch {
        // One row the database refuses must not fail its neighbours: each alone, each its own answer.
        for (const row of chunk) {
          await this.submissions.insertMany([row]).catch((err: unknown) => {
            inserted--;
            results[row.index] = {
              ok: false,
              error:
                err instanceof DomainError
                  ? err
                  : new DomainError('unprocessable', 'not_stored', 'this row could not be stored'),
            };
          });
        }
      }
    }
    if (inserted > 0) this.metrics?.submitted(key.channel, inserted);
    if (valid.some((v) => v.events.length > 0)) this.outbox.wake();
    return results;
  }

  /** Checks one request against the key's scope and the limits; the submission and its event. */
  private async prepare(
    key: AuthenticatedCredential,
    request: SubmissionRequest,
    now: Date,
    groupChecks: Map<string, Promise<string[]>>,
  ): Promise<{ submission: Submission; accepted: PostbackDelivery | null }> {
    const to = checkRecipients(request.to ?? []);
    const body = checkBody(request.body);
    // Rows of a batch name the same few group sets: each distinct set is checked once.
    const named = request.groups ?? [];
    const memo = named.join('\0');
    let groupCheck = groupChecks.get(memo);
    if (!groupCheck) groupChecks.set(memo, (groupCheck = this.targetGroups(key, named)));
    const groups = await groupCheck;
    const submission: Submission = {
      id: request.id ?? newId(),
      accountId: key.accountId,
      tenantId: key.tenantId,
      credentialId: key.credentialId,
      channel: key.channel,
      to,
      body,
      groups,
      status: 'accepted',
      detail: null,
      createdAt: now,
      updatedAt: now,
    };
    // The submission and its `accepted` event land together or not at all.
    const accepted = key.postbackUrl
      ? this.outbox.event(submission, key.postbackUrl, 'submission.accepted', now)
      : null;
    return { submission, accepted };
  }

  /** A submission as its own client may see it: any of the key's account's submissions. */
  async getForKey(key: AuthenticatedCredential, id: string): Promise<Submission> {
    const submission = await this.submissions.findById({ type: 'account', accountId: key.accountId }, id);
    if (!submission) throw DomainError.notFound('submission');
    return submission;
  }

  async get(actor: Actor, id: string): Promise<{ submission: Submission; postbacks: PostbackDelivery[] }> {
    const submission = await this.submissions.findById(scopeOf(actor), id);
    if (!submission) throw DomainError.notFound('submission');
    return { submission, postbacks: await this.outbox.listForSubmission(id) };
  }

  list(actor: Actor, filter: SubmissionListFilter, page: PageRequest): Promise<Page<Submission>> {
    return this.submissions.list(scopeOf(actor), filter, page);
  }

  /**
   * A delivery receipt. `accepted` → `delivered`/`failed` once; the same receipt again is a
   * no-op (delivery systems retry), a contradicting one is a 409.
   */
  async recordReceipt(actor: Actor, id: string, type: ReceiptType, detail: string | null): Promise<Submission> {
    if (actor.type !== 'root') throw DomainError.forbidden('only the delivery system (root token) posts receipts');
    const current = await this.submissions.findById(scopeOf(actor), id);
    if (!current) throw DomainError.notFound('submission');
    if (current.status === type) return current;
    if (current.status !== 'accepted') {
      throw DomainError.conflict('submission_final', `submission is already ${current.status}`, {
        status: current.status,
      });
    }
    const now = new Date();
    const next: Submission = { ...current, status: type, detail, updatedAt: now };
    const credential = await this.credentials.findById({ type: 'all' }, current.credentialId);
    const url = credential?.postbackUrl ?? null;
    await this.uow.transaction(async () => {
      if (!(await this.submissions.finish(id, type, detail, now))) {
        throw DomainError.conflict('submission_final', 'submission changed concurrently; read it again');
      }
      if (url) await this.outbox.enqueue(next, url, `submission.${type}`, now);
    });
    if (url) this.outbox.wake();
    return next;
  }

  /**
   * The scope table of DESIGN.md §1. Named groups are checked against the key's groups by id,
   * not by slug: a slug can move from one group to another, an id cannot.
   */
  private async targetGroups(key: AuthenticatedCredential, named: string[]): Promise<string[]> {
    const wanted = [...new Set(named.map((g) => g.trim()).filter((g) => g.length > 0))];
    const resolved = wanted.length > 0 ? await this.groups.resolve(key.accountId, wanted) : []; // 422 unknown_group
    if (key.scope === 'all') return wanted;
    if (wanted.length === 0) return key.groups.map((g) => g.slug);
    const allowed = new Set(key.groups.map((g) => g.id));
    const outside = resolved.filter((g) => !allowed.has(g.id)).map((g) => g.slug);
    if (outside.length > 0) {
      throw DomainError.forbidden(`groups outside this key's scope: ${outside.join(', ')}`, 'scope_violation', {
        groups: outside,
      });
    }
    return wanted;
  }
}

function checkRecipients(to: string[]): string[] {
  const recipients = [...new Set(to.map((r) => r.trim()).filter((r) => r.length > 0))];
  if (recipients.length > MAX_RECIPIENTS) {
    throw DomainError.validation('to', `at most ${MAX_RECIPIENTS} recipients per submission`);
  }
  const invalid = recipients.filter((r) => !RECIPIENT_PATTERN.test(r));
  if (invalid.length > 0) {
    throw DomainError.validation('to', `not a recipient: ${invalid.slice(0, 5).join(', ')}`, {
      invalid: invalid.slice(0, 20),
    });
  }
  return recipients;
}

function checkBody(body: string): string {
  if (body.trim().length === 0) throw DomainError.validation('body', 'must not be empty');
  if ([...body].length > MAX_BODY_CHARS) {
    throw DomainError.validation('body', `at most ${MAX_BODY_CHARS} characters`, { limit: MAX_BODY_CHARS });
  }
  return body;
}

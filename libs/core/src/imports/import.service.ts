import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { Account } from '../accounts/account.model';
import { ACCOUNT_REPOSITORY, AccountRepository } from '../accounts/account.repository';
import { AccountService, checkExternalId, newAccount } from '../accounts/account.service';
import { LEGACY_CHANNELS } from '../channels/channel';
import { asciiLower } from '../common/ascii';
import { checkName } from '../common/checks';
import { DomainError } from '../common/domain-error';
import { UNIT_OF_WORK, UnitOfWork } from '../common/unit-of-work';
import { Credential } from '../credentials/credential.model';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import {
  CredentialService,
  IssuedCredential,
  PreparedCredential,
  UpdateCredentialInput,
} from '../credentials/credential.service';
import { validatePostbackUrl } from '../credentials/postback-url';
import { checkRateLimit } from '../credentials/rate-limit';
import { AdminContext } from '../logs/audit-log';
import { AuditLogService, AuditRecord } from '../logs/audit-log.service';
import { canonicalCidrList } from '../network/cidr-allowlist';
import { ImportAccountRecord, ImportCredentialRecord, parseImportLine } from './import-record';
import { NdjsonLine } from './ndjson-lines';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export interface ImportSummary {
  dryRun: boolean;
  /** Lines read, blank ones included (the last line number). */
  lines: number;
  accounts: ImportCounts;
  credentials: ImportCounts;
}

export interface ImportError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What an import reports as it goes; `issued` carries generated secrets, shown this once. */
export type ImportEvent =
  | { type: 'progress'; lines: number; accounts: number }
  | { type: 'refused'; line: number; externalId?: string; error: ImportError }
  | { type: 'issued'; line: number; externalId: string; accountId: string; credentials: IssuedCredential[] };

export interface ImportOptions {
  /** Check every line against the file and the database; write nothing. */
  dryRun: boolean;
}

/** Lines handled together: one set of lookups and one transaction. */
const BATCH_LINES = 250;
const BATCH_CREDENTIALS = 2000;

interface ParsedLine {
  line: number;
  record: ImportAccountRecord;
}

/** What one line will do, worked out before anything is written. */
interface LinePlan {
  line: number;
  externalId: string;
  account: Account;
  isNew: boolean;
  accountChanges: { name?: string; status?: Account['status'] };
  /** Credentials to create, and whether each one's secret was generated here (then it is issued). */
  creates: { input: ImportCredentialRecord | null; prepared?: PreparedCredential }[];
  updates: { id: string; changes: UpdateCredentialInput }[];
  unchanged: number;
  legacy: boolean;
  /** Where each create came from in the line, for error messages. */
  credentialIndex: Map<object, number>;
}

/**
 * Bulk import of accounts and their credentials from another system (`POST /admin/v1/import`):
 * one ACCOUNT per line, keyed by external id and by channel + username, so running the same
 * file again changes nothing. Each line is checked in full (shape, domain rules, the file's
 * own duplicates, the database) before any of it is written; a bad line is refused with its
 * number and writes nothing, and the lines around it go on. New rows are written in batches,
 * one transaction each; a secret of an existing credential is never changed (rotate it).
 */
@Injectable()
export class ImportService {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accountRepo: AccountRepository,
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentialRepo: CredentialRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly accounts: AccountService,
    private readonly credentials: CredentialService,
    private readonly audit: AuditLogService,
  ) {}

  async run(
    ctx: AdminContext,
    lines: AsyncIterable<NdjsonLine>,
    options: ImportOptions,
    emit: (event: ImportEvent) => void | Promise<void>,
  ): Promise<ImportSummary> {
    if (ctx.actor.type !== 'root') throw DomainError.forbidden('only the root token may import accounts');
    const run = new ImportRun(
      {
        accountRepo: this.accountRepo,
        credentialRepo: this.credentialRepo,
        uow: this.uow,
        config: this.config,
        accounts: this.accounts,
        credentials: this.credentials,
        audit: this.audit,
      },
      ctx,
      options,
      emit,
    );
    let batch: ParsedLine[] = [];
    let batchCredentials = 0;
    for await (const item of lines) {
      run.lastLine = item.line;
      if (item.tooLong) {
        run.refuse(item.line, undefined, 0, lineTooLong());
        continue;
      }
      let record: ImportAccountRecord;
      try {
        record = parseImportLine(item.text);
      } catch (err) {
        run.refuse(item.line, externalIdOf(item.text), 0, asImportError(err));
        continue;
      }
      batch.push({ line: item.line, record });
      batchCredentials += record.credentials.length;
      if (batch.length >= BATCH_LINES || batchCredentials >= BATCH_CREDENTIALS) {
        await run.processBatch(batch);
        batch = [];
        batchCredentials = 0;
      }
    }
    await run.processBatch(batch);
    return run.summary();
  }
}

interface ImportDeps {
  accountRepo: AccountRepository;
  credentialRepo: CredentialRepository;
  uow: UnitOfWork;
  config: GatehouseConfig;
  accounts: AccountService;
  credentials: CredentialService;
  audit: AuditLogService;
}

/** The state of one import: what the file has named so far, and the counts. */
class ImportRun {
  lastLine = 0;
  private processed = 0;
  private readonly counts = {
    accounts: { created: 0, updated: 0, unchanged: 0, refused: 0 },
    credentials: { created: 0, updated: 0, unchanged: 0, refused: 0 },
  };
  /** Masters met in this run (found or created), by lower-cased external id: subs' parents. */
  private readonly masters = new Map<string, Account>();
  /** Lines that named each account and each channel + username: duplicates in the file. */
  private readonly accountLines = new Map<string, number>();
  private readonly usernameLines = new Map<string, number>();
  /** Masters the file named on a line that was refused: their subs are told so. */
  private readonly refusedMasters = new Map<string, number>();

  constructor(
    private readonly deps: ImportDeps,
    private readonly ctx: AdminContext,
    private readonly options: ImportOptions,
    private readonly emit: (event: ImportEvent) => void | Promise<void>,
  ) {}

  /** Refused lines are reported with their batch, in line order. */
  private refusals: Extract<ImportEvent, { type: 'refused' }>[] = [];

  refuse(line: number, externalId: string | undefined, credentials: number, error: ImportError, master = false): void {
    if (master && externalId !== undefined) this.refusedMasters.set(asciiLower(externalId), line);
    this.counts.accounts.refused++;
    this.counts.credentials.refused += credentials;
    this.processed++;
    this.refusals.push({ type: 'refused', line, ...(externalId ? { externalId } : {}), error });
  }

  summary(): ImportSummary {
    return { dryRun: this.options.dryRun, lines: this.lastLine, ...this.counts };
  }

  async processBatch(batch: ParsedLine[]): Promise<void> {
    const { accountRepo, credentialRepo } = this.deps;
    // Parents not met yet in this run: look them up all at once.
    const missingParents = batch
      .map((p) => p.record.parentExternalId)
      .filter((ext): ext is string => ext !== null && !this.masters.has(asciiLower(ext)));
    if (missingParents.length > 0) {
      for (const m of await accountRepo.findByExternalIds(null, missingParents)) this.rememberMaster(m);
    }
    // The accounts the lines name, where they exist: masters, then subs per parent.
    const existing = new Map<string, Account>();
    const masterIds = batch.filter((p) => p.record.kind === 'master').map((p) => p.record.externalId);
    for (const a of await accountRepo.findByExternalIds(null, masterIds))
      existing.set(accountKey(null, a.externalId!), a);
    const subsByParent = new Map<string, string[]>();
    for (const p of batch) {
      const parent =
        p.record.parentExternalId === null ? undefined : this.masters.get(asciiLower(p.record.parentExternalId));
      if (parent && !parent.id.startsWith(PLANNED)) {
        subsByParent.set(parent.id, [...(subsByParent.get(parent.id) ?? []), p.record.externalId]);
      }
    }
    for (const [parentId, ids] of subsByParent) {
      for (const a of await accountRepo.findByExternalIds(parentId, ids))
        existing.set(accountKey(parentId, a.externalId!), a);
    }
    const existingCredentials = new Map<string, Credential[]>();
    for (const c of await credentialRepo.listByAccounts([...existing.values()].map((a) => a.id))) {
      existingCredentials.set(c.accountId, [...(existingCredentials.get(c.accountId) ?? []), c]);
    }
    const owners = await this.usernameOwners(batch);

    // Plan each line in file order (duplicates are judged in that order); prepare new
    // credentials, with their bcrypt work, concurrently.
    const plans: LinePlan[] = [];
    for (const p of batch) {
      try {
        plans.push(this.plan(p, existing, existingCredentials, owners));
      } catch (err) {
        const error = asImportError(err);
        this.refuse(p.line, p.record.externalId, p.record.credentials.length, error, p.record.kind === 'master');
      }
    }
    const prepared = await Promise.all(plans.map((plan) => this.prepare(plan).then(() => null, asImportError)));
    const failedMasters = new Map<string, LinePlan>();
    const ready: LinePlan[] = [];
    for (const [i, plan] of plans.entries()) {
      const master = failedMasters.get(plan.account.parentId ?? '');
      const error = prepared[i] ?? (master ? asImportError(parentRefused(master.externalId, master.line)) : null);
      if (error) {
        const isMaster = plan.account.kind === 'master';
        if (isMaster) failedMasters.set(plan.account.id, plan);
        this.forgetPlanned(plan);
        const credentials = plan.creates.length + plan.updates.length + plan.unchanged;
        this.refuse(plan.line, plan.externalId, credentials, error, isMaster);
      } else {
        ready.push(plan);
      }
    }
    if (!this.options.dryRun) await this.write(ready);
    for (const plan of ready) await this.report(plan);
    this.processed += ready.length;
    for (const refusal of this.refusals.sort((a, b) => a.line - b.line)) await this.emit(refusal);
    this.refusals = [];
    await this.emit({ type: 'progress', lines: this.lastLine, accounts: this.processed });
  }

  private plan(
    p: ParsedLine,
    existing: Map<string, Account>,
    existingCredentials: Map<string, Credential[]>,
    owners: Map<string, string>,
  ): LinePlan {
    const { record, line } = p;
    const externalId = checkExternalId(record.externalId)!;
    const name = checkName(record.name);
    let parent: Account | null = null;
    if (record.parentExternalId !== null) {
      parent = this.masters.get(asciiLower(record.parentExternalId)) ?? null;
      const refusedAt = this.refusedMasters.get(asciiLower(record.parentExternalId));
      if (!parent && refusedAt !== undefined) throw parentRefused(record.parentExternalId, refusedAt);
      if (!parent) {
        throw new DomainError(
          'not_found',
          'unknown_parent',
          `parentExternalId: no master "${record.parentExternalId}" earlier in the file or in Gatehouse`,
          { field: 'parentExternalId' },
        );
      }
    }
    const key = accountKey(parent?.id ?? null, externalId);
    const seenAt = this.accountLines.get(key);
    if (seenAt !== undefined) {
      throw DomainError.conflict('duplicate_in_file', `externalId "${externalId}" is already at line ${seenAt}`, {
        field: 'externalId',
        line: seenAt,
      });
    }
    const found = existing.get(key);
    const account =
      found ??
      newAccount(
        { name, kind: record.kind, parent, externalId, status: record.status, createdAt: record.createdAt },
        new Date(),
      );
    if (!found && this.options.dryRun) account.id = PLANNED + account.id;
    const accountChanges: LinePlan['accountChanges'] = {};
    if (found && found.name !== name) accountChanges.name = name;
    if (found && record.status !== undefined && found.status !== record.status) accountChanges.status = record.status;

    const plan: LinePlan = {
      line,
      externalId,
      account,
      isNew: !found,
      accountChanges,
      creates: [],
      updates: [],
      unchanged: 0,
      credentialIndex: new Map(),
      legacy: !found && record.credentials.length === 0 && this.deps.accounts.isLegacy(account),
    };
    const held = existingCredentials.get(account.id) ?? [];
    const lineUsernames = new Map<string, number>();
    const lineNames = new Set<string>();
    for (const [i, c] of record.credentials.entries()) {
      try {
        this.planCredential(plan, held, c, i, owners, lineUsernames, lineNames);
      } catch (err) {
        throw prefixed(err, i);
      }
    }
    // Only now is the line known to be good: remember what it named.
    this.accountLines.set(key, line);
    for (const userKey of lineUsernames.keys()) this.usernameLines.set(userKey, line);
    if (account.kind === 'master') this.rememberMaster(account);
    return plan;
  }

  /** Matches one credential of the line with a stored one: create, update or leave it. */
  private planCredential(
    plan: LinePlan,
    held: Credential[],
    c: ImportCredentialRecord,
    i: number,
    owners: Map<string, string>,
    lineUsernames: Map<string, number>,
    lineNames: Set<string>,
  ): void {
    const account = plan.account;
    let match: Credential | undefined;
    if (c.username !== undefined) {
      const username = asciiLower(c.username);
      const userKey = `${c.channel}:${username}`;
      const earlier = this.usernameLines.get(userKey) ?? (lineUsernames.has(userKey) ? plan.line : undefined);
      if (earlier !== undefined) {
        throw DomainError.conflict(
          'duplicate_in_file',
          `username: "${username}" on ${c.channel} is already at line ${earlier}`,
          { field: 'username', line: earlier },
        );
      }
      lineUsernames.set(userKey, i);
      const owner = owners.get(userKey);
      if (owner !== undefined && owner !== account.id) {
        throw DomainError.conflict(
          'username_taken',
          `username: "${username}" is already used on ${c.channel} by another account`,
          { field: 'username' },
        );
      }
      match = held.find((h) => h.channel === c.channel && h.username === username);
    } else {
      // No username (always so on REST): the key is the channel and the name within the account.
      const keyName = `${c.channel}:${checkName(c.name)}`;
      if (lineNames.has(keyName)) {
        throw DomainError.conflict(
          'duplicate_in_file',
          `name: a second ${c.channel} credential named "${c.name.trim()}" without a username`,
          { field: 'name' },
        );
      }
      lineNames.add(keyName);
      match = held.find((h) => h.channel === c.channel && h.name === checkName(c.name));
    }
    if (!match) {
      const create = { input: c };
      plan.creates.push(create);
      plan.credentialIndex.set(create, i);
      return;
    }
    const changes = this.changesOf(match, c);
    if (Object.keys(changes).length === 0) plan.unchanged++;
    else plan.updates.push({ id: match.id, changes });
  }

  /** The fields the file gives that differ from the stored credential; absent fields are left as they are. */
  private changesOf(current: Credential, c: ImportCredentialRecord): UpdateCredentialInput {
    const changes: UpdateCredentialInput = {};
    const name = checkName(c.name);
    if (name !== current.name) changes.name = name;
    if (c.enabled !== undefined && c.enabled !== current.enabled) changes.enabled = c.enabled;
    if (c.expiresAt !== undefined && (c.expiresAt?.getTime() ?? null) !== (current.expiresAt?.getTime() ?? null)) {
      changes.expiresAt = c.expiresAt;
    }
    if (c.allowedCidrs !== undefined) {
      const cidrs = canonicalCidrList(c.allowedCidrs);
      if (cidrs.join() !== current.allowedCidrs.join()) changes.allowedCidrs = cidrs;
    }
    if (c.postbackUrl !== undefined) {
      const url =
        c.postbackUrl === null ? null : validatePostbackUrl(c.postbackUrl, this.deps.config.allowPrivatePostbacks);
      if (url !== current.postbackUrl) changes.postbackUrl = url;
    }
    if (c.offTheRecord !== undefined && c.offTheRecord !== current.offTheRecord) changes.offTheRecord = c.offTheRecord;
    if (c.rateLimit !== undefined) {
      const limit = checkRateLimit(c.rateLimit);
      if (JSON.stringify(limit) !== JSON.stringify(current.rateLimit)) changes.rateLimit = limit;
    }
    if (c.scope !== undefined || c.groups !== undefined) {
      const scope = c.scope ?? current.scope;
      const slugs = [...(c.groups ?? [])].sort();
      const held = current.groups.map((g) => g.slug).sort();
      if (scope !== current.scope || (c.groups !== undefined && slugs.join() !== held.join())) {
        changes.scope = scope;
        if (c.groups !== undefined) changes.groups = c.groups;
      }
    }
    return changes;
  }

  /** Validates and hashes the line's new credentials (nothing hashed in a dry run). */
  private async prepare(plan: LinePlan): Promise<void> {
    const { credentials } = this.deps;
    const now = new Date();
    if (plan.legacy) {
      plan.creates = LEGACY_CHANNELS.map((channel) => ({
        input: null,
        prepared: credentials.prepareLegacy(plan.account, channel, now),
      }));
      return;
    }
    for (const create of plan.creates) {
      try {
        create.prepared = await credentials.prepareNew(plan.account, create.input!, now, {
          hash: !this.options.dryRun,
        });
      } catch (err) {
        throw prefixed(err, plan.credentialIndex.get(create) ?? 0);
      }
    }
  }

  private async write(plans: LinePlan[]): Promise<void> {
    const { uow } = this.deps;
    try {
      await uow.transaction(() => this.insert(plans));
    } catch {
      // A concurrent change took a name this batch wanted: find the line, one at a time.
      for (const plan of [...plans]) {
        try {
          await uow.transaction(() => this.insert([plan]));
        } catch (err) {
          plans.splice(plans.indexOf(plan), 1);
          this.forgetPlanned(plan);
          this.refuse(plan.line, plan.externalId, plan.creates.length + plan.updates.length, conflictOf(err));
        }
      }
    }
    for (const plan of plans) await this.applyUpdates(plan);
  }

  private async insert(plans: LinePlan[]): Promise<void> {
    const { accountRepo, credentialRepo, audit, credentials } = this.deps;
    const newAccounts = plans.filter((p) => p.isNew).map((p) => p.account);
    const created = plans.flatMap((p) => p.creates.map((c) => c.prepared!));
    await accountRepo.insertMany(newAccounts);
    await credentialRepo.insertMany(created);
    const records: AuditRecord[] = [
      ...plans
        .filter((p) => p.isNew)
        .map((p) => ({
          action: 'account.create',
          targetType: 'account' as const,
          targetId: p.account.id,
          accountId: p.account.id,
          tenantId: p.account.tenantId,
          details: { kind: p.account.kind, imported: true, legacy: p.legacy },
        })),
      ...plans.flatMap((p) =>
        p.creates.map((c) => credentials.creationAudit(c.prepared!.credential, c.input?.secretHash !== undefined)),
      ),
    ];
    await audit.recordMany(this.ctx, records);
  }

  /** Changes to existing rows go through the services: same checks, audit and session ends as the API. */
  private async applyUpdates(plan: LinePlan): Promise<void> {
    const { accounts, credentials } = this.deps;
    try {
      if (Object.keys(plan.accountChanges).length > 0)
        await accounts.update(this.ctx, plan.account.id, plan.accountChanges);
      for (const u of plan.updates) await credentials.update(this.ctx, u.id, u.changes);
    } catch (err) {
      // Checked up front; only a concurrent change gets here (the line may be partly applied).
      plan.updates = [];
      this.refusals.push({ type: 'refused', line: plan.line, externalId: plan.externalId, error: asImportError(err) });
    }
  }

  private async report(plan: LinePlan): Promise<void> {
    const { accounts, credentials } = this.counts;
    if (plan.isNew) accounts.created++;
    else if (Object.keys(plan.accountChanges).length > 0 || plan.updates.length > 0 || plan.creates.length > 0) {
      accounts.updated++;
    } else accounts.unchanged++;
    credentials.created += plan.creates.length;
    credentials.updated += plan.updates.length;
    credentials.unchanged += plan.unchanged;
    if (this.options.dryRun) return;
    // Generated secrets (and postback signing secrets) exist only in this answer; secrets the
    // file brought are not echoed back.
    const issued: IssuedCredential[] = [];
    for (const c of plan.creates) {
      const { credential, secret } = c.prepared!.issued;
      const generated = c.input === null || (c.input.secret === undefined && c.input.secretHash === undefined);
      if (!generated && !credential.postbackUrl) continue;
      issued.push({
        credential,
        secret: generated ? secret : null,
        ...(credential.postbackUrl
          ? { postbackSigningSecret: this.deps.credentials.postbackSigningSecret(credential) }
          : {}),
      });
    }
    if (issued.length > 0) {
      await this.emit({
        type: 'issued',
        line: plan.line,
        externalId: plan.externalId,
        accountId: plan.account.id,
        credentials: issued,
      });
    }
  }

  private async usernameOwners(batch: ParsedLine[]): Promise<Map<string, string>> {
    const byChannel = new Map<string, Set<string>>();
    for (const p of batch) {
      for (const c of p.record.credentials) {
        if (c.username === undefined) continue;
        const set = byChannel.get(c.channel) ?? new Set<string>();
        set.add(asciiLower(c.username));
        byChannel.set(c.channel, set);
      }
    }
    const owners = new Map<string, string>();
    for (const [channel, names] of byChannel) {
      const found = await this.deps.credentialRepo.findUsernameOwners(channel as Credential['channel'], [...names]);
      // Equal only byte for byte: a MySQL `_ci` collation matches more than ASCII case.
      for (const o of found) if (names.has(o.username)) owners.set(`${channel}:${o.username}`, o.accountId);
    }
    return owners;
  }

  private rememberMaster(account: Account): void {
    if (account.externalId !== null) this.masters.set(asciiLower(account.externalId), account);
  }

  /** A planned line that will not be written no longer names anything. */
  private forgetPlanned(plan: LinePlan): void {
    if (!plan.isNew) return;
    const key = accountKey(plan.account.parentId, plan.externalId);
    if (this.accountLines.get(key) === plan.line) this.accountLines.delete(key);
    if (plan.account.kind === 'master') this.masters.delete(asciiLower(plan.externalId));
    for (const [userKey, line] of this.usernameLines) if (line === plan.line) this.usernameLines.delete(userKey);
  }
}

/** Dry runs give the accounts they would create ids with this prefix: never looked up, never written. */
const PLANNED = 'planned:';

function accountKey(parentId: string | null, externalId: string): string {
  return `${parentId ?? ''}\u0000${asciiLower(externalId)}`;
}

function asImportError(err: unknown): ImportError {
  if (err instanceof DomainError) {
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  throw err;
}

/** An error about credential `index` of the line, its field named from the line (`credentials[2].username`). */
function prefixed(err: unknown, index: number): DomainError {
  const e = asImportError(err);
  const inner = typeof e.details?.field === 'string' ? e.details.field : null;
  const field = inner ? `credentials[${index}].${inner}` : `credentials[${index}]`;
  const message =
    inner && e.message.startsWith(`${inner}:`) ? `credentials[${index}].${e.message}` : `${field}: ${e.message}`;
  return new DomainError(kindOf(err), e.code, message, { ...e.details, field });
}

function kindOf(err: unknown): DomainError['kind'] {
  return err instanceof DomainError ? err.kind : 'validation';
}

function parentRefused(externalId: string, line: number): DomainError {
  return new DomainError(
    'not_found',
    'unknown_parent',
    `parentExternalId: its master "${externalId}" (line ${line}) was refused`,
    {
      field: 'parentExternalId',
      line,
    },
  );
}

function conflictOf(err: unknown): ImportError {
  if (err instanceof DomainError) return asImportError(err);
  return {
    code: 'conflict',
    message: 'a concurrent change took an external id or username of this line; run the import again',
  };
}

function lineTooLong(): ImportError {
  return {
    code: 'line_too_long',
    message: 'the line is longer than 1 MiB (one ACCOUNT per line, at most 1 000 credentials)',
  };
}

/** The external id of a line that did not parse, when it can be read; for the report only. */
function externalIdOf(text: string): string | undefined {
  const m = /"externalId"\s*:\s*"([A-Za-z0-9._:@-]{1,128})"/.exec(text);
  return m?.[1];
}

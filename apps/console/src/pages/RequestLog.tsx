import { api, CHANNEL_LABELS, CHANNELS, ok, type RequestLogEntry } from '../api/client';
import { SelectField, TextField } from '../components/ui';
import { useLoad } from '../lib/hooks';
import { formatTime, localInputToIso } from '../lib/text';
import {
  AccountFilterField,
  applyFilters,
  FilterForm,
  LogTable,
  TimeRangeFields,
  useAccountOptions,
  useCursorPages,
  useFilterDraft,
} from './logs';

type Outcome = RequestLogEntry['outcome'];
/** Every outcome the API names; the check below fails the type check when the API adds one. */
const OUTCOMES = [
  'ok',
  'unknown_credential',
  'bad_secret',
  'disabled',
  'expired',
  'account_suspended',
  'ip_not_allowed',
  'banned',
  'rate_limited',
  'validation_failed',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'scope_violation',
  'unknown_group',
  'not_found',
  'method_not_allowed',
  'internal_error',
  'rejected',
] as const satisfies readonly Outcome[];
const everyOutcome: [Exclude<Outcome, (typeof OUTCOMES)[number]>] extends [never] ? true : false = true;
void everyOutcome;

const NAMES = ['accountId', 'credentialId', 'channel', 'outcome', 'from', 'to'] as const;

/** Every outcome of a presented credential, tenant-scoped, with the API's filters and cursor paging. */
export function RequestLogPage() {
  const { filters, filterKey, draft, set } = useFilterDraft(NAMES);
  const pages = useCursorPages(filterKey);
  const accounts = useAccountOptions();
  const log = useLoad(`request-log:${filterKey}:${pages.cursor ?? ''}`, (signal) =>
    ok(
      api.GET('/admin/v1/request-log', {
        params: {
          query: {
            limit: 50,
            cursor: pages.cursor,
            accountId: filters.accountId || undefined,
            credentialId: filters.credentialId || undefined,
            channel: (filters.channel || undefined) as RequestLogEntry['channel'] | undefined,
            outcome: (filters.outcome || undefined) as Outcome | undefined,
            from: localInputToIso(filters.from),
            to: localInputToIso(filters.to),
          },
        },
        signal,
      }),
    ),
  );

  return (
    <section>
      <div className="page-head">
        <h1>Request log</h1>
      </div>
      <FilterForm
        label="Request log filters"
        onSubmit={() => (applyFilters('/request-log', draft) ? undefined : log.reload())}
        onReset={() => applyFilters('/request-log', {})}
      >
        <AccountFilterField accounts={accounts} value={draft.accountId} onChange={set('accountId')} />
        <TextField label="Key id" value={draft.credentialId} onChange={(e) => set('credentialId')(e.target.value)} />
        <SelectField
          label="Channel"
          value={draft.channel}
          onChange={set('channel')}
          options={[
            { value: '', label: 'All channels' },
            ...CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] })),
          ]}
        />
        <SelectField
          label="Outcome"
          value={draft.outcome}
          onChange={set('outcome')}
          options={[{ value: '', label: 'Any outcome' }, ...OUTCOMES.map((o) => ({ value: o, label: o }))]}
        />
        <TimeRangeFields from={draft.from} to={draft.to} onFrom={set('from')} onTo={set('to')} />
      </FilterForm>
      <LogTable<RequestLogEntry>
        what="request log entries"
        loaded={log}
        page={pages.page}
        onNext={pages.next}
        onPrevious={pages.previous}
        rowKey={(r) => r.id}
        columns={[
          { label: 'Time', cell: (r) => <time dateTime={r.at}>{formatTime(r.at)}</time> },
          { label: 'Channel', cell: (r) => CHANNEL_LABELS[r.channel] },
          { label: 'Operation', cell: (r) => r.operation, className: 'mono' },
          {
            label: 'Outcome',
            cell: (r) => (
              <span className={r.outcome === 'ok' ? 'badge badge-active' : 'badge badge-blocked'}>{r.outcome}</span>
            ),
          },
          { label: 'Status', cell: (r) => r.status },
          { label: 'Username', cell: (r) => r.username ?? '—', className: 'mono' },
          { label: 'Peer', cell: (r) => r.peer, className: 'mono' },
          { label: 'Duration', cell: (r) => `${r.durationMs} ms` },
          { label: 'Count', cell: (r) => r.count },
        ]}
      />
    </section>
  );
}

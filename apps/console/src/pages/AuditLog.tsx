import { api, ok, type AuditLogEntry } from '../api/client';
import { TextField } from '../components/ui';
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

const NAMES = ['accountId', 'targetId', 'action', 'from', 'to'] as const;

/** Who did what to which account, key, group or token (never a secret), with the API's filters and cursor paging. */
export function AuditLogPage() {
  const { filters, filterKey, draft, set } = useFilterDraft(NAMES);
  const pages = useCursorPages(filterKey);
  const accounts = useAccountOptions();
  const names = new Map((accounts ?? []).map((a) => [a.id, a.name]));
  const log = useLoad(`audit-log:${filterKey}:${pages.cursor ?? ''}`, (signal) =>
    ok(
      api.GET('/admin/v1/audit-log', {
        params: {
          query: {
            limit: 50,
            cursor: pages.cursor,
            accountId: filters.accountId || undefined,
            targetId: filters.targetId || undefined,
            action: filters.action || undefined,
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
        <h1>Audit log</h1>
      </div>
      <FilterForm
        label="Audit log filters"
        onSubmit={() => (applyFilters('/audit-log', draft) ? undefined : log.reload())}
        onReset={() => applyFilters('/audit-log', {})}
      >
        <AccountFilterField accounts={accounts} value={draft.accountId} onChange={set('accountId')} />
        <TextField label="Target id" value={draft.targetId} onChange={(e) => set('targetId')(e.target.value)} />
        <TextField
          label="Action"
          value={draft.action}
          placeholder="credential.rotate"
          onChange={(e) => set('action')(e.target.value)}
        />
        <TimeRangeFields from={draft.from} to={draft.to} onFrom={set('from')} onTo={set('to')} />
      </FilterForm>
      <LogTable<AuditLogEntry>
        what="audit log entries"
        loaded={log}
        page={pages.page}
        onNext={pages.next}
        onPrevious={pages.previous}
        rowKey={(r) => r.id}
        columns={[
          { label: 'Time', cell: (r) => <time dateTime={r.at}>{formatTime(r.at)}</time> },
          { label: 'Actor', cell: (r) => (r.actorType === 'root' ? 'root' : `admin token ${r.actorId}`) },
          { label: 'Action', cell: (r) => r.action, className: 'mono' },
          { label: 'Target', cell: (r) => `${r.targetType} ${r.targetId}`, className: 'mono' },
          { label: 'Account', cell: (r) => (r.accountId ? (names.get(r.accountId) ?? r.accountId) : '—') },
          { label: 'Peer', cell: (r) => r.peer, className: 'mono' },
          {
            label: 'Details',
            cell: (r) => (Object.keys(r.details).length ? JSON.stringify(r.details) : '—'),
            className: 'mono details',
          },
        ]}
      />
    </section>
  );
}

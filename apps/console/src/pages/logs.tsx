import { useState, type FormEvent, type ReactNode } from 'react';
import { type Account } from '../api/client';
import { CursorPager, Empty, Loading, LoadError, SelectField, TextField } from '../components/ui';
import { loadAccounts } from '../lib/accounts';
import { useLoad } from '../lib/hooks';
import { BASE, navigate, queryString, useLocation } from '../router';

/** Cursor paging over a filtered log: the API gives each next cursor; the ones behind are kept. */
export function useCursorPages(filterKey: string): {
  cursor: string | undefined;
  page: number;
  next: (cursor: string) => void;
  previous: () => void;
} {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: filterKey,
    cursors: [undefined],
  });
  const cursors = state.key === filterKey ? state.cursors : [undefined];
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length - 1,
    next: (cursor) => setState({ key: filterKey, cursors: [...cursors, cursor] }),
    previous: () => setState({ key: filterKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
  };
}

/** The filters live in the address (no secret is ever among them), so a filtered view can be bookmarked. */
export function useFilters<K extends string>(names: readonly K[]): Record<K, string> {
  const { search } = useLocation();
  return Object.fromEntries(names.map((n) => [n, search.get(n) ?? ''])) as Record<K, string>;
}

/** Puts the filters in the address; false when they are already there (the caller loads again). */
export function applyFilters(path: string, values: Record<string, string>): boolean {
  const target = path + queryString(values);
  if (`${BASE}${target}` === window.location.pathname + window.location.search) return false;
  navigate(target);
  return true;
}

/**
 * The filters in the address, and the form's draft of them: the draft follows the address
 * whenever it changes (Back, Reset, a link), and `set(name)` edits one field of the draft.
 */
export function useFilterDraft<K extends string>(
  names: readonly K[],
): {
  filters: Record<K, string>;
  filterKey: string;
  draft: Record<K, string>;
  set: (name: K) => (value: string) => void;
} {
  const filters = useFilters(names);
  const filterKey = JSON.stringify(filters);
  const [draft, setDraft] = useState(filters);
  const [draftKey, setDraftKey] = useState(filterKey);
  if (draftKey !== filterKey) {
    setDraftKey(filterKey);
    setDraft(filters);
  }
  const set = (name: K) => (value: string) => setDraft((d) => ({ ...d, [name]: value }));
  return { filters, filterKey, draft, set };
}

/** The account filter: every account the token sees, and the one the address names even if not among them. */
export function AccountFilterField({
  accounts,
  value,
  onChange,
}: {
  accounts: Account[] | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <SelectField
      label="Account"
      value={value}
      onChange={onChange}
      options={[
        { value: '', label: 'All accounts' },
        ...(accounts ?? []).map((a) => ({ value: a.id, label: a.name })),
        ...(value && !accounts?.some((a) => a.id === value) ? [{ value, label: value }] : []),
      ]}
    />
  );
}

/** From and To, as local date-times (the page turns them into ISO instants). */
export function TimeRangeFields({
  from,
  to,
  onFrom,
  onTo,
}: {
  from: string;
  to: string;
  onFrom: (value: string) => void;
  onTo: (value: string) => void;
}) {
  return (
    <>
      <TextField label="From" type="datetime-local" value={from} onChange={(e) => onFrom(e.target.value)} />
      <TextField label="To" type="datetime-local" value={to} onChange={(e) => onTo(e.target.value)} />
    </>
  );
}

/** The accounts a filter may name: every account the token sees. */
export function useAccountOptions(): Account[] | undefined {
  return useLoad('accounts', loadAccounts).data;
}

export function FilterForm({
  label,
  onSubmit,
  onReset,
  children,
}: {
  label: string;
  onSubmit: () => void;
  onReset: () => void;
  children: ReactNode;
}) {
  return (
    <form
      className="filters"
      aria-label={label}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
      noValidate
    >
      <div className="filter-fields">{children}</div>
      <div className="filter-actions">
        <button type="submit" className="button-primary">
          Apply filters
        </button>
        <button type="button" onClick={onReset}>
          Clear
        </button>
      </div>
    </form>
  );
}

export function LogTable<T>({
  what,
  loaded,
  columns,
  rowKey,
  page,
  onNext,
  onPrevious,
}: {
  what: string;
  loaded: { data?: { data: T[]; nextCursor: string | null }; error: unknown; loading: boolean; reload: () => void };
  columns: { label: string; cell: (row: T) => ReactNode; className?: string }[];
  rowKey: (row: T) => string;
  page: number;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}) {
  if (loaded.error) return <LoadError error={loaded.error} retry={loaded.reload} />;
  if (!loaded.data) return <Loading what={what} />;
  const { data, nextCursor } = loaded.data;
  return (
    <div aria-busy={loaded.loading}>
      {data.length === 0 ? (
        <Empty>{page === 0 ? `No ${what} match these filters.` : 'No more entries.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table log-table">
            <caption className="visually-hidden">{what}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col" key={c.label}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td key={c.label} data-label={c.label} className={c.className}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager
        label={`Pages of the ${what}`}
        page={page}
        hasNext={!!nextCursor}
        onNext={() => nextCursor && onNext(nextCursor)}
        onPrevious={onPrevious}
      />
    </div>
  );
}

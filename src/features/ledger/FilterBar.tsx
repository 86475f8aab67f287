import { localInputToUnix, unixToLocalInput } from '../../components/time.ts';
import { Button } from '../../components/Button.tsx';
import { inputClass } from './inputClass.ts';
import { formatCount, short } from './format.ts';
import { isFiltered, type Facets } from './rows.ts';
import { useLedgerView } from './store.ts';

/** Menus list at most this many values (the most frequent); the search box finds any other. */
const MAX_OPTIONS = 300;

const labelClass = 'text-xs font-semibold text-slate-600 dark:text-slate-400';

/** Search and filters over the ledger table. Inputs update at once; the table follows, deferred. */
export function FilterBar({
  facets,
  shown,
  total,
  onExportCsv,
}: {
  facets: Facets;
  shown: number;
  total: number;
  /** Downloads the entries shown, in the order shown, as CSV. */
  onExportCsv: () => void;
}) {
  const filters = useLedgerView((s) => s.filters);
  const setFilter = useLedgerView((s) => s.setFilter);

  return (
    <section aria-label="Filters" className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <div className="flex min-w-0 flex-[2_1_12rem] flex-col gap-1">
          <label htmlFor="ledger-search" className={labelClass}>
            Search
          </label>
          <input
            id="ledger-search"
            type="search"
            className={inputClass}
            placeholder="jti, issuer, action, pred, code…"
            value={filters.q}
            onChange={(e) => setFilter('q', e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        <Menu
          id="filter-wid"
          label="Workflow (wid)"
          value={filters.wid}
          values={facets.wid}
          onChange={(v) => setFilter('wid', v)}
          shorten
        />
        <Menu
          id="filter-iss"
          label="Issuer"
          value={filters.iss}
          values={facets.iss}
          onChange={(v) => setFilter('iss', v)}
        />
        <Menu
          id="filter-act"
          label="Action"
          value={filters.act}
          values={facets.act}
          onChange={(v) => setFilter('act', v)}
        />
        <div className="flex min-w-0 flex-[1_1_7.5rem] flex-col gap-1">
          <label htmlFor="filter-status" className={labelClass}>
            Status
          </label>
          <select
            id="filter-status"
            className={inputClass}
            value={filters.status}
            onChange={(e) => setFilter('status', e.target.value)}
          >
            <option value="">any</option>
            <option value="valid">valid ({formatCount(facets.status.valid)})</option>
            <option value="tainted">tainted ({formatCount(facets.status.tainted)})</option>
            <option value="invalid">invalid ({formatCount(facets.status.invalid)})</option>
            {facets.codes.length > 0 && (
              <optgroup label="Violation code">
                {facets.codes.map(([code, n]) => (
                  <option key={code} value={`code:${code}`}>
                    {code} ({formatCount(n)})
                  </option>
                ))}
              </optgroup>
            )}
            {filters.status.startsWith('code:') &&
              !facets.codes.some(([c]) => `code:${c}` === filters.status) && (
                <option value={filters.status}>{filters.status.slice(5)} (0)</option>
              )}
          </select>
        </div>
        <TimeInput
          id="filter-from"
          label="iat from (UTC)"
          value={filters.from}
          onChange={(v) => setFilter('from', v)}
        />
        <TimeInput
          id="filter-to"
          label="iat to (UTC)"
          value={filters.to}
          onChange={(v) => setFilter('to', v)}
        />
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <p aria-live="polite" data-testid="ledger-shown">
          {isFiltered(filters)
            ? `Showing ${formatCount(shown)} of ${formatCount(total)} entries`
            : `${formatCount(total)} ${total === 1 ? 'entry' : 'entries'}, in ledger order`}
        </p>
        {isFiltered(filters) && (
          <Button onClick={() => useLedgerView.getState().clearFilters()} className="py-0.5 text-xs">
            Clear filters
          </Button>
        )}
        <Button
          onClick={onExportCsv}
          disabled={shown === 0}
          className="ml-auto py-0.5 text-xs"
          title="The entries shown (filtered and sorted as shown) as a CSV file"
        >
          Export CSV
        </Button>
      </div>
    </section>
  );
}

function Menu({
  id,
  label,
  value,
  values,
  onChange,
  shorten = false,
}: {
  id: string;
  label: string;
  value: string;
  values: [string, number][];
  onChange: (v: string) => void;
  shorten?: boolean;
}) {
  const listed = values.slice(0, MAX_OPTIONS);
  const missing = value !== '' && !listed.some(([v]) => v === value);
  return (
    <div className="flex min-w-0 flex-[1_1_7.5rem] flex-col gap-1">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <select
        id={id}
        className={`${inputClass} truncate`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">any ({formatCount(values.length)})</option>
        {listed.map(([v, n]) => (
          <option key={v} value={v} title={v}>
            {shorten ? short(v, 13) : v} ({formatCount(n)})
          </option>
        ))}
        {missing && <option value={value}>{shorten ? short(value, 13) : value} (0)</option>}
        {values.length > MAX_OPTIONS && (
          <option disabled value="__more">
            … {formatCount(values.length - MAX_OPTIONS)} more: use the search box
          </option>
        )}
      </select>
    </div>
  );
}

function TimeInput({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: number | null;
  onChange: (v: number | null) => void;
}) {
  return (
    <div className="flex min-w-0 flex-[1_1_11rem] flex-col gap-1">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <input
        id={id}
        type="datetime-local"
        className={inputClass}
        value={value === null ? '' : unixToLocalInput(value)}
        onChange={(e) => onChange(localInputToUnix(e.target.value))}
      />
    </div>
  );
}

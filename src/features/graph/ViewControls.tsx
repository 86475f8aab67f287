/**
 * The Graph tab's view controls, in the left panel: the selection query,
 * filters by workflow, agent, action and status, grouping, direction and the
 * critical path.
 */
import { memo, useId, useMemo, useState, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';
import { visibleString } from '../../components/visible.ts';
import { type GraphModel } from './model.ts';
import {
  AUTO_GROUP_THRESHOLD,
  facets,
  filtersActive,
  NO_FILTERS,
  type Facet,
  type GroupSetting,
  type StatusFilter,
} from './view.ts';
import { parseSelection } from './selection.ts';
import { useGraphView } from './store.ts';

const fieldClass =
  'w-full min-w-0 rounded-md border border-slate-300 bg-white px-1 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';

function LabelledSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="flex min-w-0 flex-col gap-0.5 text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={fieldClass}>
        {children}
      </select>
    </div>
  );
}

function FacetSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string | null;
  options: Facet[];
  onChange: (v: string | null) => void;
}) {
  return (
    <LabelledSelect label={label} value={value ?? ''} onChange={(v) => onChange(v === '' ? null : v)}>
      <option value="">all ({options.reduce((a, o) => a + o.count, 0).toLocaleString('en')})</option>
      {options.slice(0, 500).map((o) => (
        <option key={o.value} value={o.value}>
          {visibleString(o.label)} ({o.count.toLocaleString('en')})
        </option>
      ))}
    </LabelledSelect>
  );
}

/** The selection query: applied on Enter (or on leaving the field), its error shown where it is. */
function QueryField() {
  const query = useGraphView((s) => s.query);
  const setQuery = useGraphView((s) => s.setQuery);
  // The text being typed, until it is applied; null: showing the applied query.
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? query;
  const parsed = useMemo(() => parseSelection(text), [text]);
  const apply = () => {
    if (draft === null) return;
    if (parseSelection(draft).ok) {
      setQuery(draft.trim());
      setDraft(null);
    }
  };
  const id = useId();
  return (
    <div className="flex flex-col gap-0.5 text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor={id}>Select (lineage, and/or)</label>
      <div className="flex gap-1">
        <input
          id={id}
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={text}
          placeholder="+act:deploy_prod, jti:3f2a+2"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
            if (e.key === 'Escape' && draft !== null) {
              e.stopPropagation();
              setDraft(null);
            }
          }}
          onBlur={apply}
          aria-invalid={!parsed.ok}
          aria-describedby={`${id}-help`}
          data-testid="graph-query"
          className={`${fieldClass} font-mono ${parsed.ok ? '' : 'border-red-500 dark:border-red-500'}`}
        />
        {query !== '' && (
          <Button
            onClick={() => {
              setDraft(null);
              setQuery('');
            }}
            className="px-2 py-0.5 text-xs"
            aria-label="Clear the selection"
          >
            ✕
          </Button>
        )}
      </div>
      {!parsed.ok && (
        <p role="alert" className="text-red-700 dark:text-red-300" data-testid="graph-query-error">
          At {parsed.at + 1}: {parsed.message}
        </p>
      )}
      <details id={`${id}-help`} className="text-[11px]">
        <summary className="cursor-pointer">Syntax</summary>
        <ul className="mt-1 flex flex-col gap-0.5 font-mono">
          <li>+X · X+ · +X+ : X with its upstream, downstream, both</li>
          <li>2+X · X+1 : at most that many steps</li>
          <li>X is an exec_act or a jti prefix, or jti: act: iss: wid: status: code:</li>
          <li>cause:&lt;jti&gt; : the invalid tasks that taint it, and the paths</li>
          <li>and · or · not · ( )</li>
        </ul>
      </details>
    </div>
  );
}

export const ViewControls = memo(function ViewControls({ model }: { model: GraphModel }) {
  const filters = useGraphView((s) => s.filters);
  const setFilters = useGraphView((s) => s.setFilters);
  const direction = useGraphView((s) => s.direction);
  const setDirection = useGraphView((s) => s.setDirection);
  const grouping = useGraphView((s) => s.grouping);
  const setGrouping = useGraphView((s) => s.setGrouping);
  const expanded = useGraphView((s) => s.expanded);
  const collapse = useGraphView((s) => s.collapse);
  const critical = useGraphView((s) => s.critical);
  const setCritical = useGraphView((s) => s.setCritical);
  const wids = useMemo(() => facets(model, 'wid'), [model]);
  const agents = useMemo(() => facets(model, 'iss'), [model]);
  const actions = useMemo(() => facets(model, 'act'), [model]);
  const toggle = (active: boolean) =>
    `flex-1 rounded-md border px-2 py-1 text-xs ${
      active
        ? 'border-sky-600 bg-sky-50 font-medium text-sky-900 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-100'
        : 'border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900'
    }`;
  return (
    <div className="flex flex-col gap-2" role="group" aria-label="Graph controls">
      <QueryField />
      <FacetSelect
        label="Workflow (wid)"
        value={filters.wid}
        options={wids}
        onChange={(wid) => setFilters({ wid })}
      />
      <FacetSelect
        label="Agent (iss)"
        value={filters.iss}
        options={agents}
        onChange={(iss) => setFilters({ iss })}
      />
      <FacetSelect
        label="Action (exec_act)"
        value={filters.act}
        options={actions}
        onChange={(act) => setFilters({ act })}
      />
      <LabelledSelect
        label="Status"
        value={filters.status}
        onChange={(v) => setFilters({ status: v as StatusFilter })}
      >
        <option value="all">all</option>
        <option value="problems">problems (invalid, tainted, missing)</option>
        <option value="invalid">invalid</option>
        <option value="tainted">tainted</option>
        <option value="valid">valid</option>
      </LabelledSelect>
      {filtersActive(filters) && (
        <Button onClick={() => setFilters(NO_FILTERS)} className="self-start py-0.5 text-xs">
          Clear filters
        </Button>
      )}
      <LabelledSelect label="Group" value={grouping} onChange={(v) => setGrouping(v as GroupSetting)}>
        <option value="auto">auto (problems first past {AUTO_GROUP_THRESHOLD.toLocaleString('en')})</option>
        <option value="problems">problems first, the rest grouped</option>
        <option value="none">no grouping</option>
        <option value="iss">by agent (iss)</option>
        <option value="wid">by workflow (wid)</option>
      </LabelledSelect>
      {expanded.size > 0 && (
        <div className="flex flex-wrap gap-1" aria-label="Expanded groups">
          {[...expanded].map((k) => (
            <button
              key={k}
              type="button"
              onClick={() => collapse(k)}
              className="rounded-full border border-sky-300 bg-sky-50 px-2 py-0.5 text-xs text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
              title="Collapse this group again"
            >
              {visibleString(k.replace(/^G:(iss|wid):/, ''))} ✕
            </button>
          ))}
        </div>
      )}
      <div role="group" aria-label="Layout direction" className="flex gap-1">
        {(['LR', 'TB'] as const).map((d) => (
          <button
            key={d}
            type="button"
            aria-pressed={direction === d}
            onClick={() => setDirection(d)}
            className={toggle(direction === d)}
          >
            {d === 'LR' ? 'Left → right' : 'Top → bottom'}
          </button>
        ))}
      </div>
      <label className="flex items-center gap-2 text-xs text-slate-700 dark:text-slate-300">
        <input type="checkbox" checked={critical} onChange={(e) => setCritical(e.target.checked)} />
        Critical path (the longest chain by time in each workflow)
      </label>
    </div>
  );
});

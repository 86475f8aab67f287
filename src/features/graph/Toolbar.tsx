/** The Graph tab's controls: find by jti, filters, direction, grouping, exports. */
import { memo, useId, useMemo, useState, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';
import {
  AUTO_GROUP_THRESHOLD,
  facets,
  filtersActive,
  NO_FILTERS,
  searchJti,
  type Facet,
  type GraphModel,
  type GroupMode,
  type StatusFilter,
} from './model.ts';
import { useGraphView } from './store.ts';
import type { ExportKind } from './useExport.ts';

function LabelledSelect({
  label,
  value,
  onChange,
  className = '',
  children,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="flex flex-col text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={`rounded-md border border-slate-300 bg-white px-1 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 ${className}`}
      >
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
    <LabelledSelect
      label={label}
      value={value ?? ''}
      onChange={(v) => onChange(v === '' ? null : v)}
      className="max-w-52"
    >
      <option value="">all ({options.reduce((a, o) => a + o.count, 0).toLocaleString('en')})</option>
      {options.slice(0, 500).map((o) => (
        <option key={o.value} value={o.value}>
          {visibleString(o.label)} ({o.count.toLocaleString('en')})
        </option>
      ))}
    </LabelledSelect>
  );
}

export const Toolbar = memo(function Toolbar({
  model,
  onPick,
  onExport,
  exporting,
}: {
  model: GraphModel;
  onPick: (i: number) => void;
  onExport: (kind: ExportKind) => Promise<void>;
  exporting: boolean;
}) {
  const filters = useGraphView((s) => s.filters);
  const setFilters = useGraphView((s) => s.setFilters);
  const direction = useGraphView((s) => s.direction);
  const setDirection = useGraphView((s) => s.setDirection);
  const grouping = useGraphView((s) => s.grouping);
  const setGrouping = useGraphView((s) => s.setGrouping);
  const expanded = useGraphView((s) => s.expanded);
  const collapse = useGraphView((s) => s.collapse);
  const wids = useMemo(() => facets(model, 'wid'), [model]);
  const agents = useMemo(() => facets(model, 'iss'), [model]);
  const actions = useMemo(() => facets(model, 'act'), [model]);
  const toggle = (active: boolean) =>
    `rounded-md border px-2 py-1 text-sm ${
      active
        ? 'border-sky-600 bg-sky-50 font-medium text-sky-900 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-100'
        : 'border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900'
    }`;
  return (
    <div className="flex flex-wrap items-end gap-x-3 gap-y-2" role="toolbar" aria-label="Graph controls">
      <Search model={model} onPick={onPick} />
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
        <Button onClick={() => setFilters(NO_FILTERS)} className="self-end">
          Clear filters
        </Button>
      )}
      <div role="group" aria-label="Layout direction" className="flex gap-1 self-end">
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
      <LabelledSelect label="Group" value={grouping} onChange={(v) => setGrouping(v as GroupMode | 'auto')}>
        <option value="auto">auto (by agent past {AUTO_GROUP_THRESHOLD.toLocaleString('en')})</option>
        <option value="none">no grouping</option>
        <option value="iss">by agent (iss)</option>
        <option value="wid">by workflow (wid)</option>
      </LabelledSelect>
      {[...expanded].map((k) => (
        <button
          key={k}
          type="button"
          onClick={() => collapse(k)}
          className="self-end rounded-full border border-sky-300 bg-sky-50 px-2 py-0.5 text-xs text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
          title="Collapse this group again"
        >
          {visibleString(k.replace(/^G:(iss|wid):/, ''))} ✕
        </button>
      ))}
      <div role="group" aria-label="Export" className="ml-auto flex items-center gap-1 self-end">
        <span className="text-xs text-slate-600 dark:text-slate-400">Export</span>
        <Button disabled={exporting} onClick={() => void onExport('png')}>
          PNG
        </Button>
        <Button disabled={exporting} onClick={() => void onExport('svg')}>
          SVG
        </Button>
        <Button onClick={() => void onExport('json')}>JSON report</Button>
      </div>
    </div>
  );
});

function Search({ model, onPick }: { model: GraphModel; onPick: (i: number) => void }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const hits = useMemo(() => searchJti(model, q, 8), [model, q]);
  const pick = (i: number) => {
    onPick(i);
    setOpen(false);
  };
  return (
    <div className="relative flex flex-col text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor="graph-search">Find by jti (prefix)</label>
      <input
        id="graph-search"
        type="search"
        autoComplete="off"
        spellCheck={false}
        placeholder="e.g. 3f2a…"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hits[0] !== undefined) pick(hits[0]);
          if (e.key === 'Escape') setOpen(false);
        }}
        aria-controls="graph-search-results"
        aria-expanded={open && q.trim() !== ''}
        role="combobox"
        className="w-56 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      />
      {open && q.trim() !== '' && (
        <ul
          id="graph-search-results"
          role="listbox"
          className="absolute top-full left-0 z-20 mt-1 w-96 rounded-md border border-slate-200 bg-white py-1 text-sm text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          {hits.length === 0 && (
            <li className="px-2 py-1 text-slate-600 dark:text-slate-400">
              No jti starts with “<VisibleText text={q.trim()} />
              ”.
            </li>
          )}
          {hits.map((i) => {
            const n = model.nodes[i]!;
            return (
              <li key={i} role="option" aria-selected={false}>
                <button
                  type="button"
                  onClick={() => pick(i)}
                  className="flex w-full items-baseline gap-2 px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                  <code className="font-mono text-xs">
                    <VisibleText text={n.jti ?? ''} />
                  </code>
                  <span className="truncate text-xs text-slate-600 dark:text-slate-400">
                    {n.kind === 'ghost' ? 'missing' : <VisibleText text={n.act ?? ''} />}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

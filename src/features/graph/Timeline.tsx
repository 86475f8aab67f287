/**
 * The timeline under the graph, Jaeger-style: one row per task (virtualized)
 * or one lane per agent, by `iat`. A task's bar runs from its latest parent's
 * `iat` to its own: how long after its inputs it was recorded. A child issued
 * before its parent draws its bar backwards, red beyond the clock skew (the
 * temporal_violation edges) and amber within it (a near miss). Linked to the
 * graph: clicking a bar selects the node, selecting a node highlights its bar.
 */
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { GEdge, GraphModel, NodeStatus } from './model.ts';
import { useGraphView } from './store.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';

const ROW_H = 22;
const BINS = 400;

interface Row {
  i: number;
  iat: number;
  /** The latest parent iat, when any parent has one. */
  from: number | null;
  skew: 'violation' | 'near' | null;
}

export interface SkewWarning {
  child: number;
  parent: number;
  seconds: number;
  kind: 'violation' | 'near';
}

/** Temporal violations and near misses, worst first. */
export function skewWarnings(model: GraphModel, visible: Uint8Array): SkewWarning[] {
  const out: SkewWarning[] = [];
  model.edges.forEach((e: GEdge) => {
    if (!visible[e.target]) return;
    const violation = e.codes.includes('temporal_violation');
    if (!violation && e.nearMiss <= 0) return;
    const c = model.nodes[e.target]!;
    const p = model.nodes[e.source]!;
    out.push({
      child: e.target,
      parent: e.source,
      seconds: (p.iat ?? 0) - (c.iat ?? 0),
      kind: violation ? 'violation' : 'near',
    });
  });
  return out.sort((a, b) => (a.kind === b.kind ? b.seconds - a.seconds : a.kind === 'violation' ? -1 : 1));
}

function niceStep(span: number): number {
  const raw = span / 6;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  return steps.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
}

function fmtOffset(s: number): string {
  if (s === 0) return '0';
  if (s < 60) return `+${s}s`;
  if (s < 3600) return `+${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86400) return `+${Math.floor(s / 3600)}h${s % 3600 ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `+${(s / 86400).toFixed(1)}d`;
}

const BAR_CLASS: Record<NodeStatus, string> = {
  valid: 'bg-emerald-500 dark:bg-emerald-400',
  invalid: 'bg-red-600 dark:bg-red-400',
  tainted: 'bg-amber-500 dark:bg-amber-400',
  ghost: 'bg-slate-400',
};

export const Timeline = memo(function Timeline({
  model,
  visible,
  onPick,
  critical = null,
}: {
  model: GraphModel;
  visible: Uint8Array;
  onPick: (i: number) => void;
  /** Model nodes on a critical path (marked on their rows), or null. */
  critical?: Uint8Array | null;
}) {
  const mode = useGraphView((s) => s.timelineMode);
  const setMode = useGraphView((s) => s.setTimelineMode);
  const selected = useGraphView((s) => s.selected);
  const selectedIndex = selected === null ? -1 : (model.byKey.get(selected) ?? -1);

  const { rows, t0, t1, undated } = useMemo(() => {
    const list: Row[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    let noIat = 0;
    model.nodes.forEach((n, i) => {
      if (n.kind !== 'task' || !visible[i]) return;
      if (n.iat === null) {
        noIat++;
        return;
      }
      let from: number | null = null;
      for (const p of n.parents) {
        const pi = model.nodes[p]!.iat;
        if (pi !== null && (from === null || pi > from)) from = pi;
      }
      list.push({ i, iat: n.iat, from, skew: null });
      lo = Math.min(lo, n.iat, from ?? n.iat);
      hi = Math.max(hi, n.iat, from ?? n.iat);
    });
    const warn = new Map<number, 'violation' | 'near'>();
    for (const e of model.edges) {
      if (e.codes.includes('temporal_violation')) warn.set(e.target, 'violation');
      else if (e.nearMiss > 0 && !warn.has(e.target)) warn.set(e.target, 'near');
    }
    for (const r of list) r.skew = warn.get(r.i) ?? null;
    list.sort((a, b) => a.iat - b.iat || a.i - b.i);
    return { rows: list, t0: lo, t1: hi, undated: noIat };
  }, [model, visible]);

  const warnings = useMemo(() => skewWarnings(model, visible), [model, visible]);
  const span = Math.max(1, t1 - t0);
  const pct = useCallback((t: number) => ((t - t0) / span) * 100, [t0, span]);

  if (!rows.length) {
    return (
      <section
        aria-label="Timeline"
        className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800"
      >
        <h3 className="font-semibold">Timeline</h3>
        <p className="text-slate-600 dark:text-slate-400">No token with an iat is shown.</p>
      </section>
    );
  }
  const step = niceStep(span);
  const ticks: number[] = [];
  for (let s = 0; s <= span; s += step) ticks.push(s);

  return (
    <section
      aria-label="Timeline"
      data-testid="timeline"
      className="rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
        <h3 className="text-sm font-semibold">Timeline</h3>
        <span className="text-xs text-slate-600 dark:text-slate-400">
          by iat, from {new Date(t0 * 1000).toISOString().replace('.000Z', 'Z')} ({fmtOffset(span)} in all)
          {undated > 0 && ` · ${undated} without iat not shown`}
        </span>
        <div role="group" aria-label="Timeline rows" className="ml-auto flex gap-1 text-xs">
          {(['tasks', 'agents'] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              onClick={() => setMode(m)}
              className={`rounded border px-2 py-0.5 ${
                mode === m
                  ? 'border-sky-600 bg-sky-50 text-sky-900 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-100'
                  : 'border-slate-300 dark:border-slate-700'
              }`}
            >
              {m === 'tasks' ? 'One row per task' : 'One lane per agent'}
            </button>
          ))}
        </div>
      </div>
      {warnings.length > 0 && <Warnings model={model} warnings={warnings} onPick={onPick} />}
      <div className="grid grid-cols-[200px_1fr] border-b border-slate-200 text-[10px] text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <div className="px-2 py-0.5">{mode === 'tasks' ? 'task (agent)' : 'agent'}</div>
        <div className="relative mr-3 h-4">
          {ticks.map((s) => (
            <span
              key={s}
              className="absolute -translate-x-1/2 font-mono"
              style={{ left: `${(s / span) * 100}%` }}
            >
              {fmtOffset(s)}
            </span>
          ))}
        </div>
      </div>
      {mode === 'tasks' ? (
        <TaskRows
          model={model}
          rows={rows}
          pct={pct}
          selectedIndex={selectedIndex}
          onPick={onPick}
          critical={critical}
        />
      ) : (
        <AgentLanes model={model} rows={rows} pct={pct} selectedIndex={selectedIndex} onPick={onPick} />
      )}
    </section>
  );
});

function Warnings({
  model,
  warnings,
  onPick,
}: {
  model: GraphModel;
  warnings: SkewWarning[];
  onPick: (i: number) => void;
}) {
  const violations = warnings.filter((w) => w.kind === 'violation').length;
  const near = warnings.length - violations;
  return (
    <details
      data-testid="skew-warnings"
      className="border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-950 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-100"
      open={warnings.length <= 6}
    >
      <summary className="cursor-pointer font-medium">
        ⚠ Clock skew: {violations} temporal violation{violations === 1 ? '' : 's'} (a child issued before its
        parent, beyond the tolerance) · {near} near miss{near === 1 ? '' : 'es'} (within the clock skew)
      </summary>
      <ul className="mt-1 flex flex-col gap-0.5">
        {warnings.slice(0, 50).map((w) => {
          const c = model.nodes[w.child]!;
          const p = model.nodes[w.parent]!;
          return (
            <li key={`${w.child}-${w.parent}`} data-testid="skew-warning" data-kind={w.kind}>
              <button type="button" className="text-left hover:underline" onClick={() => onPick(w.child)}>
                <span
                  className={`mr-1 rounded px-1 font-mono font-semibold ${
                    w.kind === 'violation'
                      ? 'bg-red-100 text-red-900 dark:bg-red-900/60 dark:text-red-100'
                      : 'bg-amber-200 text-amber-950 dark:bg-amber-800 dark:text-amber-50'
                  }`}
                >
                  {w.kind === 'violation' ? 'temporal_violation' : 'near miss'}
                </span>
                <b>
                  <VisibleText text={c.act ?? c.shortJti} />
                </b>{' '}
                <span className="font-mono">
                  (<VisibleText text={c.shortJti} />)
                </span>{' '}
                was issued {w.seconds} s before its parent{' '}
                <b>
                  <VisibleText text={p.act ?? p.shortJti} />
                </b>{' '}
                <span className="font-mono">
                  (<VisibleText text={p.shortJti} />)
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function TaskRows({
  model,
  rows,
  pct,
  selectedIndex,
  onPick,
  critical,
}: {
  model: GraphModel;
  rows: Row[];
  pct: (t: number) => number;
  selectedIndex: number;
  onPick: (i: number) => void;
  critical: Uint8Array | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns fresh functions each render, which the React Compiler cannot memoize; this app
  // does not use the compiler.
  // oxlint-disable-next-line react/incompatible-library
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 12,
  });
  const rowOf = useMemo(() => {
    const m = new Map<number, number>();
    rows.forEach((r, k) => m.set(r.i, k));
    return m;
  }, [rows]);
  const selectedRow = rowOf.get(selectedIndex);
  useEffect(() => {
    if (selectedRow !== undefined) v.scrollToIndex(selectedRow, { align: 'auto' });
  }, [selectedRow, v]);

  return (
    <div ref={scrollRef} className="max-h-64 overflow-auto" data-testid="timeline-rows">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          const n = model.nodes[r.i]!;
          const isSel = r.i === selectedIndex;
          const back = r.from !== null && r.from > r.iat;
          const a = pct(r.from === null ? r.iat : Math.min(r.from, r.iat));
          const b = pct(r.from === null ? r.iat : Math.max(r.from, r.iat));
          return (
            <button
              key={r.i}
              type="button"
              data-testid="timeline-bar"
              data-key={n.key}
              data-jti={n.jti ?? ''}
              data-skew={r.skew ?? ''}
              data-critical={critical?.[r.i] ? 'true' : undefined}
              aria-pressed={isSel}
              onClick={() => onPick(r.i)}
              title={`${visibleString(n.act ?? '')} ${visibleString(n.jti ?? '')}\niat ${r.iat} (${new Date(r.iat * 1000).toISOString()})${
                r.from !== null
                  ? `\nlatest parent iat ${r.from} (${r.iat - r.from >= 0 ? '+' : ''}${r.iat - r.from} s)`
                  : ''
              }`}
              className={`absolute left-0 grid w-full grid-cols-[200px_1fr] items-center text-left text-xs ${
                isSel
                  ? 'bg-sky-100 ring-2 ring-sky-500 ring-inset dark:bg-sky-950'
                  : 'hover:bg-slate-100 dark:hover:bg-slate-800'
              }`}
              style={{ top: item.start, height: ROW_H }}
            >
              <span className="truncate px-2">
                {critical?.[r.i] ? (
                  <span aria-label="on the critical path" className="text-violet-700 dark:text-violet-300">
                    ◆{' '}
                  </span>
                ) : null}
                {r.skew && (
                  <span
                    aria-label={r.skew === 'violation' ? 'temporal violation' : 'near miss'}
                    className={
                      r.skew === 'violation'
                        ? 'text-red-700 dark:text-red-300'
                        : 'text-amber-700 dark:text-amber-300'
                    }
                  >
                    ⚠{' '}
                  </span>
                )}
                <span className="font-medium">
                  <VisibleText text={n.act ?? '(no exec_act)'} />
                </span>{' '}
                <span className="text-slate-500 dark:text-slate-400">
                  <VisibleText text={n.shortIss} />
                </span>
              </span>
              <span className="relative mr-3 h-full">
                <span
                  className={`absolute top-1/2 h-2.5 -translate-y-1/2 rounded-sm ${
                    critical?.[r.i] ? 'outline-2 outline-violet-600 dark:outline-violet-400 ' : ''
                  }${
                    back
                      ? r.skew === 'violation'
                        ? 'bg-red-600/80 bg-[repeating-linear-gradient(135deg,transparent_0_3px,rgba(255,255,255,.5)_3px_6px)]'
                        : 'bg-amber-500/80 bg-[repeating-linear-gradient(135deg,transparent_0_3px,rgba(255,255,255,.5)_3px_6px)]'
                      : `${BAR_CLASS[n.status]} opacity-60`
                  }`}
                  style={{ left: `${a}%`, width: `max(3px, ${b - a}%)` }}
                />
                <span
                  className={`absolute top-1/2 h-3.5 w-1 -translate-x-1/2 -translate-y-1/2 rounded-sm ${BAR_CLASS[n.status]}`}
                  style={{ left: `${pct(r.iat)}%` }}
                />
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}

const WORST: Record<NodeStatus, number> = { invalid: 3, tainted: 2, valid: 1, ghost: 0 };

function AgentLanes({
  model,
  rows,
  pct,
  selectedIndex,
  onPick,
}: {
  model: GraphModel;
  rows: Row[];
  pct: (t: number) => number;
  selectedIndex: number;
  onPick: (i: number) => void;
}) {
  // Tasks binned per lane (at most BINS marks a lane), each bin showing its worst status.
  const lanes = useMemo(() => {
    const byAgent = new Map<string, { label: string; bins: Map<number, number[]> }>();
    for (const r of rows) {
      const n = model.nodes[r.i]!;
      const k = n.iss ?? '(no iss)';
      let lane = byAgent.get(k);
      if (!lane) {
        lane = { label: n.shortIss, bins: new Map() };
        byAgent.set(k, lane);
      }
      const bin = Math.min(BINS - 1, Math.floor((pct(r.iat) / 100) * BINS));
      const list = lane.bins.get(bin);
      if (list) list.push(r.i);
      else lane.bins.set(bin, [r.i]);
    }
    return [...byAgent].sort((a, b) => a[0].localeCompare(b[0]));
  }, [model, rows, pct]);
  return (
    <div className="max-h-64 overflow-auto" data-testid="timeline-lanes">
      {lanes.map(([iss, lane]) => (
        <div
          key={iss}
          className="grid grid-cols-[200px_1fr] items-center border-b border-slate-100 text-xs dark:border-slate-800"
          style={{ height: ROW_H + 6 }}
        >
          <span className="truncate px-2 font-medium" title={visibleString(iss)}>
            <VisibleText text={lane.label} />
          </span>
          <span className="relative mr-3 h-full">
            {[...lane.bins].map(([bin, members]) => {
              const worst = members.reduce((w, i) =>
                WORST[model.nodes[i]!.status] > WORST[model.nodes[w]!.status] ? i : w,
              );
              const isSel = members.includes(selectedIndex);
              const first = model.nodes[members[0]!]!;
              return (
                <button
                  key={bin}
                  type="button"
                  data-testid="timeline-bar"
                  data-key={members.length === 1 ? first.key : ''}
                  aria-pressed={isSel}
                  aria-label={`${members.length} task${members.length === 1 ? '' : 's'} at ${first.iat}`}
                  title={members
                    .slice(0, 8)
                    .map((i) => visibleString(`${model.nodes[i]!.act ?? ''} ${model.nodes[i]!.shortJti}`))
                    .join('\n')}
                  onClick={() => onPick(isSel ? selectedIndex : members[0]!)}
                  className={`absolute top-1/2 -translate-x-1/2 -translate-y-1/2 rounded-sm ${
                    BAR_CLASS[model.nodes[worst]!.status]
                  } ${isSel ? 'h-5 w-2 ring-2 ring-sky-500' : 'h-3.5 w-1.5'}`}
                  style={{ left: `${((bin + 0.5) / BINS) * 100}%` }}
                />
              );
            })}
          </span>
        </div>
      ))}
    </div>
  );
}

/**
 * The timeline under the graph, Jaeger-style: one row per task (virtualized)
 * or one lane per agent, by `iat`. A task's bar runs from its latest parent's
 * `iat` to its own: how long after its inputs it was recorded. A child issued
 * before its parent draws its bar backwards, red beyond the clock skew (the
 * temporal_violation edges) and amber within it (a near miss). Linked to the
 * graph: clicking a bar selects the node, selecting a node highlights its bar.
 */
import { memo, useCallback, useMemo } from 'react';
import type { GEdge, GraphModel } from './model.ts';
import { AgentLanes, TaskRows, type Row } from './timelineRows.tsx';
import { useGraphView } from './store.ts';
import { VisibleText } from '../../components/VisibleText.tsx';

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

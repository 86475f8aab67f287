/**
 * The timeline's two bodies: one row per task (virtualized, a bar from its latest parent's iat to
 * its own) and one lane per agent (tasks binned, each bin showing its worst status).
 */
import { useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { GraphModel, NodeStatus } from './model.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';

const ROW_H = 22;
const BINS = 400;

export interface Row {
  i: number;
  iat: number;
  /** The latest parent iat, when any parent has one. */
  from: number | null;
  skew: 'violation' | 'near' | null;
}

const BAR_CLASS: Record<NodeStatus, string> = {
  valid: 'bg-emerald-500 dark:bg-emerald-400',
  invalid: 'bg-red-600 dark:bg-red-400',
  tainted: 'bg-amber-500 dark:bg-amber-400',
  ghost: 'bg-slate-400',
};

export function TaskRows({
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
  // Each node's row, for the selection: a typed array of the model's size. A Map of 250,000 rows
  // was about 60 ms of a 266 ms render of this panel (profiled, session 9).
  const rowOf = useMemo(() => {
    const at = new Int32Array(model.nodes.length).fill(-1);
    for (let k = 0; k < rows.length; k++) at[rows[k]!.i] = k;
    return at;
  }, [rows, model]);
  const selectedRow = selectedIndex >= 0 ? (rowOf[selectedIndex] ?? -1) : -1;
  useEffect(() => {
    if (selectedRow >= 0) v.scrollToIndex(selectedRow, { align: 'auto' });
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

export function AgentLanes({
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

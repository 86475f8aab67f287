/**
 * In the side panel: show only a node's upstream, downstream or both, to a
 * depth; and for a tainted task, its root cause (the invalid ancestors that
 * taint it and the paths from them) in one click. Both write the selection
 * query, so the address carries them and the query field shows them.
 */
import { useId, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import type { GraphModel } from './model.ts';
import { lineageQuery } from './selection.ts';
import { useGraphView } from './store.ts';
import { taintSources } from './traverse.ts';

const DEPTHS = [1, 2, 3, 5, Infinity] as const;

export function LineageControls({ model, i }: { model: GraphModel; i: number }) {
  const n = model.nodes[i]!;
  const [depth, setDepth] = useState<number>(Infinity);
  const depthId = useId();
  if (n.jti === null) return null;
  const jti = n.jti;
  // The new view is fitted when it is drawn: the whole lineage in sight, the node still selected.
  const show = (up: boolean, down: boolean) =>
    useGraphView.getState().setView({ query: lineageQuery(jti, up ? depth : 0, down ? depth : 0) });
  return (
    <section aria-label="Lineage" className="flex flex-col gap-1" data-testid="lineage-controls">
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        Show only its lineage
      </h4>
      <div className="flex flex-wrap items-center gap-1">
        <Button onClick={() => show(true, false)} className="py-0.5 text-xs">
          Upstream
        </Button>
        <Button onClick={() => show(false, true)} className="py-0.5 text-xs">
          Downstream
        </Button>
        <Button onClick={() => show(true, true)} className="py-0.5 text-xs">
          Both
        </Button>
        <label htmlFor={depthId} className="ml-1 text-xs text-slate-600 dark:text-slate-400">
          depth
        </label>
        <select
          id={depthId}
          value={String(depth)}
          onChange={(e) => setDepth(Number(e.target.value))}
          className="rounded-md border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-700 dark:bg-slate-900"
        >
          {DEPTHS.map((d) => (
            <option key={d} value={String(d)}>
              {d === Infinity ? 'all' : d}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

/** For a tainted task: the invalid ancestors that taint it and the paths to it, the nearest selected. */
export function RootCauseButton({ model, i }: { model: GraphModel; i: number }) {
  const n = model.nodes[i]!;
  if (n.status !== 'tainted' || n.jti === null) return null;
  const jti = n.jti;
  return (
    <Button
      variant="primary"
      className="mt-1 py-0.5 text-xs"
      data-testid="root-cause"
      onClick={() => {
        // Only the causes and the paths from them are drawn, fitted; the nearest cause selected.
        const sources = taintSources(model, i);
        const st = useGraphView.getState();
        st.setQuery(`cause:${/[\s()+"]/.test(jti) ? `"${jti}"` : jti}`);
        if (sources.length) st.select(model.nodes[sources[0]!]!.key);
      }}
    >
      Show the root cause
    </Button>
  );
}

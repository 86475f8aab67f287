/**
 * Comparing the open ledger (A) with another (B): the menu that picks B, and
 * the bar that says what differs, with one click to show only the differences.
 */
import { useId } from 'react';
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { Menu } from './Menu.tsx';
import { useGraphView } from './store.ts';
import type { CompareState } from './useCompare.ts';

export function CompareMenu({ current }: { current: string | null }) {
  const ledgers = useLedgers((s) => s.ledgers);
  const compare = useGraphView((s) => s.compare);
  const id = useId();
  const others = ledgers.filter((l) => l.id !== current);
  return (
    <Menu label="Compare" title="Compare this ledger with another: the structural diff as one graph">
      {(close) =>
        others.length === 0 ? (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            There is no other ledger to compare with. Make one in the Ledger tab, or keep a second run in
            Simulate.
          </p>
        ) : (
          <div className="flex flex-col gap-1 text-xs text-slate-600 dark:text-slate-400">
            <label htmlFor={id}>Compare this ledger (A) with (B)</label>
            <select
              id={id}
              value={compare ?? ''}
              onChange={(e) => {
                useGraphView.getState().setCompare(e.target.value || null);
                close();
              }}
              className="rounded-md border border-slate-300 bg-white px-1 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            >
              <option value="">nothing (no comparison)</option>
              {others.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
            <p>
              Tasks are matched by jti: only in A dashed blue, only in B green, a changed verdict magenta.
            </p>
          </div>
        )
      }
    </Menu>
  );
}

export function CompareBar({ state, nameA }: { state: CompareState; nameA: string }) {
  const query = useGraphView((s) => s.query);
  const setQuery = useGraphView((s) => s.setQuery);
  const setCompare = useGraphView((s) => s.setCompare);
  const onlyDiffs = query === 'not diff:same';
  return (
    <div
      role="status"
      data-testid="compare-bar"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-fuchsia-300 bg-fuchsia-50 px-3 py-1 text-sm text-fuchsia-950 dark:border-fuchsia-800 dark:bg-fuchsia-950/40 dark:text-fuchsia-100"
    >
      {state.status === 'loading' && <span>Reading and auditing the ledger to compare with…</span>}
      {state.status === 'error' && <span role="alert">{state.message}</span>}
      {state.status === 'ready' && (
        <span className="min-w-0 flex-1" data-testid="compare-summary">
          Comparing <b>A</b> <VisibleText text={nameA} /> with <b>B</b> <VisibleText text={state.name} />:{' '}
          <span data-testid="diff-onlyA">{state.model.diffCounts.onlyA} only in A</span> ·{' '}
          <span data-testid="diff-onlyB">{state.model.diffCounts.onlyB} only in B</span> ·{' '}
          <span data-testid="diff-changed">{state.model.diffCounts.changed} changed verdicts</span> ·{' '}
          {state.model.diffCounts.same} the same
          {state.model.diffCounts.edgesOnlyA + state.model.diffCounts.edgesOnlyB > 0 &&
            ` · edges: ${state.model.diffCounts.edgesOnlyA} only in A, ${state.model.diffCounts.edgesOnlyB} only in B`}
        </span>
      )}
      {state.status === 'ready' && (
        <Button
          onClick={() => setQuery(onlyDiffs ? '' : 'not diff:same')}
          aria-pressed={onlyDiffs}
          className="px-2 py-0.5 text-xs"
        >
          {onlyDiffs ? 'Show everything' : 'Only the differences'}
        </Button>
      )}
      <Button onClick={() => setCompare(null)} className="px-2 py-0.5 text-xs">
        Stop comparing
      </Button>
    </div>
  );
}

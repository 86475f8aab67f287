/**
 * Stepping through the violations: the list of every one (code, task, edge),
 * a stepper for the top bar, and the keys (n / p, or ] / [) that move to the
 * next and previous one from anywhere on the Graph tab. Each step selects the
 * task and centres and zooms on it, framing the other end of an edge.
 */
import { memo, useCallback, useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import type { GraphModel } from './model.ts';
import { revealNode } from './reveal.ts';
import { useGraphView } from './store.ts';
import type { ViolationItem } from './violations.ts';

const ROW_H = 40;

/** Shows violation k: selects its task and frames its edge. */
export function useViolationNav(model: GraphModel, items: readonly ViolationItem[]) {
  const current = useGraphView((s) => s.violation);
  const go = useCallback(
    (k: number) => {
      if (!items.length) return;
      const at = ((k % items.length) + items.length) % items.length;
      const item = items[at]!;
      useGraphView.getState().setViolation(at);
      revealNode(model, item.node, { frame: item.parent >= 0 ? [item.parent] : [] });
    },
    [model, items],
  );
  const next = useCallback(() => go(current === null ? 0 : current + 1), [go, current]);
  const prev = useCallback(() => go(current === null ? items.length - 1 : current - 1), [go, current, items]);
  return { current: current !== null && current < items.length ? current : null, go, next, prev };
}

/** n / ] next, p / [ previous, unless typing in a field. */
export function useViolationKeys(next: () => void, prev: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (e.key === 'n' || e.key === ']') {
        e.preventDefault();
        next();
      } else if (e.key === 'p' || e.key === '[') {
        e.preventDefault();
        prev();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [next, prev]);
}

/** ‹ 3 / 9 › in the top bar. */
export function ViolationStepper({
  count,
  current,
  next,
  prev,
}: {
  count: number;
  current: number | null;
  next: () => void;
  prev: () => void;
}) {
  if (!count) return null;
  return (
    <div
      role="group"
      aria-label="Step through the violations"
      className="flex items-center gap-1 text-xs text-slate-700 dark:text-slate-300"
    >
      <Button
        onClick={prev}
        aria-label="Previous violation"
        title="Previous violation (p)"
        className="px-2 py-0.5"
      >
        ‹
      </Button>
      <span className="whitespace-nowrap tabular-nums" data-testid="violation-position">
        {current === null
          ? `${count.toLocaleString('en')} violations`
          : `violation ${current + 1} of ${count}`}
      </span>
      <Button onClick={next} aria-label="Next violation" title="Next violation (n)" className="px-2 py-0.5">
        ›
      </Button>
    </div>
  );
}

export const ViolationsPanel = memo(function ViolationsPanel({
  model,
  items,
  current,
  go,
}: {
  model: GraphModel;
  items: readonly ViolationItem[];
  current: number | null;
  go: (k: number) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The React Compiler cannot memoize around TanStack Virtual; this app does not use the compiler.
  // oxlint-disable-next-line react/incompatible-library
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 8,
  });
  useEffect(() => {
    if (current !== null) v.scrollToIndex(current, { align: 'auto' });
  }, [current, v]);
  if (!items.length) {
    return (
      <p className="text-sm text-emerald-800 dark:text-emerald-300" data-testid="violations-none">
        No violation: every token verifies and every edge satisfies the DAG rules.
      </p>
    );
  }
  return (
    <div className="flex min-h-0 flex-1 flex-col gap-1" data-testid="violations-panel">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {items.length.toLocaleString('en')} violation{items.length === 1 ? '' : 's'}, in ledger order. Keys:{' '}
        <kbd>n</kbd> next, <kbd>p</kbd> previous.
      </p>
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto" role="list" aria-label="Violations">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((row) => {
            const item = items[row.index]!;
            const n = model.nodes[item.node];
            const on = row.index === current;
            return (
              <div
                key={row.index}
                role="listitem"
                className="absolute left-0 w-full"
                style={{ top: row.start, height: ROW_H }}
              >
                <button
                  type="button"
                  onClick={() => go(row.index)}
                  aria-current={on ? 'true' : undefined}
                  data-testid="violation-item"
                  data-code={item.code}
                  data-jti={n?.jti ?? ''}
                  title={item.message}
                  className={`flex h-full w-full flex-col justify-center rounded px-1.5 text-left text-xs ${
                    on
                      ? 'bg-sky-100 ring-2 ring-sky-500 ring-inset dark:bg-sky-950'
                      : 'hover:bg-slate-100 dark:hover:bg-slate-800'
                  }`}
                >
                  <span className="flex items-baseline gap-1">
                    <code className="rounded bg-red-100 px-1 font-mono text-[11px] font-semibold text-red-900 dark:bg-red-900/60 dark:text-red-100">
                      {item.code}
                    </code>
                    <span className="truncate font-medium">
                      <VisibleText text={n?.act ?? '(no exec_act)'} />
                    </span>
                  </span>
                  <span className="truncate font-mono text-[11px] text-slate-500 dark:text-slate-400">
                    <VisibleText text={n?.shortJti ?? ''} />
                    {item.pred !== null && (
                      <>
                        {' '}
                        ← edge from <VisibleText text={shortPred(item.pred)} />
                      </>
                    )}
                  </span>
                </button>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});

const shortPred = (p: string) => (p.length > 9 ? `${p.slice(0, 8)}…` : p);

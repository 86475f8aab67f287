/**
 * The Graph tab's explorer, a full-height workspace: a compact top bar (the
 * counts, find, the violation stepper, menus), the canvas (React Flow) between
 * a folding panel on the left (view controls, violations, legend) and the
 * details of the selection on the right, the timeline folding under it. At
 * narrow widths the panels lie over the canvas instead of beside it.
 *
 * It only composes parts with one job each: what is drawn (useScene), the
 * layout in a worker (useLayout), React Flow's elements (useFlowElements), the
 * viewport (useViewport), the address (useGraphRoute), the violations
 * (useViolationNav), the exports (useExport), and the components around the
 * canvas (TopBar, ToolPanel, GraphCanvas, SidePanel or DiffDetail, Timeline,
 * StatusBar).
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { AuditReport } from 'wimse-ect';
import { useLedgers } from '../../state/ledgers.ts';
import type { GraphModel } from './model.ts';
import { CompareBar } from './Compare.tsx';
import { DiffDetail } from './DiffDetail.tsx';
import { GraphCanvas } from './GraphCanvas.tsx';
import { revealNode } from './reveal.ts';
import { SidePanel } from './SidePanel.tsx';
import { ChainBreakBanner, Notice, StatusBar, ViewNote } from './StatusBar.tsx';
import { useGraphView } from './store.ts';
import { Timeline } from './Timeline.tsx';
import { ToolPanel } from './ToolPanel.tsx';
import { TopBar } from './TopBar.tsx';
import { useExport } from './useExport.ts';
import { useFlowElements } from './useFlowElements.ts';
import { useGraphRoute } from './useGraphRoute.ts';
import { useLayout } from './useLayout.ts';
import { useLedgerProblems } from './useLedgerProblems.ts';
import { useScene } from './useScene.ts';
import { useViewport } from './useViewport.ts';
import { violationItems } from './violations.ts';
import { useViolationKeys, useViolationNav } from './ViolationsPanel.tsx';

export function Explorer({ audit, base: built }: { audit: AuditReport; base: GraphModel }) {
  const { base, model, cmp, comparing, query, visible, visibleCount, paths, plan, view } = useScene(
    audit,
    built,
  );
  const direction = useGraphView((s) => s.direction);
  const selected = useGraphView((s) => s.selected);
  const frame = useGraphView((s) => s.frame);
  const centerTick = useGraphView((s) => s.centerTick);
  const timelineOpen = useGraphView((s) => s.timelineOpen);
  const ledgerName = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.name ?? null);
  const ledger = useLedgerProblems(audit);

  const { layout, error: layoutError, done } = useLayout(model, view, direction);
  // In a comparison, model indices are not the audit's: no entry's ledger problems to mark.
  const { nodes, edges, focus, onExpand } = useFlowElements({
    layout,
    selected,
    paths,
    problemsAt: comparing ? null : ledger.problemsAt,
  });

  const reveal = useCallback((i: number) => revealNode(model, i), [model]);
  const notice = useGraphRoute(model);
  useEscapeClears();

  // The violations are those of the open ledger (a comparison marks its differences instead).
  const items = useMemo(() => (comparing ? [] : violationItems(audit, base)), [comparing, audit, base]);
  const nav = useViolationNav(model, items);
  useViolationKeys(nav.next, nav.prev);

  const canvasRef = useRef<HTMLDivElement>(null);
  useViewport({ layout, done, selected, frame, centerTick, canvasRef });
  const exp = useExport({ audit, model, layout, focus, ledgerName });

  const selectedGroup = useMemo(() => {
    if (selected === null || !layout) return null;
    const vi = layout.view.byKey.get(selected);
    const v = vi === undefined ? undefined : layout.view.nodes[vi];
    return v?.kind === 'group' ? v.group : null;
  }, [selected, layout]);
  const detailsOpen = selected !== null && (model.byKey.has(selected) || selectedGroup !== null);
  const close = () => useGraphView.getState().select(null);

  return (
    <div className="flex h-full min-h-0 flex-col gap-2" data-testid="graph-workspace">
      <TopBar
        model={model}
        ledgerName={ledgerName}
        violations={{ count: items.length, current: nav.current, next: nav.next, prev: nav.prev }}
        onPick={reveal}
        onExport={exp.exportAs}
        exporting={exp.exporting}
        comparing={comparing}
      />
      <ChainBreakBanner
        chainBreak={ledger.chainBreak}
        count={ledger.count}
        breakSeq={ledger.breakSeq}
        onShow={() => reveal(ledger.breakIndex)}
      />
      {comparing && <CompareBar state={cmp} nameA={ledgerName ?? 'the open ledger'} />}
      <Notice text={notice ?? exp.error ?? layoutError} />
      <ViewNote plan={plan} view={view} visibleCount={visibleCount} model={model} query={query} />
      <div className="relative flex min-h-0 flex-1 gap-2">
        <ToolPanel model={model} items={items} current={nav.current} go={nav.go} comparing={comparing} />
        <GraphCanvas
          canvasRef={canvasRef}
          nodes={nodes}
          edges={edges}
          focus={focus}
          layout={layout}
          done={done}
          direction={direction}
          viewSize={view.nodes.length}
          onExpand={onExpand}
        />
        {detailsOpen && (
          <div className="absolute inset-y-0 right-0 z-30 flex w-full max-w-[28rem] min-w-0 flex-col lg:static lg:w-[420px] lg:shrink-0">
            {cmp.status === 'ready' ? (
              <DiffDetail
                model={model}
                selected={selected}
                names={{ a: ledgerName ?? 'A', b: cmp.name }}
                onClose={close}
              />
            ) : (
              <SidePanel
                model={model}
                audit={audit}
                selected={selected}
                group={selectedGroup}
                ledgerProblems={ledger.problemsAt}
                onPick={reveal}
                onExpand={onExpand}
                onClose={close}
              />
            )}
          </div>
        )}
      </div>
      {timelineOpen && (
        <div className="max-h-[32%] shrink-0 overflow-y-auto">
          <Timeline model={model} visible={visible} onPick={reveal} critical={paths?.nodes ?? null} />
        </div>
      )}
      <StatusBar layout={layout} />
    </div>
  );
}

/** Escape clears the selection. */
function useEscapeClears() {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && useGraphView.getState().selected !== null)
        useGraphView.getState().select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

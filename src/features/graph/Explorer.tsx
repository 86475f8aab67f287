/**
 * The Graph tab's explorer: the ledger's audit as a DAG (React Flow), with
 * its toolbar, legend, side panel and timeline. It composes the parts, each
 * with one job: the model and view (model.ts), the layout in a worker
 * (useLayout), React Flow's elements (flowElements.ts), the viewport
 * (useViewport), the address (useGraphRoute) and the exports (useExport).
 */
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { Background, Controls, MiniMap, Panel, ReactFlow, useStore, type Node } from '@xyflow/react';
import type { AuditReport } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import { flowEdges, flowNodes, focusEdges, focusNodes, focusOf } from './flowElements.ts';
import { Legend } from './Legend.tsx';
import {
  AUTO_GROUP_THRESHOLD,
  buildModel,
  buildView,
  countVisible,
  effectiveMode,
  visibleNodes,
} from './model.ts';
import { edgeTypes, nodeTypes } from './nodes.tsx';
import { SidePanel } from './SidePanel.tsx';
import { revealNode, useGraphView } from './store.ts';
import { Summary } from './Summary.tsx';
import { Timeline } from './Timeline.tsx';
import { Toolbar } from './Toolbar.tsx';
import { useExport } from './useExport.ts';
import { useGraphRoute } from './useGraphRoute.ts';
import { useLayout } from './useLayout.ts';
import { FIT, useViewport } from './useViewport.ts';

/**
 * Above this many drawn nodes, only those in the viewport are mounted, except zoomed far out
 * (low detail), where nearly all are in view anyway and culling would re-render on every pan frame.
 */
const CULL_ABOVE = 300;
/** Below this zoom, node text is unreadable: nodes become plain status blocks. */
const LOW_DETAIL_ZOOM = 0.35;

const MINIMAP_COLOR: Record<string, string> = {
  valid: '#10b981',
  invalid: '#dc2626',
  tainted: '#f59e0b',
  ghost: '#94a3b8',
  group: '#0284c7',
};
function minimapColor(node: Node): string {
  const d = node.data as { node?: { status: string } };
  return MINIMAP_COLOR[node.type === 'cluster' ? 'group' : (d.node?.status ?? 'valid')] ?? '#94a3b8';
}

export function Explorer({ audit }: { audit: AuditReport }) {
  const clockSkew = useVerifierSettings((s) => s.settings.clockSkew);
  const model = useMemo(() => buildModel(audit, clockSkew), [audit, clockSkew]);
  const filters = useGraphView((s) => s.filters);
  const grouping = useGraphView((s) => s.grouping);
  const expanded = useGraphView((s) => s.expanded);
  const direction = useGraphView((s) => s.direction);
  const selected = useGraphView((s) => s.selected);
  const centerTick = useGraphView((s) => s.centerTick);
  const ledgerName = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.name ?? null);
  // Where the ledger's hash chain breaks (an entry changed after it was appended): its node is marked.
  const chainBreak = useLedgers((s) => s.chain?.firstBreak ?? null);
  const entries = useLedgers((s) => s.entries);
  const breakIndex = useMemo(() => {
    if (!chainBreak || entries.length !== audit.nodes.length) return -1;
    const guess = chainBreak.seq - 1;
    return entries[guess]?.seq === chainBreak.seq
      ? guess
      : entries.findIndex((e) => e.seq === chainBreak.seq);
  }, [chainBreak, entries, audit]);
  const breakAt = useMemo(
    () => (breakIndex >= 0 && chainBreak ? { index: breakIndex, message: chainBreak.message } : null),
    [breakIndex, chainBreak],
  );

  const visible = useMemo(() => visibleNodes(model, filters), [model, filters]);
  const visibleCount = useMemo(() => countVisible(visible), [visible]);
  const mode = effectiveMode(grouping, visibleCount);
  const view = useMemo(() => buildView(model, visible, mode, expanded), [model, visible, mode, expanded]);

  const { layout, error: layoutError, done: layoutDone } = useLayout(model, view, direction);

  // React Flow's nodes and edges: built once per layout; a selection only re-classes the related ones.
  const onExpand = useCallback((key: string) => useGraphView.getState().expand(key), []);
  const baseNodes = useMemo(
    () => (layout ? flowNodes(layout, { onExpand, chainBreak: breakAt }) : []),
    [layout, onExpand, breakAt],
  );
  const baseEdges = useMemo(() => (layout ? flowEdges(layout) : []), [layout]);
  const focus = useMemo(() => (layout ? focusOf(layout, selected) : null), [layout, selected]);
  const nodes = useMemo(() => focusNodes(baseNodes, focus), [baseNodes, focus]);
  const edges = useMemo(() => focusEdges(baseEdges, layout, focus), [baseEdges, layout, focus]);

  const reveal = useCallback((i: number) => revealNode(model, i), [model]);
  const notice = useGraphRoute(model, selected);
  useEscapeClears();

  const canvasRef = useRef<HTMLDivElement>(null);
  useViewport({ layout, selected, centerTick, canvasRef });
  // Zoomed far out, nodes are drawn as plain status blocks (CSS only: no node re-renders).
  const lowDetail = useStore((st) => st.transform[2] < LOW_DETAIL_ZOOM);

  const { exportAs, exporting, error: exportError } = useExport({ audit, model, layout, focus, ledgerName });

  const onCanvasKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    if (!el?.dataset.id) return;
    e.preventDefault();
    useGraphView.getState().select(el.dataset.id);
  };

  const selectedGroup = useMemo(() => {
    if (selected === null || !layout) return null;
    const vi = layout.view.byKey.get(selected);
    const v = vi === undefined ? undefined : layout.view.nodes[vi];
    return v?.kind === 'group' ? v.group : null;
  }, [selected, layout]);
  const panelOpen = selected !== null && (model.byKey.has(selected) || selectedGroup !== null);
  const groups = view.nodes.filter((v) => v.kind === 'group').length;

  return (
    <>
      <Summary model={model} ledgerName={ledgerName} />
      <Toolbar model={model} onPick={reveal} onExport={exportAs} exporting={exporting} />
      <Legend />
      {chainBreak && breakIndex >= 0 && (
        <div
          role="alert"
          data-testid="graph-chain-break"
          className="flex flex-wrap items-center gap-2 rounded-md border border-violet-400 bg-violet-50 px-3 py-1.5 text-sm text-violet-950 dark:border-violet-700 dark:bg-violet-950/40 dark:text-violet-100"
        >
          <span className="min-w-0 flex-1">
            <strong>The ledger's hash chain breaks at entry #{chainBreak.seq}:</strong>{' '}
            <VisibleText text={chainBreak.message} /> What this graph draws from that entry on is not proven
            by the ledger.
          </span>
          <Button onClick={() => reveal(breakIndex)}>Show entry #{chainBreak.seq}</Button>
        </div>
      )}
      {(notice || exportError || layoutError) && (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
        >
          {notice ?? exportError ?? layoutError}
        </p>
      )}
      {(mode !== 'none' || view.hidden > 0 || view.nodes.length > AUTO_GROUP_THRESHOLD) && (
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="graph-view-note">
          {view.hidden > 0 && `${view.hidden.toLocaleString('en')} nodes hidden by the filters. `}
          {mode !== 'none' &&
            `${visibleCount.toLocaleString('en')} nodes ${
              grouping === 'auto' ? `(more than ${AUTO_GROUP_THRESHOLD.toLocaleString('en')}) ` : ''
            }collapsed by ${mode === 'iss' ? 'agent' : 'workflow'} into ${groups} group${
              groups === 1 ? '' : 's'
            }: expand a group (or pick a node in the timeline or the search) to see its tokens.`}
          {mode === 'none' &&
            view.nodes.length > AUTO_GROUP_THRESHOLD &&
            `${view.nodes.length.toLocaleString('en')} nodes drawn one by one: panning the whole graph will be slow. Group by agent or workflow for an overview.`}
        </p>
      )}
      <div className={`grid gap-3 ${panelOpen ? 'lg:grid-cols-[minmax(0,1fr)_460px]' : ''}`}>
        <div
          ref={canvasRef}
          className={`ect-graph relative h-[72vh] min-h-[460px] overflow-hidden rounded-md border border-slate-200 dark:border-slate-800 ${
            focus ? 'has-focus' : ''
          } ${lowDetail ? 'lod-low' : ''}`}
          data-testid="graph-canvas"
          data-layout={layoutDone ? 'done' : 'running'}
          data-nodes={layout?.view.nodes.length ?? 0}
          data-layout-ms={layout ? layout.ms.toFixed(1) : ''}
          data-direction={layout?.direction ?? direction}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodeClick={(_, node) => useGraphView.getState().select(node.id)}
            onNodeDoubleClick={(_, node) => {
              if (node.type === 'cluster') onExpand(node.id);
            }}
            onPaneClick={() => useGraphView.getState().select(null)}
            onKeyDown={onCanvasKey}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            onlyRenderVisibleElements={nodes.length > CULL_ABOVE && !lowDetail}
            minZoom={0.02}
            maxZoom={2}
            fitViewOptions={FIT}
            colorMode="system"
            aria-label="Workflow graph"
          >
            {!lowDetail && <Background gap={24} size={1} />}
            <Controls showInteractive={false} />
            {nodes.length <= 2000 && (
              <MiniMap
                pannable
                zoomable
                nodeColor={minimapColor}
                nodeStrokeWidth={0}
                ariaLabel="Overview of the graph"
              />
            )}
            {!layoutDone && (
              <Panel position="top-center">
                <span
                  className="rounded bg-white/90 px-2 py-1 text-xs shadow dark:bg-slate-900/90"
                  aria-live="polite"
                >
                  Laying out {view.nodes.length.toLocaleString('en')} nodes…
                </span>
              </Panel>
            )}
          </ReactFlow>
        </div>
        {panelOpen && (
          <div className="lg:h-[72vh] lg:min-h-[460px]">
            <SidePanel
              model={model}
              audit={audit}
              selected={selected}
              group={selectedGroup}
              chainBreak={breakAt}
              onPick={reveal}
              onExpand={onExpand}
              onClose={() => useGraphView.getState().select(null)}
            />
          </div>
        )}
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="layout-status">
        {layout
          ? `${layout.view.nodes.length.toLocaleString('en')} nodes and ${layout.view.edges.length.toLocaleString(
              'en',
            )} edges laid out in ${layout.ms.toFixed(0)} ms (in a worker)`
          : 'Laying out…'}
        . Drag the background to pan, scroll to zoom; Tab moves between nodes, Enter selects, Escape clears.
      </p>
      <Timeline model={model} visible={visible} onPick={reveal} />
    </>
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

/**
 * The canvas: React Flow with the graph's nodes and edges, its zoom controls
 * and overview map. Above CULL_ABOVE drawn nodes only those in the viewport
 * are mounted; zoomed far out, nodes become plain status blocks (CSS only).
 */
import type { KeyboardEvent, RefObject } from 'react';
import { Background, Controls, MiniMap, Panel, ReactFlow, useStore, type Node } from '@xyflow/react';
import type { Focus, Laid } from './flowElements.ts';
import type { Direction } from './layout/layered.ts';
import { edgeTypes, nodeTypes, type EctEdgeType, type GraphNodeType } from './nodes.tsx';
import { useGraphView } from './store.ts';

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

/** Enter or Space on a focused node selects it. */
function onCanvasKey(e: KeyboardEvent<HTMLDivElement>) {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
  if (!el?.dataset.id) return;
  e.preventDefault();
  useGraphView.getState().select(el.dataset.id);
}

export function GraphCanvas({
  canvasRef,
  nodes,
  edges,
  focus,
  layout,
  done,
  direction,
  viewSize,
  onExpand,
}: {
  canvasRef: RefObject<HTMLDivElement | null>;
  nodes: GraphNodeType[];
  edges: EctEdgeType[];
  focus: Focus | null;
  layout: Laid | null;
  /** Whether the layout is of the view drawn now. */
  done: boolean;
  direction: Direction;
  /** Nodes in the view being laid out. */
  viewSize: number;
  onExpand: (key: string) => void;
}) {
  // Zoomed far out, nodes are drawn as plain status blocks (CSS only: no node re-renders).
  const lowDetail = useStore((st) => st.transform[2] < LOW_DETAIL_ZOOM);
  return (
    <div
      ref={canvasRef}
      className={`ect-graph relative min-h-[240px] min-w-0 flex-1 overflow-hidden rounded-md border border-slate-200 dark:border-slate-800 ${
        focus ? 'has-focus' : ''
      } ${lowDetail ? 'lod-low' : ''}`}
      data-testid="graph-canvas"
      data-layout={done ? 'done' : 'running'}
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
        colorMode="system"
        aria-label="Workflow graph"
      >
        {!lowDetail && <Background gap={24} size={1} />}
        <Controls showInteractive={false} position="top-left" />
        {nodes.length <= 2000 && (
          <MiniMap
            pannable
            zoomable
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            ariaLabel="Overview of the graph"
            className="max-sm:!hidden"
          />
        )}
        {!done && (
          <Panel position="top-center">
            <span
              className="rounded bg-white/90 px-2 py-1 text-xs shadow dark:bg-slate-900/90"
              aria-live="polite"
            >
              Laying out {viewSize.toLocaleString('en')} nodes…
            </span>
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}

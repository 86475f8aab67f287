/**
 * A small DAG drawn with React Flow, read-only, for views that show a few dozen tasks already laid
 * out (the simulator's run, the Learn replay). The caller gives positions, a memoized node body and
 * coloured edges; this draws them, left to right, and fits the view whenever the node set changes.
 * The Graph tab has its own, heavier explorer.
 */
// oxlint-disable-next-line import/no-unassigned-import
import '@xyflow/react/dist/style.css';
import { memo, useEffect, useMemo, type ComponentType } from 'react';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';

export interface MiniDagNode {
  id: string;
  x: number;
  y: number;
  /** Fixed sizes spare React Flow a measuring pass; omit them to have the body measured. */
  width?: number;
  height?: number;
  /** What a screen reader says for the node. */
  ariaLabel: string;
}

export interface MiniDagEdge {
  id: string;
  source: string;
  target: string;
  color: string;
  dashed?: boolean;
  label?: string;
}

export interface MiniDagProps<N extends MiniDagNode> {
  nodes: readonly N[];
  edges: readonly MiniDagEdge[];
  /** The node's content; memoize it (it renders once per node). */
  NodeView: ComponentType<{ node: N }>;
  ariaLabel: string;
  fitPadding?: number;
  minZoom?: number;
  onNodeClick?: (node: N) => void;
}

// The body component rides in each node's data, so one module-level node type serves every caller
// (React Flow wants nodeTypes stable across renders).
type FlowNode<N = MiniDagNode> = Node<{ node: N; View: ComponentType<{ node: N }> }, 'mini'>;

const MiniNode = memo(function MiniNode({ data }: NodeProps<FlowNode>) {
  const { View, node } = data;
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="!opacity-0" />
      <View node={node} />
      <Handle type="source" position={Position.Right} isConnectable={false} className="!opacity-0" />
    </>
  );
});

const nodeTypes = { mini: MiniNode };

export function MiniDag<N extends MiniDagNode>(props: MiniDagProps<N>) {
  return (
    <ReactFlowProvider>
      <Flow {...props} />
    </ReactFlowProvider>
  );
}

function Flow<N extends MiniDagNode>({
  nodes,
  edges,
  NodeView,
  ariaLabel,
  fitPadding = 0.12,
  minZoom = 0.1,
  onNodeClick,
}: MiniDagProps<N>) {
  const rfNodes = useMemo<FlowNode<N>[]>(
    () =>
      nodes.map((n) => ({
        id: n.id,
        type: 'mini',
        position: { x: n.x, y: n.y },
        ...(n.width !== undefined ? { width: n.width } : {}),
        ...(n.height !== undefined ? { height: n.height } : {}),
        data: { node: n, View: NodeView },
        ariaLabel: n.ariaLabel,
      })),
    [nodes, NodeView],
  );
  const rfEdges = useMemo<Edge[]>(
    () =>
      edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        style: { stroke: e.color, strokeWidth: 2, ...(e.dashed ? { strokeDasharray: '5 4' } : {}) },
        markerEnd: { type: MarkerType.ArrowClosed, color: e.color },
        ...(e.label ? { label: e.label, labelStyle: { fontSize: 10 } } : {}),
      })),
    [edges],
  );
  return (
    <ReactFlow
      nodes={rfNodes}
      edges={rfEdges}
      nodeTypes={nodeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      edgesFocusable={false}
      onNodeClick={onNodeClick ? (_, node) => onNodeClick((node as FlowNode<N>).data.node) : undefined}
      fitView
      fitViewOptions={{ padding: fitPadding, maxZoom: 1.1 }}
      minZoom={minZoom}
      maxZoom={1.5}
      colorMode="system"
      aria-label={ariaLabel}
    >
      <Background gap={20} size={1} />
      <Controls showInteractive={false} />
      <FitOnChange signature={`${nodes.length}:${nodes.at(-1)?.id ?? ''}`} padding={fitPadding} />
    </ReactFlow>
  );
}

/**
 * Re-fits the view whenever the set of nodes changes. React Flow queues the fit until the new
 * nodes are measured (its `nodesInitialized` does not turn true again for a controlled flow).
 */
function FitOnChange({ signature, padding }: { signature: string; padding: number }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (signature) void fitView({ padding, maxZoom: 1.1 });
  }, [signature, padding, fitView]);
  return null;
}

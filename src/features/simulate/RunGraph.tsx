/** The DAG growing live, drawn with React Flow: nodes coloured by verdict, edges from pred. */
import { memo, useMemo } from 'react';
import { MiniDag, type MiniDagEdge, type MiniDagNode } from '../../components/MiniDag.tsx';
import { buildRunGraph, type NodeStatus, type RunEdge, type RunNode } from './graphModel.ts';
import { useSimulate } from './store.ts';
import { Panel } from './ui.tsx';

type SimNode = RunNode & MiniDagNode;

const NODE_STYLE: Readonly<Record<NodeStatus, { box: string; mark: string; text: string }>> = {
  accepted: {
    box: 'border-emerald-500 bg-white dark:border-emerald-500 dark:bg-slate-900',
    mark: 'text-emerald-700 dark:text-emerald-300',
    text: '✓ valid',
  },
  partial: {
    box: 'border-amber-500 bg-amber-50 dark:border-amber-500 dark:bg-amber-950/60',
    mark: 'text-amber-800 dark:text-amber-300',
    text: '◐ partial',
  },
  refused: {
    box: 'border-red-500 bg-red-50 dark:border-red-500 dark:bg-red-950/60',
    mark: 'text-red-800 dark:text-red-300',
    text: '✗ refused',
  },
  blocked: {
    box: 'border-dashed border-slate-400 bg-slate-50 dark:border-slate-600 dark:bg-slate-900',
    mark: 'text-slate-600 dark:text-slate-400',
    text: '– not sent',
  },
  ghost: {
    box: 'border-dashed border-red-400 bg-white dark:border-red-700 dark:bg-slate-950',
    mark: 'text-red-700 dark:text-red-300',
    text: '? unknown jti',
  },
};

const NODE_W = 200;
const NODE_H = 60;

const EDGE_COLOR: Readonly<Record<RunEdge['kind'], string>> = {
  ok: '#10b981',
  unresolved: '#f59e0b',
  refused: '#ef4444',
  blocked: '#94a3b8',
  ghost: '#ef4444',
};

const SimNodeView = memo(function SimNodeView({ node: n }: { node: SimNode }) {
  const style = NODE_STYLE[n.status];
  return (
    <div
      className={`h-[60px] w-[200px] overflow-hidden rounded-md border-2 px-2 py-1 text-left text-slate-900 dark:text-slate-100 ${style.box}`}
      data-testid="sim-node"
      data-id={n.id}
      data-status={n.status}
      title={[n.sub, n.code].filter(Boolean).join(' · ')}
    >
      <div className="flex items-baseline gap-1">
        <span className="truncate text-xs font-semibold">{n.label}</span>
        <span className={`ml-auto shrink-0 text-[10px] font-semibold ${style.mark}`}>{style.text}</span>
      </div>
      <div className="truncate font-mono text-[10px] text-slate-600 dark:text-slate-400">{n.sub}</div>
      {n.code && (
        <div className="truncate font-mono text-[10px] text-red-800 dark:text-red-300">{n.code}</div>
      )}
    </div>
  );
});

export function RunGraph() {
  const steps = useSimulate((s) => s.run.steps);
  const scenario = useSimulate((s) => s.scenario);
  const graph = useMemo(() => buildRunGraph(steps, scenario), [steps, scenario]);
  return (
    <Panel title="Workflow DAG" testId="sim-graph">
      {graph.nodes.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          The DAG grows here as tasks are sent: one node per task (green valid, amber partial, red refused,
          grey not sent), an edge from each predecessor named in <code className="font-mono">pred</code>.
        </p>
      ) : (
        <div
          className="h-[280px] overflow-hidden rounded-md border border-slate-200 dark:border-slate-800"
          data-testid="sim-graph-canvas"
          data-nodes={graph.nodes.length}
        >
          <Flow nodes={graph.nodes} edges={graph.edges} />
        </div>
      )}
      <Legend />
    </Panel>
  );
}

const selectStep = (node: SimNode) => {
  if (node.step) useSimulate.getState().select(node.step);
};

function Flow({ nodes, edges }: { nodes: RunNode[]; edges: RunEdge[] }) {
  const dagNodes = useMemo<SimNode[]>(
    () =>
      nodes.map((n) => ({
        ...n,
        width: NODE_W,
        height: NODE_H,
        ariaLabel: `${n.label}: ${NODE_STYLE[n.status].text}${n.code ? `, ${n.code}` : ''}`,
      })),
    [nodes],
  );
  const dagEdges = useMemo<MiniDagEdge[]>(
    () =>
      edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        color: EDGE_COLOR[e.kind],
        dashed: e.kind === 'unresolved' || e.kind === 'ghost' || e.kind === 'blocked',
        ...(e.kind === 'unresolved' ? { label: 'unresolved' } : {}),
      })),
    [edges],
  );
  return (
    <MiniDag
      nodes={dagNodes}
      edges={dagEdges}
      NodeView={SimNodeView}
      onNodeClick={selectStep}
      minZoom={0.2}
      ariaLabel="Workflow DAG of the run so far"
    />
  );
}

function Legend() {
  return (
    <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-400">
      <span>
        <span className="text-emerald-600">■</span> valid
      </span>
      <span>
        <span className="text-amber-500">■</span> expected finding (partial)
      </span>
      <span>
        <span className="text-red-500">■</span> refused
      </span>
      <span>
        <span className="text-slate-400">■</span> not sent
      </span>
      <span>dashed edge: parent not in the receiver’s store</span>
    </p>
  );
}

/**
 * The pasted tokens as a small DAG when they link (a child naming a parent's jti in pred): loaded
 * on demand, with React Flow, so a single pasted token costs nothing.
 */
import { memo, useMemo } from 'react';
import { MiniDag, type MiniDagEdge, type MiniDagNode } from '../../components/MiniDag.tsx';
import { visibleString } from '../../components/visible.ts';
import { layersOf, type TokenEdge } from './links.ts';

export interface DagToken {
  index: number;
  label: string;
  status: 'valid' | 'invalid' | 'pending';
  code: string | null;
}

type Node = DagToken & MiniDagNode;

const W = 150;
const H = 44;
const STYLE = {
  valid: 'border-emerald-600 bg-emerald-50 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-100',
  invalid: 'border-red-600 bg-red-50 text-red-950 dark:bg-red-950 dark:text-red-100',
  pending: 'border-slate-400 bg-slate-50 text-slate-900 dark:bg-slate-800 dark:text-slate-100',
} as const;

const NodeView = memo(function NodeView({ node }: { node: Node }) {
  return (
    <div
      className={`flex h-[44px] w-[150px] flex-col justify-center rounded-md border-2 px-2 text-[11px] leading-tight ${STYLE[node.status]}`}
    >
      <span className="truncate font-semibold">
        #{node.index + 1} {visibleString(node.label)}
      </span>
      <span className="truncate font-mono">{node.status === 'invalid' ? node.code : node.status}</span>
    </div>
  );
});

export default function TokensDag({
  tokens,
  edges,
  onPick,
}: {
  tokens: readonly DagToken[];
  edges: readonly TokenEdge[];
  onPick: (index: number) => void;
}) {
  const nodes = useMemo<Node[]>(() => {
    const layer = layersOf(tokens.length, edges);
    const rows = new Map<number, number>();
    return tokens.map((t, i) => {
      const l = layer[i]!;
      const row = rows.get(l) ?? 0;
      rows.set(l, row + 1);
      return {
        ...t,
        id: String(i),
        x: l * (W + 50),
        y: row * (H + 18),
        width: W,
        height: H,
        ariaLabel: `Token ${t.index + 1}, ${visibleString(t.label)}: ${t.status}${t.code ? `, ${t.code}` : ''}`,
      };
    });
  }, [tokens, edges]);
  const dagEdges = useMemo<MiniDagEdge[]>(
    () =>
      edges.map((e) => ({
        id: `${e.from}-${e.to}`,
        source: String(e.from),
        target: String(e.to),
        color: tokens[e.from]?.status === 'invalid' ? '#dc2626' : '#64748b',
      })),
    [edges, tokens],
  );
  return (
    <MiniDag
      nodes={nodes}
      edges={dagEdges}
      NodeView={NodeView}
      onNodeClick={(n) => onPick(n.index)}
      minZoom={0.2}
      ariaLabel="How the pasted tokens link: each arrow goes from a parent to a child naming it in pred"
    />
  );
}

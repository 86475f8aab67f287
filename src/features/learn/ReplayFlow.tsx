/** The replay's DAG of the first k entries (a MiniDag of status-coloured nodes) and its legend. */
import { memo, useMemo } from 'react';
import { MiniDag, type MiniDagEdge, type MiniDagNode } from '../../components/MiniDag.tsx';
import type { ReplayEdge, ReplayNode } from './replayModel.ts';
import { EDGE_COLOR, NODE_H, NODE_W, short, STATUS } from './replayStyle.ts';

type ReplayDagNode = ReplayNode & MiniDagNode;

const ReplayNodeView = memo(function ReplayNodeView({ node: n }: { node: ReplayDagNode }) {
  const s = STATUS[n.status];
  const ghost = n.status === 'ghost';
  return (
    <div
      className={`h-[62px] w-[190px] overflow-hidden rounded-md border-2 px-2 py-1 text-left text-slate-900 dark:text-slate-100 ${s.box} ${
        n.newest ? 'ring-4 ring-sky-400/70' : ''
      }`}
      data-testid="replay-node"
      data-jti={n.jti ?? ''}
      data-status={n.status}
      data-codes={n.codes.join(' ')}
      data-newest={n.newest || undefined}
      title={`${n.jti ?? ''}${n.codes.length ? `\n${n.codes.join(', ')}` : ''}`}
    >
      <div className="flex items-baseline gap-1">
        <span className="truncate text-xs font-semibold">
          {ghost ? 'missing parent' : (n.act ?? '(no exec_act)')}
        </span>
        <span className={`ml-auto shrink-0 text-[10px] font-semibold ${s.text}`}>
          {s.mark} {ghost ? '' : s.word}
        </span>
      </div>
      <div className="truncate font-mono text-[10px] text-slate-600 dark:text-slate-400">
        {n.index !== null ? `#${n.index + 1} · ` : ''}
        {short(n.jti, 13)}
      </div>
      {(n.codes.length > 0 || ghost) && (
        <div className={`truncate text-[10px] ${ghost ? 'text-slate-600 dark:text-slate-400' : s.text}`}>
          {ghost ? 'not in the ledger yet' : n.codes.join(', ')}
        </div>
      )}
    </div>
  );
});

export function Flow({ nodes, edges }: { nodes: ReplayNode[]; edges: ReplayEdge[] }) {
  const dagNodes = useMemo<ReplayDagNode[]>(
    () =>
      nodes.map((n) => ({
        ...n,
        // Fixed sizes: the fit need not wait for React Flow to measure 300 nodes.
        width: NODE_W,
        height: NODE_H,
        ariaLabel: `${n.status === 'ghost' ? 'missing parent' : (n.act ?? 'task')} ${n.jti ?? ''}: ${STATUS[n.status].word}${
          n.codes.length ? `, ${n.codes.join(', ')}` : ''
        }`,
      })),
    [nodes],
  );
  const dagEdges = useMemo<MiniDagEdge[]>(
    () =>
      edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        color: EDGE_COLOR[e.status],
        dashed: e.status === 'ghost',
      })),
    [edges],
  );
  return (
    <MiniDag
      nodes={dagNodes}
      edges={dagEdges}
      NodeView={ReplayNodeView}
      fitPadding={0.15}
      // Far enough out for the whole window (300 entries) to fit at every position, End included.
      minZoom={0.02}
      ariaLabel="Workflow DAG of the entries replayed"
    />
  );
}

export function Legend() {
  return (
    <p className="flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-400">
      <span>
        <span className="text-emerald-600">■</span> valid
      </span>
      <span>
        <span className="text-red-500">■</span> invalid
      </span>
      <span>
        <span className="text-amber-500">■</span> tainted (downstream of an invalid task)
      </span>
      <span>
        <span className="text-slate-400">▢</span> dashed: a parent not in the ledger yet
      </span>
      <span>
        <span className="text-sky-500">◯</span> ring: the entry just added
      </span>
    </p>
  );
}

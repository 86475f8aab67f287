/**
 * The custom React Flow nodes and edge of the graph: memoized, a handful of
 * elements each, styled by class (graph.css) so that a thousand of them stay
 * cheap to mount and to pan.
 */
import { memo } from 'react';
import { Handle, Position, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import type { ErrorCode, LedgerProblem } from 'wimse-ect';
import { EDGE_STYLE, edgeGeometry, edgeLabel, edgeStatus, labelWidth } from './geometry.ts';
import type { GNode } from './model.ts';
import type { GroupInfo } from './view.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';

export type TaskNodeType = Node<
  {
    node: GNode;
    /** The ledger check's problems at this entry (chain, sequence, receipt, checkpoint), if any. */
    ledgerProblems?: readonly LedgerProblem[];
  },
  'task'
>;
export type GhostNodeType = Node<{ node: GNode }, 'ghost'>;
// Not 'group': React Flow styles its built-in group nodes by that type name.
export type GroupNodeType = Node<{ group: GroupInfo; onExpand: (key: string) => void }, 'cluster'>;
export type GraphNodeType = TaskNodeType | GhostNodeType | GroupNodeType;

export interface EdgeData extends Record<string, unknown> {
  codes: readonly ErrorCode[];
  nearMiss: number;
  count: number;
  ghost: boolean;
  selfLoop: boolean;
  /** In a comparison: the edge is in A only, in B only, or in both. */
  diff?: 'onlyA' | 'onlyB' | 'same';
}
export type EctEdgeType = Edge<EdgeData, 'ect'>;

const STATUS_TEXT = {
  valid: '✓ valid',
  invalid: '✗ invalid',
  tainted: '◐ tainted',
  ghost: 'missing',
} as const;
const MAX_BADGES = 3;

/** In a comparison: the badge that says where a node is, and how its verdict changed. */
function diffBadge(n: GNode): string | null {
  const d = n.diff;
  if (!d || d.mark === 'same') return null;
  if (d.mark === 'onlyA') return '− only in A';
  if (d.mark === 'onlyB') return '+ only in B';
  const word = (v: NonNullable<typeof d.a>) => (v.status === 'ghost' ? 'missing' : v.status);
  return `${word(d.a!)} → ${word(d.b!)}`;
}

/** iat as an UTC time of day, e.g. 23:47:00Z. */
function clock(iat: number): string {
  const d = new Date(iat * 1000);
  return Number.isNaN(d.getTime()) ? String(iat) : `${d.toISOString().slice(11, 19)}Z`;
}

function Handles({
  sourcePosition,
  targetPosition,
}: {
  sourcePosition?: Position;
  targetPosition?: Position;
}) {
  return (
    <>
      <Handle
        type="target"
        position={targetPosition ?? Position.Left}
        isConnectable={false}
        className="ghandle"
      />
      <Handle
        type="source"
        position={sourcePosition ?? Position.Right}
        isConnectable={false}
        className="ghandle"
      />
    </>
  );
}

export const TaskNode = memo(function TaskNode({
  data,
  sourcePosition,
  targetPosition,
}: NodeProps<TaskNodeType>) {
  const n = data.node;
  const brk = data.ledgerProblems;
  const brkCodes = brk ? [...new Set(brk.map((p) => p.code))] : [];
  const diff = diffBadge(n);
  const shown = n.codes.slice(0, Math.max(1, MAX_BADGES - brkCodes.length - (diff ? 1 : 0)));
  return (
    <div
      className={`gnode gnode--${n.status}${brk ? ' gnode--chainbreak' : ''}${n.diff ? ` gnode--diff-${n.diff.mark}` : ''}`}
      data-testid="graph-node"
      data-status={n.status}
      data-diff={n.diff?.mark}
      data-chain-break={brk ? 'true' : undefined}
      data-ledger-problems={brk ? brkCodes.join(' ') : undefined}
      data-jti={n.jti ?? ''}
      data-codes={n.codes.join(' ')}
      title={`${visibleString(n.act ?? '(no exec_act)')}\njti ${visibleString(n.jti ?? '(none)')}\niss ${visibleString(
        n.iss ?? '(none)',
      )}${n.codes.length ? `\n${n.codes.join(', ')}` : ''}${brk ? brk.map((p) => `\nledger ${p.code}: ${visibleString(p.message)}`).join('') : ''}`}
    >
      <Handles sourcePosition={sourcePosition} targetPosition={targetPosition} />
      <div className="gnode__top">
        <span className="gnode__act">
          <VisibleText text={n.act ?? '(no exec_act)'} />
        </span>
        <span className="gnode__status">{STATUS_TEXT[n.status]}</span>
      </div>
      <div className="gnode__meta">
        <VisibleText text={n.shortIss} /> ·{' '}
        <span className="gnode__jti">
          <VisibleText text={n.shortJti} />
        </span>
      </div>
      <div className="gnode__codes">
        {diff && (
          <span className="gbadge gbadge--diff" data-testid="node-diff">
            {diff}
          </span>
        )}
        {brkCodes.map((code) => (
          <span
            key={code}
            className="gbadge gbadge--chainbreak"
            data-testid="node-chain-break"
            data-code={code}
          >
            {code}
          </span>
        ))}
        {n.status === 'tainted' && <span className="gbadge gbadge--taint">downstream of invalid</span>}
        {shown.map((c) => (
          <span key={c} className="gbadge" data-testid="node-code">
            {c}
          </span>
        ))}
        {n.codes.length > shown.length && (
          <span className="gbadge gbadge--more">+{n.codes.length - shown.length}</span>
        )}
        {n.iat !== null && shown.length < 2 && n.status !== 'tainted' && (
          <span className="gnode__time" title="iat (UTC)">
            {clock(n.iat)}
          </span>
        )}
      </div>
    </div>
  );
});

export const GhostNode = memo(function GhostNode({
  data,
  sourcePosition,
  targetPosition,
}: NodeProps<GhostNodeType>) {
  const n = data.node;
  return (
    <div
      className={`gnode gnode--ghost${n.diff ? ` gnode--diff-${n.diff.mark}` : ''}`}
      data-testid="graph-node"
      data-status="ghost"
      data-diff={n.diff?.mark}
      data-jti={n.jti ?? ''}
      title={`Missing parent: ${visibleString(n.jti ?? '')}\nNamed in pred by ${n.children.length} token(s) but not in this set`}
    >
      <Handles sourcePosition={sourcePosition} targetPosition={targetPosition} />
      <div className="gnode__act">
        missing: <VisibleText text={n.shortJti} />
      </div>
      <div className="gnode__meta">
        parent not in the set · {n.children.length} {n.children.length === 1 ? 'child' : 'children'}
      </div>
    </div>
  );
});

export const GroupNode = memo(function GroupNode({
  data,
  sourcePosition,
  targetPosition,
}: NodeProps<GroupNodeType>) {
  const g = data.group;
  const bad = g.invalid > 0;
  return (
    <div
      className={`gnode gnode--group ${bad ? 'gnode--group-bad' : ''}`}
      data-testid="graph-group"
      data-group={g.key}
      data-count={g.tokens}
      title={`${g.mode === 'iss' ? 'Agent' : 'Workflow'} ${visibleString(g.value)}: ${g.tokens} tokens, collapsed`}
    >
      <Handles sourcePosition={sourcePosition} targetPosition={targetPosition} />
      <div className="gnode__top">
        <span className="gnode__act">
          <VisibleText text={g.label} />
        </span>
      </div>
      <div className="gnode__meta">
        {g.mode === 'iss' ? 'agent' : 'workflow'} · <b>{g.tokens.toLocaleString('en')}</b> tokens
        {g.ghosts > 0 && <> · {g.ghosts} missing</>}
      </div>
      <div className="gnode__codes">
        {g.invalid > 0 && (
          <span className="gbadge">
            {g.invalid.toLocaleString('en')} invalid · {g.violations.toLocaleString('en')} violations
          </span>
        )}
        {g.tainted > 0 && (
          <span className="gbadge gbadge--taint">{g.tainted.toLocaleString('en')} tainted</span>
        )}
        {g.invalid === 0 && g.tainted === 0 && <span className="gbadge gbadge--ok">all valid</span>}
        <button
          type="button"
          className="gexpand nodrag"
          onClick={(e) => {
            e.stopPropagation();
            data.onExpand(g.key);
          }}
        >
          expand
        </button>
      </div>
    </div>
  );
});

export const nodeTypes = { task: TaskNode, ghost: GhostNode, cluster: GroupNode };

export const EctEdge = memo(function EctEdge(props: EdgeProps<EctEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, id } = props;
  const d = data!;
  const status = edgeStatus(d);
  const look = EDGE_STYLE[status];
  const { path, labelX, labelY } = edgeGeometry(
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    d.selfLoop,
  );
  const label = edgeLabel(d);
  const w = label ? labelWidth(label) : 0;
  return (
    <g
      data-testid="graph-edge"
      data-status={status}
      data-codes={d.codes.join(' ')}
      data-edge={id}
      data-diff={d.diff}
      className={d.diff && d.diff !== 'same' ? `gedge-diff--${d.diff}` : undefined}
    >
      <path
        d={path}
        fill="none"
        stroke={look.color}
        strokeWidth={look.width}
        strokeDasharray={look.dash}
        markerEnd={markerEnd}
        className={`react-flow__edge-path gedge gedge--${status}`}
      />
      <path
        d={path}
        fill="none"
        strokeOpacity={0}
        strokeWidth={12}
        className="react-flow__edge-interaction"
      />
      {label && (
        <g
          transform={`translate(${labelX - w / 2} ${labelY - 9})`}
          className="glabel"
          data-testid="edge-label"
        >
          <rect width={w} height={18} rx={3} fill="#ffffff" fillOpacity={0.95} className="glabel__bg" />
          <text x={w / 2} y={13} textAnchor="middle" fill="#7c2d12" className="glabel__text">
            {label}
          </text>
        </g>
      )}
    </g>
  );
});

export const edgeTypes = { ect: EctEdge };

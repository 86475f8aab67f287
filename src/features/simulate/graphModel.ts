/**
 * The run's DAG so far: one node per task sent (or not sent), a node per
 * shadow branch and per unknown parent, edges from each predecessor, laid out
 * by depth. Pure: no React.
 */
import { layoutByDepth, type Scenario, type SimStep, type StepOutcome } from './engine/index.ts';

export type NodeStatus = StepOutcome | 'ghost';

export interface RunNode {
  id: string;
  label: string;
  sub: string;
  status: NodeStatus;
  /** The step that shows this node (click to open). */
  step?: number;
  code?: string;
  pred: string[];
  x: number;
  y: number;
}

export interface RunEdge {
  id: string;
  source: string;
  target: string;
  kind: 'ok' | 'unresolved' | 'refused' | 'blocked' | 'ghost';
}

export function buildRunGraph(
  steps: readonly SimStep[],
  scenario: Scenario,
): { nodes: RunNode[]; edges: RunEdge[] } {
  const taskOfJti = new Map<string, string>();
  for (const s of steps) if (s.kind === 'send' && s.jti) taskOfJti.set(s.jti, s.taskId);
  const nodes = new Map<string, Omit<RunNode, 'x' | 'y'>>();
  const unresolvedOf = new Map<string, Set<string>>();
  const predIds = (s: SimStep): string[] => {
    const pred = s.claims?.pred;
    if (!Array.isArray(pred)) return scenario.tasks.find((t) => t.id === s.taskId)?.pred ?? [];
    return pred.map((j) => {
      const jti = String(j);
      const task = taskOfJti.get(jti);
      if (task) return task;
      const ghost = `unknown ${jti.slice(0, 8)}…`;
      if (!nodes.has(ghost)) {
        nodes.set(ghost, { id: ghost, label: 'unknown parent', sub: jti, status: 'ghost', pred: [] });
      }
      return ghost;
    });
  };
  for (const s of steps) {
    if (s.kind === 'send' || (s.kind === 'blocked' && !nodes.has(s.taskId))) {
      nodes.set(s.taskId, {
        id: s.taskId,
        label: s.taskId,
        sub: `${s.exec_act} · ${s.from}`,
        status: s.outcome,
        step: s.n,
        ...(s.report?.code ? { code: s.report.code } : {}),
        pred: predIds(s),
      });
      if (s.unresolved) {
        unresolvedOf.set(s.taskId, new Set(s.unresolved.map((u) => u.taskId)));
      }
    } else if (s.kind === 'replay' || s.kind === 'shadow') {
      // A second delivery of the same jti: its own node, so the refusal shows where it happened.
      const id = `${s.taskId} (${s.kind})`;
      nodes.set(id, {
        id,
        label: id,
        sub: `${s.exec_act} · ${s.from} → ${s.to}`,
        status: s.outcome,
        step: s.n,
        ...(s.report?.code ? { code: s.report.code } : {}),
        pred: predIds(s),
      });
    }
  }
  // Ghost parents first, so that they sit in the first column.
  const ordered = [...nodes.values()].sort(
    (a, b) => Number(b.status === 'ghost') - Number(a.status === 'ghost'),
  );
  const placed = layoutByDepth(ordered, { dx: 260, dy: 84 });
  const edges: RunEdge[] = [];
  for (const n of ordered) {
    for (const p of n.pred) {
      if (!nodes.has(p)) continue;
      const parent = nodes.get(p)!;
      const kind: RunEdge['kind'] =
        parent.status === 'ghost'
          ? 'ghost'
          : unresolvedOf.get(n.id)?.has(p)
            ? 'unresolved'
            : n.status === 'refused'
              ? 'refused'
              : n.status === 'blocked'
                ? 'blocked'
                : 'ok';
      edges.push({ id: `${p}->${n.id}`, source: p, target: n.id, kind });
    }
  }
  return {
    nodes: ordered.map((n) => ({ ...n, x: placed.get(n.id)!.x, y: placed.get(n.id)!.y })),
    edges,
  };
}

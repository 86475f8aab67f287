/**
 * "Replay a workflow": the audit of a ledger's first k entries, and the DAG it
 * draws. The verification reports of the full audit are reused (a token's own
 * checks do not depend on the others); only the DAG half is recomputed, so a
 * child that arrived before its parent shows parent_not_found until the parent
 * arrives.
 */
import {
  auditReports,
  type AuditReport,
  type ErrorCode,
  type Settings,
  type VerificationReport,
} from 'wimse-ect';

/** At most this many entries are drawn: the last ones replayed. */
export const REPLAY_WINDOW = 300;
export const COL_W = 230;
export const ROW_H = 84;

export type ReplayStatus = 'valid' | 'invalid' | 'tainted' | 'ghost';

export interface ReplayNode {
  id: string;
  /** Position in the ledger (0-based); null for a ghost: a parent named but not (yet) in the ledger. */
  index: number | null;
  jti: string | null;
  act: string | null;
  issuer: string | null;
  status: ReplayStatus;
  codes: ErrorCode[];
  /** Longest path from a root (ghosts count as roots). */
  depth: number;
  x: number;
  y: number;
  /** The entry the last step added. */
  newest: boolean;
}

export interface ReplayEdge {
  id: string;
  /** The parent (or ghost) node id: edges run from parent to child. */
  source: string;
  target: string;
  codes: ErrorCode[];
  status: 'ok' | 'invalid' | 'ghost';
}

export interface ReplayGraph {
  nodes: ReplayNode[];
  edges: ReplayEdge[];
  /** Entries replayed but not drawn (more than REPLAY_WINDOW). */
  hidden: number;
}

/** The audit of the first `k` entries, from the full audit's per-token reports. */
export function replayAudit(
  reports: readonly VerificationReport[],
  k: number,
  settings: Settings,
): AuditReport {
  return auditReports(reports.slice(0, Math.max(0, Math.min(k, reports.length))), settings);
}

export const nodeStatus = (n: { valid: boolean; tainted: boolean }): ReplayStatus =>
  !n.valid ? 'invalid' : n.tainted ? 'tainted' : 'valid';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * Longest-path depth of every node (Kahn's order over the edges inside the set);
 * a node with a missing parent starts at depth 1, below its ghost. Nodes in a loop
 * keep the depth their other parents give them.
 */
export function depths(audit: AuditReport): number[] {
  const n = audit.nodes.length;
  const depth = new Array<number>(n).fill(0);
  const children: number[][] = audit.nodes.map(() => []);
  const pending = new Int32Array(n);
  const seen = new Set<string>();
  for (const e of audit.edges) {
    if (e.to === null) {
      depth[e.from] = Math.max(depth[e.from]!, 1);
      continue;
    }
    const key = `${e.to}>${e.from}`;
    if (e.to === e.from || seen.has(key)) continue;
    seen.add(key);
    children[e.to]!.push(e.from);
    pending[e.from]!++;
  }
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (pending[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const p = queue[q]!;
    for (const c of children[p]!) {
      depth[c] = Math.max(depth[c]!, depth[p]! + 1);
      if (--pending[c]! === 0) queue.push(c);
    }
  }
  return depth;
}

/** The DAG of a (partial) audit: nodes coloured by status, edges from `pred`, a depth layout. */
export function replayGraph(audit: AuditReport, window = REPLAY_WINDOW): ReplayGraph {
  const total = audit.nodes.length;
  const from = Math.max(0, total - window);
  const depth = depths(audit);
  const nodes: ReplayNode[] = [];
  const edges: ReplayEdge[] = [];
  const ghosts = new Map<string, ReplayNode>();
  for (let i = from; i < total; i++) {
    const a = audit.nodes[i]!;
    const payload = a.report.payload;
    nodes.push({
      id: `n${i}`,
      index: i,
      jti: a.jti,
      act: str(payload?.exec_act),
      issuer: str(payload?.iss),
      status: nodeStatus(a),
      codes: a.codes,
      depth: depth[i]!,
      x: 0,
      y: 0,
      newest: i === total - 1,
    });
  }
  audit.edges.forEach((e, k) => {
    if (e.from < from) return;
    let source: string;
    if (e.to === null) {
      source = `g:${e.pred}`;
      const childDepth = depth[e.from]!;
      const ghost = ghosts.get(source);
      if (ghost) ghost.depth = Math.min(ghost.depth, childDepth - 1);
      else {
        ghosts.set(source, {
          id: source,
          index: null,
          jti: e.pred,
          act: null,
          issuer: null,
          status: 'ghost',
          codes: [],
          depth: Math.max(0, childDepth - 1),
          x: 0,
          y: 0,
          newest: false,
        });
      }
    } else if (e.to < from) {
      return; // the parent is older than the window: not drawn
    } else {
      source = `n${e.to}`;
    }
    edges.push({
      id: `e${k}`,
      source,
      target: `n${e.from}`,
      codes: e.codes,
      status: e.to === null ? 'ghost' : e.codes.length ? 'invalid' : 'ok',
    });
  });
  const all = [...ghosts.values(), ...nodes];
  // A depth with more nodes than `rows` wraps into more columns, so that a wide ledger (hundreds of
  // tasks at one depth) draws about as wide as it is tall instead of as a sliver.
  const rows = Math.max(6, Math.ceil(Math.sqrt(all.length)));
  const perDepth = new Map<number, number>();
  for (const n of all) perDepth.set(n.depth, (perDepth.get(n.depth) ?? 0) + 1);
  const firstColumn = new Map<number, number>();
  let column = 0;
  for (const d of [...perDepth.keys()].sort((a, b) => a - b)) {
    firstColumn.set(d, column);
    column += Math.ceil(perDepth.get(d)! / rows);
  }
  const placed = new Map<number, number>();
  for (const n of all) {
    const k = placed.get(n.depth) ?? 0;
    placed.set(n.depth, k + 1);
    n.x = (firstColumn.get(n.depth)! + Math.floor(k / rows)) * COL_W;
    n.y = (k % rows) * ROW_H;
  }
  return { nodes: all, edges, hidden: from };
}

/** Where each jti first appears in the whole ledger (to say when a missing parent arrives). */
export function firstIndexByJti(audit: AuditReport | null): Map<string, number> {
  const m = new Map<string, number>();
  if (!audit) return m;
  for (const n of audit.nodes) if (n.jti !== null && !m.has(n.jti)) m.set(n.jti, n.index);
  return m;
}

/**
 * Two ledgers (or two runs of one scenario) compared as one graph, as Jaeger
 * compares two traces: every task of either, matched by jti, marked as only in
 * A (the open ledger), only in B, in both with the same verdict, or in both
 * with a changed verdict (status or codes); every edge marked as in A, in B
 * or in both. A missing parent of one side that is a task of the other is the
 * same node, changed. The result is a graph model like any other, so that
 * filters, the selection syntax (`diff:changed`), grouping and the layout all
 * work on it. Pure: no React, no DOM.
 */
import type { AuditReport } from 'wimse-ect';
import { buildModel, type DiffMark, type GEdge, type GNode, type GraphModel } from './model.ts';

export interface DiffCounts {
  onlyA: number;
  onlyB: number;
  changed: number;
  same: number;
  edgesOnlyA: number;
  edgesOnlyB: number;
}

export interface DiffModel extends GraphModel {
  diffCounts: DiffCounts;
}

/** Match keys: a task by its jti (the kth duplicate as `jti#k`), a missing parent by the id named. */
function keys(m: GraphModel, side: 'A' | 'B'): string[] {
  const seen = new Map<string, number>();
  return m.nodes.map((n, i) => {
    if (n.jti === null) return `#${side}${i}`;
    if (n.kind === 'ghost') return n.jti;
    const k = seen.get(n.jti) ?? 0;
    seen.set(n.jti, k + 1);
    return k ? `${n.jti}#${k}` : n.jti;
  });
}

const sameCodes = (x: readonly string[], y: readonly string[]) =>
  x.length === y.length && (x.length === 0 || [...x].sort().join(' ') === [...y].sort().join(' '));

export function buildDiffModel(a: AuditReport, b: AuditReport, clockSkew: number): DiffModel {
  const mA = buildModel(a, clockSkew);
  const mB = buildModel(b, clockSkew);
  const kA = keys(mA, 'A');
  const kB = keys(mB, 'B');
  const at = new Map<string, number>();
  const nodes: GNode[] = [];
  const fromA: number[] = [];
  const fromB: number[] = [];
  const verdict = (n: GNode) => ({ status: n.status, codes: n.codes });
  // A's nodes in their order, then those only in B; tasks before missing parents, as buildModel does.
  const take = (side: 'A' | 'B', i: number) => {
    const key = side === 'A' ? kA[i]! : kB[i]!;
    const src = side === 'A' ? mA.nodes[i]! : mB.nodes[i]!;
    let u = at.get(key);
    if (u === undefined) {
      u = nodes.length;
      at.set(key, u);
      nodes.push({
        ...src,
        key: `d${u}`,
        parents: [],
        children: [],
        diff: { mark: 'same', a: null, b: null },
      });
    } else if (side === 'B' && src.kind === 'task') {
      // What B says is drawn (the later run), where B has it as a task.
      const diff = nodes[u]!.diff!;
      nodes[u] = { ...src, key: `d${u}`, parents: [], children: [], diff };
    }
    const diff = nodes[u]!.diff!;
    if (side === 'A') {
      diff.a = verdict(src);
      fromA[i] = u;
    } else {
      diff.b = verdict(src);
      fromB[i] = u;
    }
  };
  for (const ghosts of [false, true]) {
    for (let i = 0; i < mA.nodes.length; i++) if ((mA.nodes[i]!.kind === 'ghost') === ghosts) take('A', i);
    for (let i = 0; i < mB.nodes.length; i++) if ((mB.nodes[i]!.kind === 'ghost') === ghosts) take('B', i);
  }
  for (const n of nodes) {
    const d = n.diff!;
    if (d.a && d.b)
      d.mark = d.a.status === d.b.status && sameCodes(d.a.codes, d.b.codes) ? 'same' : 'changed';
    else d.mark = d.a ? 'onlyA' : 'onlyB';
  }
  // Edges: one per (parent, child, pred) of either side.
  const edges: GEdge[] = [];
  const edgeAt = new Map<string, number>();
  const addEdges = (m: GraphModel, map: number[], side: 'A' | 'B') => {
    for (const e of m.edges) {
      const source = map[e.source]!;
      const target = map[e.target]!;
      const key = `${source}>${target}>${e.pred}`;
      const k = edgeAt.get(key);
      if (k !== undefined) {
        const edge = edges[k]!;
        edge.diff = 'same';
        if (side === 'B') Object.assign(edge, { codes: e.codes, nearMiss: e.nearMiss });
        continue;
      }
      edgeAt.set(key, edges.length);
      edges.push({ ...e, key: `e${edges.length}`, source, target, diff: side === 'A' ? 'onlyA' : 'onlyB' });
      nodes[source]!.children.push(target);
      nodes[target]!.parents.push(source);
    }
  };
  addEdges(mA, fromA, 'A');
  addEdges(mB, fromB, 'B');

  const byKey = new Map<string, number>();
  const byJti = new Map<string, number[]>();
  const violationCount = new Int32Array(nodes.length);
  const counts = { tokens: 0, valid: 0, invalid: 0, tainted: 0, ghosts: 0, violations: 0 };
  const diffCounts: DiffCounts = { onlyA: 0, onlyB: 0, changed: 0, same: 0, edgesOnlyA: 0, edgesOnlyB: 0 };
  nodes.forEach((n, u) => {
    byKey.set(n.key, u);
    if (n.kind === 'ghost') counts.ghosts++;
    else {
      counts.tokens++;
      counts[n.status === 'ghost' ? 'valid' : n.status]++;
      if (n.jti !== null) {
        const list = byJti.get(n.jti);
        if (list) list.push(u);
        else byJti.set(n.jti, [u]);
      }
    }
    diffCounts[n.diff!.mark satisfies DiffMark]++;
  });
  mB.nodes.forEach((_, i) => (violationCount[fromB[i]!] = mB.violationCount[i]!));
  fromA.forEach((u, i) => {
    if (!nodes[u]!.diff!.b) violationCount[u] = mA.violationCount[i]!;
  });
  for (let u = 0; u < nodes.length; u++) counts.violations += violationCount[u]!;
  for (const e of edges) {
    if (e.diff === 'onlyA') diffCounts.edgesOnlyA++;
    if (e.diff === 'onlyB') diffCounts.edgesOnlyB++;
  }
  return { nodes, edges, byKey, byJti, violationCount, counts, diffCounts };
}

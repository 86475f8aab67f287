/**
 * The critical path of each workflow, as Jaeger draws it for a trace: the
 * chain of tasks that spans the most time, from the earliest task any of its
 * ancestors started at to the task recorded last at its end. For a chain of
 * tasks linked by `pred`, the time it spans is the `iat` of its last task
 * minus that of its first, so the longest chain by time ends at the task with
 * the widest such span; following, at each step, the parent that carries the
 * earliest start (the latest-issued of them on a tie: the one it waited for)
 * walks it back. Edges between workflows and tasks without an `iat` are left
 * out; tasks in a cycle do not take part. Linear; pure: no React, no DOM.
 */
import { type GraphModel } from './model.ts';
import { NONE } from './view.ts';

export interface CriticalPath {
  /** The workflow (`NONE` for tasks without a wid). */
  wid: string;
  /** Model indices, first task to last. */
  nodes: number[];
  /** Seconds from the first task's iat to the last's. */
  seconds: number;
}

export interface CriticalPaths {
  paths: CriticalPath[];
  /** Model nodes on a critical path. */
  nodes: Uint8Array;
  /** Model edges on one (parent → child, consecutive on the path). */
  edges: Uint8Array;
}

export function criticalPaths(model: GraphModel): CriticalPaths {
  const n = model.nodes.length;
  const wid = (i: number) => model.nodes[i]!.wid ?? NONE;
  const dated = (i: number) => model.nodes[i]!.kind === 'task' && model.nodes[i]!.iat !== null;
  // Kahn's order over the edges inside a workflow between dated tasks (cycles drop out).
  const pending = new Int32Array(n);
  const inside = (k: number) => {
    const e = model.edges[k]!;
    return e.source !== e.target && dated(e.source) && dated(e.target) && wid(e.source) === wid(e.target);
  };
  const out: number[][] = model.nodes.map(() => []);
  model.edges.forEach((e, k) => {
    if (!inside(k)) return;
    out[e.source]!.push(k);
    pending[e.target]!++;
  });
  // start[i]: the earliest iat of a chain ending at i; via[i]: the edge it came by (-1: i starts it).
  const start = new Float64Array(n).fill(Infinity);
  const via = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!dated(i)) continue;
    start[i] = model.nodes[i]!.iat!;
    if (pending[i] === 0) queue.push(i);
  }
  const ordered = new Uint8Array(n);
  for (let q = 0; q < queue.length; q++) {
    const p = queue[q]!;
    ordered[p] = 1;
    for (const k of out[p]!) {
      const c = model.edges[k]!.target;
      const sp = start[p]!;
      const sc = start[c]!;
      // An earlier start wins; on a tie, the parent issued last (the one the task waited for).
      const take =
        sp < sc ||
        (sp === sc &&
          (via[c]! < 0 || model.nodes[p]!.iat! > model.nodes[model.edges[via[c]!]!.source]!.iat!));
      if (take) {
        start[c] = sp;
        via[c] = k;
      }
      if (--pending[c]! === 0) queue.push(c);
    }
  }
  // Per workflow, the chain with the widest span (ties: the later end).
  const best = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (!ordered[i]) continue;
    const w = wid(i);
    const span = model.nodes[i]!.iat! - start[i]!;
    const b = best.get(w);
    if (
      b === undefined ||
      span > model.nodes[b]!.iat! - start[b]! ||
      (span === model.nodes[b]!.iat! - start[b]! && model.nodes[i]!.iat! > model.nodes[b]!.iat!)
    )
      best.set(w, i);
  }
  const nodes = new Uint8Array(n);
  const edges = new Uint8Array(model.edges.length);
  const paths: CriticalPath[] = [];
  for (const [w, end] of best) {
    const chain = [end];
    let i = end;
    while (via[i]! >= 0) {
      edges[via[i]!] = 1;
      i = model.edges[via[i]!]!.source;
      chain.push(i);
    }
    if (chain.length < 2) continue;
    chain.reverse();
    for (const j of chain) nodes[j] = 1;
    paths.push({ wid: w, nodes: chain, seconds: model.nodes[end]!.iat! - model.nodes[chain[0]!]!.iat! });
  }
  return { paths: paths.sort((a, b) => b.seconds - a.seconds), nodes, edges };
}

const cache = new WeakMap<GraphModel, CriticalPaths>();

/** criticalPaths, once per model. */
export function criticalOf(model: GraphModel): CriticalPaths {
  let cp = cache.get(model);
  if (!cp) {
    cp = criticalPaths(model);
    cache.set(model, cp);
  }
  return cp;
}

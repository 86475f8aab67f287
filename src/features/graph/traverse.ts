/**
 * Walks over the graph model: upstream (towards parents) or downstream
 * (towards children) with a depth limit, the root cause of a tainted task,
 * and the paths that connect a set of nodes. Breadth-first, each node once,
 * so cycles terminate and every walk is linear in the nodes and edges.
 * Pure: no React, no DOM.
 */
import type { GraphModel } from './model.ts';

export type Way = 'up' | 'down';

/**
 * Marks the nodes reached from `start` going `way` (up: parents, down: children) in at most
 * `depth` steps (Infinity: no limit), the start nodes included.
 */
export function reach(
  model: GraphModel,
  start: Uint8Array | readonly number[],
  way: Way,
  depth = Infinity,
): Uint8Array {
  const n = model.nodes.length;
  const mark = new Uint8Array(n);
  let frontier: number[] = [];
  if (start instanceof Uint8Array) {
    for (let i = 0; i < n; i++) if (start[i]) frontier.push(i);
  } else frontier = [...start];
  for (const i of frontier) mark[i] = 1;
  const dir = way === 'up' ? 'parents' : 'children';
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: number[] = [];
    for (const i of frontier) {
      for (const j of model.nodes[i]![dir]) {
        if (mark[j]) continue;
        mark[j] = 1;
        next.push(j);
      }
    }
    frontier = next;
  }
  return mark;
}

/** Every ancestor and descendant of the nodes `from` (cycles terminate), themselves included. */
export function lineage(model: GraphModel, from: number | readonly number[]): Uint8Array {
  const start = typeof from === 'number' ? [from] : from;
  const up = reach(model, start, 'up');
  const down = reach(model, start, 'down');
  for (let i = 0; i < up.length; i++) up[i] = up[i]! | down[i]!;
  return up;
}

/**
 * The nodes on some path between two nodes of `set` (the set itself included): those both
 * downstream of one of them and upstream of one of them.
 */
export function connecting(model: GraphModel, set: Uint8Array): Uint8Array {
  const down = reach(model, set, 'down');
  const up = reach(model, set, 'up');
  const out = new Uint8Array(model.nodes.length);
  for (let i = 0; i < out.length; i++) out[i] = set[i] || (down[i] && up[i]) ? 1 : 0;
  return out;
}

/**
 * The invalid ancestors that taint node i: the nearest invalid node on every path upwards
 * (nothing upstream of an invalid one is needed to explain the taint). Nearest first.
 */
export function taintSources(model: GraphModel, i: number): number[] {
  const seen = new Uint8Array(model.nodes.length);
  seen[i] = 1;
  const queue = [i];
  const out: number[] = [];
  for (let q = 0; q < queue.length; q++) {
    for (const p of model.nodes[queue[q]!]!.parents) {
      if (seen[p]) continue;
      seen[p] = 1;
      if (model.nodes[p]!.status === 'invalid') out.push(p);
      else queue.push(p);
    }
  }
  return out;
}

/**
 * The root cause of node i: the invalid ancestors that taint it and every node on the paths
 * from them down to i (i included).
 */
export function rootCause(model: GraphModel, i: number): { sources: number[]; nodes: Uint8Array } {
  const sources = taintSources(model, i);
  const below = reach(model, sources, 'down');
  const above = reach(model, [i], 'up');
  const nodes = new Uint8Array(model.nodes.length);
  for (let j = 0; j < nodes.length; j++) if (below[j] && above[j]) nodes[j] = 1;
  nodes[i] = 1;
  for (const s of sources) nodes[s] = 1;
  return { sources, nodes };
}

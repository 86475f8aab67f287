/**
 * Strongly connected components of a directed graph held in two flat arrays (CSR): the audit's
 * `cycle` rule and the condensation the traversal limit is decided on (ancestors.ts). Typed
 * arrays, not an array per node: at 250,000 tokens the per-node arrays were most of the audit's
 * allocation (issue 17). Split from ancestors.ts.
 */

/** Counts the operations done (nodes and edges looked at), for tests that bound work, not time. */
export interface WorkCounter {
  work: number;
}

/** An adjacency list in two flat arrays: the neighbours of v are list[start[v]..start[v + 1]). */
export interface Csr {
  start: Int32Array;
  list: Int32Array;
}

export function toCsr(adj: readonly (readonly number[])[]): Csr {
  const start = new Int32Array(adj.length + 1);
  for (let v = 0; v < adj.length; v++) start[v + 1] = start[v]! + adj[v]!.length;
  const list = new Int32Array(start[adj.length]!);
  let k = 0;
  for (const next of adj) for (const w of next) list[k++] = w;
  return { start, list };
}

/**
 * Tarjan's algorithm, iterative (deep chains must not overflow the stack), over
 * `adj` (for the audit: child -> parents). Components are numbered in the
 * order they complete, so every component's parents have smaller numbers (a
 * topological order, ancestors first). The walks start from the last node, so
 * a set in creation order has each workflow's ancestry numbered in one run.
 */
export function components(g: Csr, counter?: WorkCounter): { comp: Int32Array; count: number } {
  const n = g.start.length - 1;
  const { start, list } = g;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n);
  const stack = new Int32Array(n);
  const callV = new Int32Array(n);
  const callE = new Int32Array(n);
  let sp = 0;
  let next = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    callV[0] = root;
    callE[0] = start[root]!;
    let cp = 1;
    while (cp) {
      const v = callV[cp - 1]!;
      const e = callE[cp - 1]!;
      if (e < start[v + 1]!) {
        callE[cp - 1] = e + 1;
        const w = list[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          callV[cp] = w;
          callE[cp] = start[w]!;
          cp++;
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      cp--;
      if (cp) {
        const parent = callV[cp - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
    }
  }
  if (counter) counter.work += n + list.length;
  return { comp, count };
}

/** A component id per node (nodes in one loop share it; a self-loop alone is its own component). */
export function stronglyConnected(adj: readonly (readonly number[])[]): number[] {
  return Array.from(components(toCsr(adj)).comp);
}

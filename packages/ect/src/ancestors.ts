/**
 * The whole-set rules that look at ancestors rather than single edges
 * (ECT-PROFILE.md section 7): strongly connected components (for `cycle`) and
 * `traversal_limit`, "more than traversalLimit distinct ancestors, the token
 * itself not counted, each ancestor counted once however many paths reach it".
 *
 * A ledger handed to an auditor may come from anyone, so the cost must not
 * depend on the goodwill of its shape. The traversal limit is decided on the
 * condensation (every loop one weighted node, so a 50,000-node ring costs one
 * step instead of 50,000 bounded walks), in topological order, with three
 * facts that make nearly every node cheap:
 *
 * - an ancestor count only grows along an edge: a node has at least as many
 *   ancestors as any parent plus that parent, and at most the sum over its
 *   parents (a node with one parent gets its exact count this way);
 * - a node whose parent passes the limit passes it too;
 * - the ancestor set of a node r is closed under "ancestor of", so a node
 *   below r counts r's set as one number and walks only what lies outside it.
 *   A few such sets are kept (the "references"), so one walk serves the
 *   descendants of the node it was made for.
 *
 * Only a node whose bounds straddle the limit is walked, and the walk stops
 * past the limit. Measured (issue 17, Node 20, this machine): a 50,000-task
 * workflow whose tasks pass the limit from about the 10,000th on went from
 * 25 s to 0.03 s, a 50,000-node ring from 50 s and 852 MB to 0.02 s. Shapes
 * exist where exact counting stays costly (a walk per node of up to
 * traversalLimit ancestors; exact reachability counting has no known
 * near-linear algorithm), but not the shapes of workflows, loops, fan-in or
 * fan-out; `property-dag.test.ts` bounds the work done on those.
 */

import { components, toCsr, type Csr, type WorkCounter } from './components.ts';

/**
 * Kept ancestor sets along one path of the DAG, r_0 <- r_1 <- ... <- r_top (each r_i a strict
 * ancestor of the next). Level i's set is S_i = r_i and all its ancestors; as each set contains the
 * one before, one array marks them all: a component joined at level j is in every S_i with i >= j.
 * Making a node the new top first drops the levels above its base (a stack), so a walk's result is
 * kept at the cost of what the walk found, and siblings (all below one level) each cost only theirs.
 * Levels are named by ids that are never reused, so a node can remember the deepest level it lies
 * below even after that level was dropped (its base, then, is the dropped level's parent).
 */
class KeptPath {
  /** Level + 1 at which a component joined the sets; 0: in none of them. */
  readonly joined: Int32Array;
  /** The components of all levels, level 0's first. */
  readonly members: Int32Array;
  count = 0;
  readonly levelStart: number[] = [];
  readonly levelWeight: number[] = [];
  readonly levelId: number[] = [];
  /** Per id (from 1): its level, and the id of the level below it when it was made. */
  readonly idLevel: number[] = [0];
  readonly idParent: number[] = [0];
  /** Per component: the id of the level it heads (0: none), and the deepest it lies below. */
  readonly headId: Int32Array;
  readonly belowId: Int32Array;
  lastUsed = 0;
  work = 0;

  constructor(componentCount: number) {
    this.joined = new Int32Array(componentCount);
    this.members = new Int32Array(componentCount);
    this.headId = new Int32Array(componentCount);
    this.belowId = new Int32Array(componentCount);
  }

  #alive(id: number): boolean {
    const level = this.idLevel[id]!;
    return level < this.levelId.length && this.levelId[level] === id;
  }

  /** The deepest level still kept at or below level `id` (0: none), compressing the way there. */
  #resolve(id: number): number {
    let x = id;
    while (x && !this.#alive(x)) {
      x = this.idParent[x]!;
      this.work++;
    }
    for (let y = id; y !== x;) {
      const next = this.idParent[y]!;
      this.idParent[y] = x;
      y = next;
    }
    return x;
  }

  /** Records (and returns) the id of the deepest kept set that component `c` lies strictly below. */
  see(c: number, parents: Int32Array, from: number, to: number): number {
    let best = 0;
    let bestLevel = -1;
    for (let e = from; e < to; e++) {
      const p = parents[e]!;
      // The level p heads, then the deepest it lies below (no array of the two: one per parent,
      // path and component was most of the audit's garbage at 100,000 tokens, issue 17).
      for (let twice = 0; twice < 2; twice++) {
        const id = twice ? this.belowId[p]! : this.headId[p]!;
        const alive = id && this.#resolve(id);
        if (alive && this.idLevel[alive]! > bestLevel) {
          best = alive;
          bestLevel = this.idLevel[alive]!;
        }
      }
    }
    this.work += to - from;
    this.belowId[c] = best;
    return best;
  }

  isTop(id: number): boolean {
    return this.idLevel[id] === this.levelId.length - 1;
  }

  weight(id: number): number {
    return this.levelWeight[this.idLevel[id]!]!;
  }

  /** Whether component `x` is in the set of level `id`. */
  contains(x: number, id: number): boolean {
    const j = this.joined[x]!;
    return j !== 0 && j <= this.idLevel[id]! + 1;
  }

  /**
   * Keeps c's set, `weight` nodes: the set of level `baseId` (0: none) and `found[0..n)` and c,
   * one level above the base (dropping the levels that were there).
   */
  push(c: number, baseId: number, found: Int32Array, n: number, weight: number): void {
    const level = baseId ? this.idLevel[baseId]! + 1 : 0;
    while (this.levelId.length > level) {
      const top = this.levelId.length - 1;
      for (let i = this.levelStart[top]!; i < this.count; i++) this.joined[this.members[i]!] = 0;
      this.work += this.count - this.levelStart[top]!;
      this.count = this.levelStart[top]!;
      this.levelStart.pop();
      this.levelWeight.pop();
      this.levelId.pop();
    }
    this.levelStart.push(this.count);
    for (let i = 0; i < n; i++) {
      this.members[this.count++] = found[i]!;
      this.joined[found[i]!] = level + 1;
    }
    this.members[this.count++] = c;
    this.joined[c] = level + 1;
    this.work += n + 1;
    const id = this.idLevel.length;
    this.idLevel.push(level);
    this.idParent.push(baseId);
    this.levelId.push(id);
    this.levelWeight.push(weight);
    this.headId[c] = id;
  }
}

/**
 * How many paths of kept sets: one per workflow that is being walked at the same time (tasks of
 * a few workflows interleaved in a ledger); the least recently used path is given up for a new one.
 */
const PATHS = 4;
/** A walk past this many components keeps its set even if that drops levels of its path. */
const KEEP_AFTER = 64;

/**
 * Nodes with more than `limit` distinct ancestors (`parentsOf[v]`: v's parents; repeats and
 * self-loops allowed). Sorted by node index.
 */
export function overTraversalLimit(
  parentsOf: readonly (readonly number[])[],
  limit: number,
  counter?: WorkCounter,
): number[] {
  const g = toCsr(parentsOf);
  const pass = traversalPass(g, components(g, counter), limit, counter);
  pass.run(pass.count);
  return pass.finish();
}

/** Components between two yields of {@link traversalLimitSteps}. */
const STEP = 2048;

/**
 * {@link overTraversalLimit} over a graph already in flat form (`g`: child -> parents) and its
 * strongly connected components (`components(g)`, which the audit needs for `cycle` anyway),
 * yielding every few thousand components: a driver may pause there. At 100,000 tokens the
 * whole pass was one task of 185-300 ms in the workbench (issue 17, profiled at load 5).
 */
export function* traversalLimitSteps(
  g: Csr,
  scc: { comp: Int32Array; count: number },
  limit: number,
  counter?: WorkCounter,
): Generator<void, number[], void> {
  const pass = traversalPass(g, scc, limit, counter);
  yield;
  while (pass.done < pass.count) {
    pass.run(Math.min(pass.count, pass.done + STEP));
    yield;
  }
  return pass.finish();
}

/**
 * The pass itself, components in topological order, `run(until)` taking it up to component
 * `until`. A plain function and not the generator's own loop: with the loop inside a generator,
 * Chromium ran the pass 2.5x slower (454 vs 185 ms at 100,000 tokens, its `see` 250 vs 22 ms:
 * not inlined; issue 17, profiled at load 5).
 */
function traversalPass(
  g: Csr,
  scc: { comp: Int32Array; count: number },
  limit: number,
  counter?: WorkCounter,
): { count: number; readonly done: number; run(until: number): void; finish(): number[] } {
  const n = g.start.length - 1;
  const { comp, count: C } = scc;
  const { size, pStart, pList } = condense(g, comp, C);

  // Bounds on A(c), the number of nodes in c's strict ancestor components; a node of c has
  // A(c) + size(c) - 1 ancestors. Capped at limit + 1: past that, only "over" matters.
  const cap = limit + 1;
  const lo = new Float64Array(C);
  const hi = new Float64Array(C);
  const over = new Uint8Array(C);
  const paths: KeptPath[] = [];
  // Scratch for the walks.
  const queue = new Int32Array(C);
  const visited = new Int32Array(C);

  // Where the pass is: the next component, the nodes in components before it (all of its
  // ancestors are among them), and the counters.
  const at = { c: 0, before: 0, work: n + g.list.length, tick: 0, walk: 0 };

  const run = (until: number): void => {
    let { c, before, work, tick, walk } = at;
    for (; c < until; before += size[c++]!) {
      const from = pStart[c]!;
      const to = pStart[c + 1]!;
      let lb = 0;
      let ub = 0;
      for (let e = from; e < to; e++) {
        const p = pList[e]!;
        const w = lo[p]! + size[p]!;
        if (w > lb) lb = w;
        ub += hi[p]! + size[p]!;
      }
      work += to - from;
      if (ub > before) ub = before;
      if (ub > cap) ub = cap;
      // The largest kept set c lies below (recorded for every node, so that its descendants know).
      // All of it is among c's ancestors; lb already says as much, counts growing along edges.
      let base: KeptPath | undefined;
      let baseId = 0;
      let baseWeight = 0;
      for (const path of paths) {
        const id = path.see(c, pList, from, to);
        if (id && path.weight(id) > baseWeight) {
          base = path;
          baseId = id;
          baseWeight = path.weight(id);
        }
      }
      // The node's count passes the limit when A(c) > need.
      const need = limit - size[c]! + 1;
      if (lb > need) {
        over[c] = 1;
        lo[c] = lb;
        hi[c] = cap;
        continue;
      }
      if (ub <= need) {
        lo[c] = lb;
        hi[c] = ub;
        continue;
      }

      // The bounds straddle the limit: count what lies outside the base set, stopping past `need`.
      let total = baseWeight;
      let qn = 0;
      walk++;
      const visit = (p: number): boolean => {
        if (visited[p] === walk || (base && base.contains(p, baseId))) return false;
        visited[p] = walk;
        queue[qn++] = p;
        total += size[p]!;
        return total > need;
      };
      let passed = false;
      for (let e = from; e < to && !passed; e++) passed = visit(pList[e]!);
      for (let q = 0; q < qn && !passed; q++) {
        const x = queue[q]!;
        const end = pStart[x + 1]!;
        for (let e = pStart[x]!; e < end && !passed; e++) passed = visit(pList[e]!);
        work += end - pStart[x]!;
      }
      work += to - from;
      if (passed) {
        over[c] = 1;
        lo[c] = total;
        hi[c] = cap;
        continue;
      }
      lo[c] = hi[c] = total;
      // Keep c's set for its descendants: on top of its base when the base is the top of its path,
      // or when the walk was long (then replacing the levels above the base, which c does not lie
      // below: when the top is a recent node that is not c's ancestor, it may well be an ancestor of
      // the next nodes); on the least recently used path when c lies below none.
      if (base && !base.isTop(baseId) && qn <= KEEP_AFTER) continue;
      if (!base) {
        if (paths.length < PATHS) paths.push((base = new KeptPath(C)));
        else for (const path of paths) if (!base || path.lastUsed < base.lastUsed) base = path;
      }
      base!.push(c, baseId, queue, qn, total + size[c]!);
      base!.lastUsed = ++tick;
    }
    Object.assign(at, { c, before, work, tick, walk });
  };

  const finish = (): number[] => {
    let work = at.work;
    for (const path of paths) work += path.work;
    if (counter) counter.work += work;
    const result: number[] = [];
    for (let v = 0; v < n; v++) if (over[comp[v]!]) result.push(v);
    return result;
  };
  return {
    count: C,
    get done() {
      return at.c;
    },
    run,
    finish,
  };
}

/** The condensation: each component's size and its distinct parent components (flat). */
function condense(
  g: Csr,
  comp: Int32Array,
  C: number,
): { size: Int32Array; pStart: Int32Array; pList: Int32Array } {
  const n = comp.length;
  const size = new Int32Array(C);
  for (let v = 0; v < n; v++) size[comp[v]!]!++;
  const firstNode = new Int32Array(C + 1);
  for (let c = 0; c < C; c++) firstNode[c + 1] = firstNode[c]! + size[c]!;
  const byComp = new Int32Array(n);
  const fill = firstNode.slice(0, C);
  for (let v = 0; v < n; v++) byComp[fill[comp[v]!]!++] = v;
  const pStart = new Int32Array(C + 1);
  const pList = new Int32Array(g.list.length);
  const seenBy = new Int32Array(C).fill(-1);
  let k = 0;
  for (let c = 0; c < C; c++) {
    for (let i = firstNode[c]!; i < firstNode[c + 1]!; i++) {
      const v = byComp[i]!;
      for (let e = g.start[v]!; e < g.start[v + 1]!; e++) {
        const pc = comp[g.list[e]!]!;
        if (pc === c || seenBy[pc] === c) continue;
        seenBy[pc] = c;
        pList[k++] = pc;
      }
    }
    pStart[c + 1] = k;
  }
  return { size, pStart, pList: pList.subarray(0, k) };
}

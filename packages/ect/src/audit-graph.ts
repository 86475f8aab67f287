/**
 * The whole-set audit's DAG rules that read only the tokens' claims (their task records), not
 * whether each token verified: jti copies (`duplicate_jti`), the edges and their rules
 * (`parent_not_found`, edge problems), `cycle` and `traversal_limit`. Split from audit.ts so that
 * a caller holding the claims before the signatures are checked (the workbench, while its workers
 * verify) can run this part meanwhile: at 100,000 tokens it was most of the 0.4-1 s the page spent
 * on the DAG after the last verdict, with the workers idle (issue 17).
 */
import { traversalLimitSteps } from './ancestors.ts';
import { components, type Csr } from './components.ts';
import { edgeProblems, taskRecord, type TaskRecord } from './dag.ts';
import type { JsonObject } from './decode.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';
import type { AuditEdge, Violation } from './audit.ts';

/**
 * The claim-only part of an audit of a set: made by {@link auditGraphInSlices} from the claims of
 * each token, handed to auditReportsInSlices with the set's reports. Used once: the audit's
 * report shares its edges and violations.
 */
export interface AuditGraph {
  /** The claims it was made from (compared with the reports' own: see auditReportsInSlices). */
  readonly claims: readonly (JsonObject | null)[];
  readonly records: readonly (TaskRecord | null)[];
  readonly edges: AuditEdge[];
  /** The claim-only violations, in the order the audit reports them. */
  readonly violations: Violation[];
  readonly missing: string[];
  /** child -> parents (every copy of a parent that counts). */
  readonly parentsOf: Csr;
}

/** Items between two chances to pause: a check of the clock per item would cost more than the item. */
const SLICE = 2000;

/** Runs `each` over 0..n in ranges of SLICE, yielding after each (the driver decides whether to pause). */
export function* inRanges(n: number, each: (from: number, to: number) => void): Generator<void, void, void> {
  for (let from = 0; from < n; from += SLICE) {
    each(from, Math.min(n, from + SLICE));
    yield;
  }
}

/**
 * The claim-only rules over `records` (the task record of each token, null when it has none),
 * yielding between slices of each pass. Each pass is a plain function over a range, called from
 * the generator, not a loop of the generator itself: Chromium ran loops inside a generator several
 * times slower (the traversal pass 2.5x at 100,000 tokens, issue 17).
 */
export function* graphSteps(
  claims: readonly (JsonObject | null)[],
  records: readonly (TaskRecord | null)[],
  settings: Settings,
): Generator<void, AuditGraph, void> {
  const violations: Violation[] = [];
  const n = records.length;
  const copies: Copies = { firstOf: new Map(), nextCopy: new Int32Array(n).fill(-1) };
  const lastCopy = new Int32Array(n);
  // In ranges: 250,000 jtis put in a Map in one go were a task of 210 ms (profiled, load 3-8).
  yield* inRanges(n, (from, to) => copiesByJti(records, from, to, copies, lastCopy));
  duplicates(records, copies, violations);
  yield;

  const g = new EdgeBuilder(records, copies, settings, violations);
  yield* inRanges(n, (from, to) => g.add(from, to));
  const parentsOf = g.finish();

  // cycle: every edge inside a strongly connected component, and every self-loop.
  yield;
  const scc = components(parentsOf);
  yield;
  const size = new Int32Array(scc.count);
  for (let v = 0; v < n; v++) size[scc.comp[v]!]!++;
  yield* inRanges(g.edges.length, (from, to) => g.cycles(from, to, scc.comp, size));

  // traversal_limit: more distinct ancestors than allowed.
  yield;
  for (const i of yield* traversalLimitSteps(parentsOf, scc, settings.traversalLimit)) {
    violations.push({
      code: 'traversal_limit',
      jti: records[i]?.jti ?? null,
      index: i,
      message: `more than ${settings.traversalLimit} distinct ancestors (traversalLimit)`,
    });
  }
  return { claims, records, edges: g.edges, violations, missing: [...g.missing], parentsOf };
}

/**
 * The claim-only part of the audit of a set whose tokens decode to `claims` (null for a token that
 * does not decode), in slices of about `sliceMs` of work with `pause()` awaited between them. Hand
 * it to auditReportsInSlices with the reports of the same tokens, in the same order.
 */
export async function auditGraphInSlices(
  claims: readonly (JsonObject | null)[],
  settings: Settings = DEFAULT_SETTINGS,
  pause: () => Promise<void>,
  sliceMs = 40,
): Promise<AuditGraph> {
  const records: (TaskRecord | null)[] = new Array<TaskRecord | null>(claims.length);
  const run = (function* () {
    yield* inRanges(claims.length, (from, to) => {
      for (let i = from; i < to; i++) {
        const c = claims[i];
        records[i] = c ? taskRecord(c) : null;
      }
    });
    return yield* graphSteps(claims, records, settings);
  })();
  let since = performance.now();
  let step = run.next();
  while (!step.done) {
    if (performance.now() - since > sliceMs) {
      await pause();
      since = performance.now();
    }
    step = run.next();
  }
  return step.value;
}

/**
 * The nodes grouped by jti: the first index of each jti, and each copy's next copy (in index
 * order, -1 after the last). Flat, not an array per jti: at 100,000 tokens the audit's garbage
 * was most of its time (GC 0.2-0.3 s inside one task, issue 17, profiled at load 5).
 */
interface Copies {
  firstOf: Map<string, number>;
  nextCopy: Int32Array;
}

/** Adds nodes from..to to `copies` (`lastCopy`: the last copy so far of each first copy). */
function copiesByJti(
  records: readonly (TaskRecord | null)[],
  from: number,
  to: number,
  { firstOf, nextCopy }: Copies,
  lastCopy: Int32Array,
): void {
  for (let i = from; i < to; i++) {
    const rec = records[i];
    if (!rec) continue;
    const first = firstOf.get(rec.jti);
    if (first === undefined) {
      firstOf.set(rec.jti, i);
      lastCopy[i] = i;
    } else {
      nextCopy[lastCopy[first]!] = i;
      lastCopy[first] = i;
    }
  }
}

/**
 * duplicate_jti: every copy of a jti shared within a workflow (or where either copy has no wid).
 * Counted per wid, not copy against copy: 50,000 copies of one jti must not cost 50,000² steps.
 */
function duplicates(
  records: readonly (TaskRecord | null)[],
  { firstOf, nextCopy }: Copies,
  violations: Violation[],
): void {
  for (const first of firstOf.values()) {
    if (nextCopy[first] === -1) continue;
    let copies = 0;
    const perWid = new Map<string | undefined, number>();
    for (let i = first; i !== -1; i = nextCopy[i]!) {
      const wid = records[i]!.wid;
      perWid.set(wid, (perWid.get(wid) ?? 0) + 1);
      copies++;
    }
    const withoutWid = perWid.get(undefined) ?? 0;
    for (let i = first; i !== -1; i = nextCopy[i]!) {
      const wi = records[i]!.wid;
      // Another copy without a wid, or (for a copy without one) any other copy, or one in its workflow.
      const clash = wi === undefined || withoutWid > 0 || perWid.get(wi)! > 1;
      if (clash) {
        violations.push({
          code: 'duplicate_jti',
          jti: records[i]!.jti,
          index: i,
          message: `${copies} tokens in this set share jti ${records[i]!.jti}`,
        });
      }
    }
  }
}

/**
 * The edges, child by child: the parent is looked up within the child's workflow first. Each
 * edge's parents (every copy of the parent that counts) go to one flat list, edge k's at
 * parentAt[edgeStart[k]..edgeStart[k + 1]); as edges are made child by child, the same list read
 * per child is the graph child -> parents (repeats allowed) that the cycle and traversal rules walk.
 */
class EdgeBuilder {
  readonly edges: AuditEdge[] = [];
  readonly missing = new Set<string>();
  readonly parentAt: number[] = [];
  readonly edgeStart: number[] = [0];
  readonly childStart: Int32Array;

  constructor(
    private readonly records: readonly (TaskRecord | null)[],
    private readonly copies: Copies,
    private readonly settings: Settings,
    private readonly violations: Violation[],
  ) {
    this.childStart = new Int32Array(records.length + 1);
  }

  /** The edges of children from..to. */
  add(from: number, to: number): void {
    const { records, parentAt, edgeStart, edges, violations, settings } = this;
    const { firstOf, nextCopy } = this.copies;
    for (let i = from; i < to; i++) {
      this.childStart[i] = parentAt.length;
      const rec = records[i];
      if (!rec) continue;
      for (const p of rec.pred) {
        // Every copy of the parent within the child's workflow counts (or every copy when none is
        // in it), so the result does not depend on the order of the set.
        const first = firstOf.get(p) ?? -1;
        let sameWorkflow = false;
        if (rec.wid !== undefined)
          for (let j = first; j !== -1 && !sameWorkflow; j = nextCopy[j]!)
            sameWorkflow = records[j]!.wid === rec.wid;
        const start = parentAt.length;
        for (let j = first; j !== -1; j = nextCopy[j]!)
          if (!sameWorkflow || records[j]!.wid === rec.wid) parentAt.push(j);
        const edge: AuditEdge = { from: i, to: first === -1 ? null : parentAt[start]!, pred: p, codes: [] };
        edges.push(edge);
        edgeStart.push(parentAt.length);
        if (first === -1) {
          this.missing.add(p);
          edge.codes.push('parent_not_found');
          violations.push({
            code: 'parent_not_found',
            jti: rec.jti,
            pred: p,
            index: i,
            message: `predecessor ${p} is not in the set`,
          });
          continue;
        }
        for (let k = start; k < parentAt.length; k++) {
          for (const problem of edgeProblems(rec, records[parentAt[k]!]!, settings)) {
            if (edge.codes.includes(problem.code)) continue;
            edge.codes.push(problem.code);
            violations.push({
              code: problem.code,
              jti: rec.jti,
              pred: p,
              index: i,
              message: problem.message,
            });
          }
        }
      }
    }
  }

  /** The graph child -> parents, once every child's edges are added. */
  finish(): Csr {
    this.childStart[this.records.length] = this.parentAt.length;
    return { start: this.childStart, list: Int32Array.from(this.parentAt) };
  }

  /** `cycle` on edges from..to that lie inside a component of several nodes, or loop on their child. */
  cycles(from: number, to: number, component: Int32Array, size: Int32Array): void {
    const { edges, edgeStart, parentAt, records, violations } = this;
    for (let k = from; k < to; k++) {
      const e = edges[k]!;
      let selfLoop = false;
      let inLoop = false;
      for (let x = edgeStart[k]!; x < edgeStart[k + 1]!; x++) {
        const parent = parentAt[x]!;
        if (parent === e.from) selfLoop = true;
        else if (component[e.from] === component[parent] && size[component[parent]!]! > 1) inLoop = true;
      }
      if (!selfLoop && !inLoop) continue;
      e.codes.push('cycle');
      violations.push({
        code: 'cycle',
        jti: records[e.from]!.jti,
        pred: e.pred,
        index: e.from,
        message: selfLoop
          ? 'the task names itself as its predecessor'
          : `the edge to ${e.pred} is part of a loop`,
      });
    }
  }
}

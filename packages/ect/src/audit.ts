/**
 * The whole-set audit (ECT-PROFILE.md section 7, "for a whole set"): every
 * token verified on its own (steps 1-10), then the DAG rules applied to every
 * node and edge at once, in any order. Violations name the node (and edge)
 * they belong to, so a graph view can draw them there.
 */
import { traversalLimitSteps } from './ancestors.ts';
import { components, type Csr } from './components.ts';
import type { ErrorCode } from './codes.ts';
import { edgeProblems, taskRecord, type TaskRecord } from './dag.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';
import type { TrustStore } from './trust.ts';
import type { VerificationReport } from './report.ts';
import { verifyTokens } from './verify-set.ts';

export { overTraversalLimit } from './ancestors.ts';
export { stronglyConnected } from './components.ts';

/** A problem the whole-set audit found, on a node or on an edge. */
export interface Violation {
  code: ErrorCode;
  /** The node the violation belongs to (the child, for an edge); null for an undecodable token. */
  jti: string | null;
  /** For an edge's violation: the predecessor the edge points to. */
  pred?: string;
  /** Position of the token in the audited set. */
  index: number;
  message: string;
}

/** A token of the audited set: its report, its task record, and whether it is valid or tainted. */
export interface AuditNode {
  index: number;
  jti: string | null;
  valid: boolean;
  /** Downstream of an invalid node while valid itself. */
  tainted: boolean;
  codes: ErrorCode[];
  report: VerificationReport;
  record: TaskRecord | null;
}

/** An edge of the audited DAG: from a child to the parent its `pred` names (null when absent from the set). */
export interface AuditEdge {
  /** Child node index. */
  from: number;
  /** Parent node index, or null when the parent is not in the set (a ghost). */
  to: number | null;
  pred: string;
  codes: ErrorCode[];
}

/** What auditTokens found: the nodes, the edges, every violation, and the parents named but absent. */
export interface AuditReport {
  nodes: AuditNode[];
  edges: AuditEdge[];
  violations: Violation[];
  /** Predecessor ids named but absent from the set. */
  missing: string[];
}

/** The options of {@link auditTokens}. */
export interface AuditOptions {
  trust: TrustStore;
  settings?: Settings;
  /** Informational only: steps 11-14 are not applied to a stored set. */
  now?: number;
  /** Called as the tokens are verified (every few hundred), for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

/** Audits a whole set of tokens (ECT-PROFILE.md section 7): each verified in stored mode (steps 1-10), then the DAG rules over every node and edge at once. */
export async function auditTokens(tokens: readonly string[], opts: AuditOptions): Promise<AuditReport> {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const verifyOpts = {
    trust: opts.trust,
    settings,
    mode: 'stored' as const,
    ...(opts.now === undefined ? {} : { now: opts.now }),
  };
  const reports = await verifyTokens(tokens, verifyOpts, opts.onProgress);
  return auditReports(reports, settings);
}

/** The DAG half of the audit, over reports already made (e.g. by workers). */
export function auditReports(
  reports: readonly VerificationReport[],
  settings: Settings = DEFAULT_SETTINGS,
): AuditReport {
  const run = auditSteps(reports, settings);
  let step = run.next();
  while (!step.done) step = run.next();
  return step.value;
}

/**
 * {@link auditReports} in slices of about `sliceMs` of work, awaiting `pause()` between them: a
 * page passes a function that lets it paint and take input. The same audit: only the driver
 * differs. (At 100,000 tokens the audit was one task of 0.8-1.6 s in the workbench: issue 17.)
 */
export async function auditReportsInSlices(
  reports: readonly VerificationReport[],
  settings: Settings = DEFAULT_SETTINGS,
  pause: () => Promise<void>,
  sliceMs = 40,
): Promise<AuditReport> {
  const run = auditSteps(reports, settings);
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

/** Items between two chances to pause: a check of the clock per item would cost more than the item. */
const SLICE = 2000;

/** Runs `each` over 0..n in ranges of SLICE, yielding after each (the driver decides whether to pause). */
function* inRanges(n: number, each: (from: number, to: number) => void): Generator<void, void, void> {
  for (let from = 0; from < n; from += SLICE) {
    each(from, Math.min(n, from + SLICE));
    yield;
  }
}

/**
 * The audit, yielding between slices of each pass. Each pass is a plain function over a range,
 * called from the generator, not a loop of the generator itself: Chromium ran loops inside a
 * generator several times slower (the traversal pass 2.5x at 100,000 tokens, issue 17).
 */
function* auditSteps(
  reports: readonly VerificationReport[],
  settings: Settings,
): Generator<void, AuditReport, void> {
  const violations: Violation[] = [];
  const n = reports.length;
  const nodes: AuditNode[] = [];
  yield* inRanges(n, (from, to) => nodesOf(reports, from, to, nodes, violations));

  const copies: Copies = { firstOf: new Map(), nextCopy: new Int32Array(n).fill(-1) };
  const lastCopy = new Int32Array(n);
  // In ranges: 250,000 jtis put in a Map in one go were a task of 210 ms (profiled, load 3-8).
  yield* inRanges(n, (from, to) => copiesByJti(nodes, from, to, copies, lastCopy));
  duplicates(nodes, copies, violations);
  yield;

  const g = new EdgeBuilder(nodes, copies, settings, violations);
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
      jti: nodes[i]!.jti,
      index: i,
      message: `more than ${settings.traversalLimit} distinct ancestors (traversalLimit)`,
    });
  }

  yield;
  for (const v of violations) {
    const node = nodes[v.index]!;
    node.valid = false;
    if (!node.codes.includes(v.code)) node.codes.push(v.code);
  }
  yield;
  taint(nodes, parentsOf);
  return { nodes, edges: g.edges, violations, missing: [...g.missing] };
}

/** Nodes from..to of the audit, from their reports; each failed step a violation. */
function nodesOf(
  reports: readonly VerificationReport[],
  from: number,
  to: number,
  nodes: AuditNode[],
  violations: Violation[],
): void {
  for (let index = from; index < to; index++) {
    const report = reports[index]!;
    nodes.push({
      index,
      jti: report.jti,
      valid: true,
      tainted: false,
      codes: [],
      report,
      record: report.payload ? taskRecord(report.payload) : null,
    });
    // A valid report has no failing step: its steps are not even looked at (they may be built lazily).
    if (!report.valid)
      for (const step of report.steps) {
        if (step.status !== 'fail') continue;
        const first = step.problems[0]!;
        violations.push({
          code: first.code,
          jti: report.jti,
          index,
          message: step.problems.map((p) => p.message).join('; '),
        });
      }
  }
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
  nodes: readonly AuditNode[],
  from: number,
  to: number,
  { firstOf, nextCopy }: Copies,
  lastCopy: Int32Array,
): void {
  for (let i = from; i < to; i++) {
    const rec = nodes[i]!.record;
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
  nodes: readonly AuditNode[],
  { firstOf, nextCopy }: Copies,
  violations: Violation[],
): void {
  for (const first of firstOf.values()) {
    if (nextCopy[first] === -1) continue;
    let copies = 0;
    const perWid = new Map<string | undefined, number>();
    for (let i = first; i !== -1; i = nextCopy[i]!) {
      const wid = nodes[i]!.record!.wid;
      perWid.set(wid, (perWid.get(wid) ?? 0) + 1);
      copies++;
    }
    const withoutWid = perWid.get(undefined) ?? 0;
    for (let i = first; i !== -1; i = nextCopy[i]!) {
      const wi = nodes[i]!.record!.wid;
      // Another copy without a wid, or (for a copy without one) any other copy, or one in its workflow.
      const clash = wi === undefined || withoutWid > 0 || perWid.get(wi)! > 1;
      if (clash) {
        violations.push({
          code: 'duplicate_jti',
          jti: nodes[i]!.jti,
          index: i,
          message: `${copies} tokens in this set share jti ${nodes[i]!.jti}`,
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
    private readonly nodes: readonly AuditNode[],
    private readonly copies: Copies,
    private readonly settings: Settings,
    private readonly violations: Violation[],
  ) {
    this.childStart = new Int32Array(nodes.length + 1);
  }

  /** The edges of children from..to. */
  add(from: number, to: number): void {
    const { nodes, parentAt, edgeStart, edges, violations, settings } = this;
    const { firstOf, nextCopy } = this.copies;
    for (let i = from; i < to; i++) {
      this.childStart[i] = parentAt.length;
      const rec = nodes[i]!.record;
      if (!rec) continue;
      for (const p of rec.pred) {
        // Every copy of the parent within the child's workflow counts (or every copy when none is
        // in it), so the result does not depend on the order of the set.
        const first = firstOf.get(p) ?? -1;
        let sameWorkflow = false;
        if (rec.wid !== undefined)
          for (let j = first; j !== -1 && !sameWorkflow; j = nextCopy[j]!)
            sameWorkflow = nodes[j]!.record!.wid === rec.wid;
        const start = parentAt.length;
        for (let j = first; j !== -1; j = nextCopy[j]!)
          if (!sameWorkflow || nodes[j]!.record!.wid === rec.wid) parentAt.push(j);
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
          for (const problem of edgeProblems(rec, nodes[parentAt[k]!]!.record!, settings)) {
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
    this.childStart[this.nodes.length] = this.parentAt.length;
    return { start: this.childStart, list: Int32Array.from(this.parentAt) };
  }

  /** `cycle` on edges from..to that lie inside a component of several nodes, or loop on their child. */
  cycles(from: number, to: number, component: Int32Array, size: Int32Array): void {
    const { edges, edgeStart, parentAt, nodes, violations } = this;
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
        jti: nodes[e.from]!.jti,
        pred: e.pred,
        index: e.from,
        message: selfLoop
          ? 'the task names itself as its predecessor'
          : `the edge to ${e.pred} is part of a loop`,
      });
    }
  }
}

/** Taint flows from every invalid node to its descendants (`parentsOf`: child -> parents). */
function taint(nodes: readonly AuditNode[], parentsOf: Csr): void {
  const n = nodes.length;
  const { start, list } = parentsOf;
  // The children of each node, from the parents lists (counting sort, in child order).
  const kidStart = new Int32Array(n + 1);
  for (let x = 0; x < list.length; x++) kidStart[list[x]! + 1]!++;
  for (let v = 0; v < n; v++) kidStart[v + 1]! += kidStart[v]!;
  const kids = new Int32Array(list.length);
  const fill = kidStart.slice(0, n);
  for (let v = 0; v < n; v++) for (let x = start[v]!; x < start[v + 1]!; x++) kids[fill[list[x]!]!++] = v;

  const queue: number[] = [];
  const reached = new Uint8Array(n);
  for (const node of nodes)
    if (!node.valid) {
      queue.push(node.index);
      reached[node.index] = 1;
    }
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (let x = kidStart[v]!; x < kidStart[v + 1]!; x++) {
      const c = kids[x]!;
      if (reached[c]) continue;
      reached[c] = 1;
      nodes[c]!.tainted = nodes[c]!.valid;
      queue.push(c);
    }
  }
}

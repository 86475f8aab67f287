/**
 * The whole-set audit (ECT-PROFILE.md section 7, "for a whole set"): every
 * token verified on its own (steps 1-10), then the DAG rules applied to every
 * node and edge at once, in any order. Violations name the node (and edge)
 * they belong to, so a graph view can draw them there.
 */
import { components, traversalLimitSteps } from './ancestors.ts';
import type { ErrorCode } from './codes.ts';
import { edgeProblems, taskRecord, type TaskRecord } from './dag.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';
import type { TrustStore } from './trust.ts';
import type { VerificationReport } from './report.ts';
import { verifyTokens } from './verify-set.ts';

export { overTraversalLimit, stronglyConnected } from './ancestors.ts';

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

/** The audit, yielding every SLICE items of each pass (the driver decides whether to pause). */
function* auditSteps(
  reports: readonly VerificationReport[],
  settings: Settings,
): Generator<void, AuditReport, void> {
  const violations: Violation[] = [];
  const nodes: AuditNode[] = new Array<AuditNode>(reports.length);
  for (let index = 0; index < reports.length; index++) {
    if (index % SLICE === SLICE - 1) yield;
    const report = reports[index]!;
    const node: AuditNode = {
      index,
      jti: report.jti,
      valid: true,
      tainted: false,
      codes: [],
      report,
      record: report.payload ? taskRecord(report.payload) : null,
    };
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
    nodes[index] = node;
  }
  yield;

  // Group nodes by jti, once: the first index of each jti, and each copy's next copy (in index
  // order). Flat, not an array per jti: at 100,000 tokens the audit's garbage was most of its time
  // (GC 0.2-0.3 s inside one task, issue 17, profiled at load 5).
  const n = nodes.length;
  const firstOf = new Map<string, number>();
  const nextCopy = new Int32Array(n).fill(-1);
  const lastCopy = new Int32Array(n);
  for (let i = 0; i < n; i++) {
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

  // duplicate_jti: every copy of a jti shared within a workflow (or where either copy has no wid).
  // Counted per wid, not copy against copy: 50,000 copies of one jti must not cost 50,000² steps.
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

  // Edges: the parent is looked up within the child's workflow first. Each edge's parents (every
  // copy of the parent that counts) go to one flat list, edge k's at parentAt[edgeStart[k]..
  // edgeStart[k + 1]); as edges are made child by child, the same list read per child is the
  // graph child -> parents (repeats allowed) that the cycle and traversal rules walk.
  const edges: AuditEdge[] = [];
  const missing = new Set<string>();
  const parentAt: number[] = [];
  const edgeStart: number[] = [0];
  const childStart = new Int32Array(n + 1);
  yield;
  for (let i = 0; i < n; i++) {
    if (i % SLICE === SLICE - 1) yield;
    childStart[i] = parentAt.length;
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
      const from = parentAt.length;
      for (let j = first; j !== -1; j = nextCopy[j]!)
        if (!sameWorkflow || nodes[j]!.record!.wid === rec.wid) parentAt.push(j);
      const edge: AuditEdge = { from: i, to: first === -1 ? null : parentAt[from]!, pred: p, codes: [] };
      edges.push(edge);
      edgeStart.push(parentAt.length);
      if (first === -1) {
        missing.add(p);
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
      for (let k = from; k < parentAt.length; k++) {
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
  childStart[n] = parentAt.length;
  const parentsOf = { start: childStart, list: Int32Array.from(parentAt) };

  // cycle: every edge inside a strongly connected component, and every self-loop.
  yield;
  const scc = components(parentsOf);
  const component = scc.comp;
  yield;
  const size = new Int32Array(scc.count);
  for (let v = 0; v < n; v++) size[component[v]!]!++;
  for (let k = 0; k < edges.length; k++) {
    if (k % SLICE === SLICE - 1) yield;
    const e = edges[k]!;
    let selfLoop = false;
    let inLoop = false;
    for (let x = edgeStart[k]!; x < edgeStart[k + 1]!; x++) {
      const to = parentAt[x]!;
      if (to === e.from) selfLoop = true;
      else if (component[e.from] === component[to] && size[component[to]!]! > 1) inLoop = true;
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

  // Taint flows from every invalid node to its descendants.
  const queue = nodes.filter((x) => !x.valid).map((x) => x.index);
  const reached = new Uint8Array(nodes.length);
  for (const i of queue) reached[i] = 1;
  // The children of each node, from the parents lists (counting sort, in child order).
  const parentsList = parentsOf.list;
  const kidStart = new Int32Array(n + 1);
  for (let x = 0; x < parentsList.length; x++) kidStart[parentsList[x]! + 1]!++;
  for (let v = 0; v < n; v++) kidStart[v + 1]! += kidStart[v]!;
  const kids = new Int32Array(parentsList.length);
  const fill = kidStart.slice(0, n);
  for (let v = 0; v < n; v++)
    for (let x = childStart[v]!; x < childStart[v + 1]!; x++) kids[fill[parentsList[x]!]!++] = v;
  yield;
  for (let q = 0; q < queue.length; q++) {
    if (q % SLICE === SLICE - 1) yield;
    const v = queue[q]!;
    for (let x = kidStart[v]!; x < kidStart[v + 1]!; x++) {
      const c = kids[x]!;
      if (reached[c]) continue;
      reached[c] = 1;
      nodes[c]!.tainted = nodes[c]!.valid;
      queue.push(c);
    }
  }
  return { nodes, edges, violations, missing: [...missing] };
}

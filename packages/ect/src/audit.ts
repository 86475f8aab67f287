/**
 * The whole-set audit (ECT-PROFILE.md section 7, "for a whole set"): every
 * token verified on its own (steps 1-10), then the DAG rules applied to every
 * node and edge at once, in any order. Violations name the node (and edge)
 * they belong to, so a graph view can draw them there.
 */
import { overTraversalLimit, stronglyConnected } from './ancestors.ts';
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

  // Group nodes by jti, once.
  const byJti = new Map<string, number[]>();
  for (const n of nodes) {
    if (!n.record) continue;
    const list = byJti.get(n.record.jti);
    if (list) list.push(n.index);
    else byJti.set(n.record.jti, [n.index]);
  }

  // duplicate_jti: every copy of a jti shared within a workflow (or where either copy has no wid).
  // Counted per wid, not copy against copy: 50,000 copies of one jti must not cost 50,000² steps.
  for (const list of byJti.values()) {
    if (list.length < 2) continue;
    const perWid = new Map<string | undefined, number>();
    for (const i of list) {
      const wid = nodes[i]!.record!.wid;
      perWid.set(wid, (perWid.get(wid) ?? 0) + 1);
    }
    const withoutWid = perWid.get(undefined) ?? 0;
    for (const i of list) {
      const wi = nodes[i]!.record!.wid;
      // Another copy without a wid, or (for a copy without one) any other copy, or one in its workflow.
      const clash = wi === undefined || withoutWid > 0 || perWid.get(wi)! > 1;
      if (clash) {
        violations.push({
          code: 'duplicate_jti',
          jti: nodes[i]!.jti,
          index: i,
          message: `${list.length} tokens in this set share jti ${nodes[i]!.jti}`,
        });
      }
    }
  }

  // Edges: the parent is looked up within the child's workflow first.
  const edges: AuditEdge[] = [];
  const parentsOf: number[][] = nodes.map(() => []);
  const childrenOf: number[][] = nodes.map(() => []);
  const missing = new Set<string>();
  const edgeParents: number[][] = [];
  yield;
  for (const n of nodes) {
    if (n.index % SLICE === SLICE - 1) yield;
    const rec = n.record;
    if (!rec) continue;
    for (const p of rec.pred) {
      // Every copy of the parent within the child's workflow counts (or every copy when none is
      // in it), so the result does not depend on the order of the set.
      const candidates = byJti.get(p) ?? [];
      const sameWorkflow = candidates.filter((j) => nodes[j]!.record!.wid === rec.wid);
      const parents = rec.wid !== undefined && sameWorkflow.length ? sameWorkflow : candidates;
      const edge: AuditEdge = { from: n.index, to: parents[0] ?? null, pred: p, codes: [] };
      edges.push(edge);
      edgeParents.push(parents);
      if (!parents.length) {
        missing.add(p);
        edge.codes.push('parent_not_found');
        violations.push({
          code: 'parent_not_found',
          jti: rec.jti,
          pred: p,
          index: n.index,
          message: `predecessor ${p} is not in the set`,
        });
        continue;
      }
      for (const parentIndex of parents) {
        parentsOf[n.index]!.push(parentIndex);
        childrenOf[parentIndex]!.push(n.index);
        for (const problem of edgeProblems(rec, nodes[parentIndex]!.record!, settings)) {
          if (edge.codes.includes(problem.code)) continue;
          edge.codes.push(problem.code);
          violations.push({
            code: problem.code,
            jti: rec.jti,
            pred: p,
            index: n.index,
            message: problem.message,
          });
        }
      }
    }
  }

  // cycle: every edge inside a strongly connected component, and every self-loop.
  yield;
  const component = stronglyConnected(parentsOf);
  yield;
  const size = new Map<number, number>();
  for (const c of component) size.set(c, (size.get(c) ?? 0) + 1);
  for (let k = 0; k < edges.length; k++) {
    if (k % SLICE === SLICE - 1) yield;
    const e = edges[k]!;
    const parents = edgeParents[k]!;
    const selfLoop = parents.includes(e.from);
    const inLoop =
      selfLoop || parents.some((to) => component[e.from] === component[to] && size.get(component[to]!)! > 1);
    if (!inLoop) continue;
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
  for (const i of overTraversalLimit(parentsOf, settings.traversalLimit)) {
    violations.push({
      code: 'traversal_limit',
      jti: nodes[i]!.jti,
      index: i,
      message: `more than ${settings.traversalLimit} distinct ancestors (traversalLimit)`,
    });
  }

  yield;
  for (const v of violations) {
    const n = nodes[v.index]!;
    n.valid = false;
    if (!n.codes.includes(v.code)) n.codes.push(v.code);
  }

  // Taint flows from every invalid node to its descendants.
  const queue = nodes.filter((n) => !n.valid).map((n) => n.index);
  const reached = new Uint8Array(nodes.length);
  for (const i of queue) reached[i] = 1;
  for (let q = 0; q < queue.length; q++) {
    if (q % SLICE === SLICE - 1) yield;
    for (const c of childrenOf[queue[q]!]!) {
      if (reached[c]) continue;
      reached[c] = 1;
      nodes[c]!.tainted = nodes[c]!.valid;
      queue.push(c);
    }
  }
  return { nodes, edges, violations, missing: [...missing] };
}

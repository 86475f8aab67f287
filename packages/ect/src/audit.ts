/**
 * The whole-set audit (ECT-PROFILE.md section 7, "for a whole set"): every
 * token verified on its own (steps 1-10), then the DAG rules applied to every
 * node and edge at once, in any order. Violations name the node (and edge)
 * they belong to, so a graph view can draw them there.
 */
import { graphSteps, inRanges, type AuditGraph } from './audit-graph.ts';
import type { Csr } from './components.ts';
import type { ErrorCode } from './codes.ts';
import { taskRecord, type TaskRecord } from './dag.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';
import type { TrustStore } from './trust.ts';
import type { VerificationReport } from './report.ts';
import { verifyTokens } from './verify-set.ts';

export { overTraversalLimit } from './ancestors.ts';
export { stronglyConnected } from './components.ts';
export { auditGraphInSlices, type AuditGraph } from './audit-graph.ts';

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
 * `graph`: the claim-only part, made beforehand from the same tokens' claims
 * (auditGraphInSlices); used when each report's payload and jti are those claims' (else made
 * again from the reports), so that only what depends on the verdicts is left to do here.
 */
export async function auditReportsInSlices(
  reports: readonly VerificationReport[],
  settings: Settings = DEFAULT_SETTINGS,
  pause: () => Promise<void>,
  sliceMs = 40,
  graph?: AuditGraph,
): Promise<AuditReport> {
  const run = auditSteps(reports, settings, graph);
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
 * The audit, yielding between slices of each pass: the nodes and the violations of their own
 * steps, then the claim-only rules (audit-graph.ts; `given` when they were applied beforehand to
 * the same claims), then invalid nodes and their taint. Each pass is a plain function over a
 * range, called from the generator, not a loop of the generator itself: Chromium ran loops inside
 * a generator several times slower (the traversal pass 2.5x at 100,000 tokens, issue 17).
 */
function* auditSteps(
  reports: readonly VerificationReport[],
  settings: Settings,
  given?: AuditGraph,
): Generator<void, AuditReport, void> {
  const violations: Violation[] = [];
  const n = reports.length;
  const nodes: AuditNode[] = [];
  let fits = given !== undefined && given.records.length === n;
  if (fits) yield* inRanges(n, (from, to) => void (fits &&= claimsFit(reports, given!, from, to)));
  const known = fits ? given!.records : null;
  yield* inRanges(n, (from, to) => nodesOf(reports, from, to, nodes, violations, known));
  const graph =
    known !== null
      ? given!
      : yield* graphSteps(
          reports.map((r) => r.payload),
          nodes.map((node) => node.record),
          settings,
        );
  violations.push(...graph.violations);

  yield;
  for (const v of violations) {
    const node = nodes[v.index]!;
    node.valid = false;
    if (!node.codes.includes(v.code)) node.codes.push(v.code);
  }
  yield;
  taint(nodes, graph.parentsOf);
  return { nodes, edges: graph.edges, violations, missing: graph.missing };
}

/**
 * Whether reports from..to have the payloads `graph` was made from: the same object, or for a
 * report that decoded its token again, one with the same jti (the records are the claims' own: a
 * token's payload is what it decodes to, whoever decodes it). A report whose token does not
 * decode has none.
 */
function claimsFit(
  reports: readonly VerificationReport[],
  graph: AuditGraph,
  from: number,
  to: number,
): boolean {
  for (let i = from; i < to; i++) {
    const payload = reports[i]!.payload;
    const claims = graph.claims[i] ?? null;
    if (payload === claims) continue;
    if (payload === null || claims === null) return false;
    if (reports[i]!.jti !== (typeof claims.jti === 'string' ? claims.jti : null)) return false;
  }
  return true;
}

/** Nodes from..to of the audit, from their reports; each failed step a violation. */
function nodesOf(
  reports: readonly VerificationReport[],
  from: number,
  to: number,
  nodes: AuditNode[],
  violations: Violation[],
  records: readonly (TaskRecord | null)[] | null,
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
      record: records ? records[index]! : report.payload ? taskRecord(report.payload) : null,
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

/**
 * The graph model drawn by the Graph tab, built from a whole-set audit
 * (src/ect/audit.ts): one node per token plus one "ghost" node per missing
 * parent, edges drawn parent → child, each node with its status (valid,
 * invalid, tainted, ghost) and codes. Then the view: filters, and groups
 * (collapsing by agent or workflow) for large sets. Pure: no React, no DOM.
 */
import type { AuditReport, ErrorCode } from 'wimse-ect';

export type NodeStatus = 'valid' | 'invalid' | 'tainted' | 'ghost';

export interface GNode {
  /** Stable key: `t<audit index>` for a token, `g<k>` for a ghost. */
  key: string;
  kind: 'task' | 'ghost';
  /** Index in the audit (and the ledger's entries); -1 for a ghost. */
  index: number;
  jti: string | null;
  iss: string | null;
  act: string | null;
  wid: string | null;
  iat: number | null;
  status: NodeStatus;
  /** The node's own codes (a ghost: none). */
  codes: readonly ErrorCode[];
  /** Model indices, along the drawn edges. */
  parents: number[];
  children: number[];
  /** Short forms for labels. */
  shortJti: string;
  shortIss: string;
  /** In a comparison of two ledgers (diff.ts): where the node is, and its verdict on each side. */
  diff?: NodeDiff;
}

export type DiffMark = 'same' | 'onlyA' | 'onlyB' | 'changed';

export interface NodeDiff {
  mark: DiffMark;
  /** The verdict in ledger A (the open one) and B, or null where the node is not. */
  a: { status: NodeStatus; codes: readonly ErrorCode[] } | null;
  b: { status: NodeStatus; codes: readonly ErrorCode[] } | null;
}

export interface GEdge {
  key: string;
  /** Model node indices: the parent (or ghost) and the child. */
  source: number;
  target: number;
  /** The predecessor id the child names. */
  pred: string;
  codes: readonly ErrorCode[];
  /**
   * Seconds by which the child's iat precedes the parent's when that is within
   * the clock skew (no violation, but worth a warning); 0 otherwise.
   */
  nearMiss: number;
  /** In a comparison: the edge is in A only, in B only, or in both. */
  diff?: 'onlyA' | 'onlyB' | 'same';
}

export interface GraphModel {
  nodes: GNode[];
  edges: GEdge[];
  byKey: Map<string, number>;
  /** Model indices by jti (duplicates give several). */
  byJti: Map<string, number[]>;
  /** Count of violations per model node (tokens only). */
  violationCount: Int32Array;
  counts: {
    tokens: number;
    valid: number;
    invalid: number;
    tainted: number;
    ghosts: number;
    violations: number;
  };
}

/** `spiffe://example.com/agent/a` → `agent/a`; URLs and other ids → their last two path segments. */
export function shortIssuer(iss: string | null): string {
  if (!iss) return '(no iss)';
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(iss);
  const path = m ? m[1]! : iss;
  const parts = path.split('/').filter(Boolean);
  const tail = parts.slice(-2).join('/');
  return tail.length > 28 ? `…${tail.slice(-27)}` : tail || iss;
}

export function shortId(id: string | null, length = 8): string {
  if (id === null) return '(no jti)';
  return id.length > length ? `${id.slice(0, length)}…` : id;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function buildModel(audit: AuditReport, clockSkew: number): GraphModel {
  const run = modelSteps(audit, clockSkew);
  let step = run.next();
  while (!step.done) step = run.next();
  return step.value;
}

/**
 * buildModel in slices of about `sliceMs` of work, awaiting `pause()` between them (the same
 * model). Built during the Graph tab's first render, 100,000 tokens' model was a task of 0.2 s at
 * load 5 and 1.9 s at load 15, most of it garbage collection (issue 17, profiled).
 */
export async function buildModelInSlices(
  audit: AuditReport,
  clockSkew: number,
  pause: () => Promise<void>,
  sliceMs = 30,
): Promise<GraphModel> {
  const run = modelSteps(audit, clockSkew);
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

/** Nodes or edges between two chances to pause. */
const MODEL_SLICE = 2000;

function* modelSteps(audit: AuditReport, clockSkew: number): Generator<void, GraphModel, void> {
  const nodes: GNode[] = [];
  const byJti = new Map<string, number[]>();
  // A ledger has few issuers and many tokens: each issuer's short form is made once.
  const shortIss = new Map<string | null, string>();
  for (const a of audit.nodes) {
    if (nodes.length % MODEL_SLICE === MODEL_SLICE - 1) yield;
    const p = a.report.payload;
    const jti = a.record?.jti ?? a.jti;
    const iss = str(p?.iss);
    let short = shortIss.get(iss);
    if (short === undefined) shortIss.set(iss, (short = shortIssuer(iss)));
    const node: GNode = {
      key: `t${a.index}`,
      kind: 'task',
      index: a.index,
      jti,
      iss,
      act: str(p?.exec_act),
      wid: a.record?.wid ?? null,
      iat: a.record?.iat ?? null,
      status: a.valid ? (a.tainted ? 'tainted' : 'valid') : 'invalid',
      codes: a.codes,
      parents: [],
      children: [],
      shortJti: shortId(jti),
      shortIss: short,
    };
    nodes.push(node);
    if (jti !== null) {
      const list = byJti.get(jti);
      if (list) list.push(nodes.length - 1);
      else byJti.set(jti, [nodes.length - 1]);
    }
  }
  const tokens = nodes.length;
  const ghostOf = new Map<string, number>();
  const ghost = (pred: string) => {
    let i = ghostOf.get(pred);
    if (i === undefined) {
      i = nodes.length;
      ghostOf.set(pred, i);
      nodes.push({
        key: `g${i - tokens}`,
        kind: 'ghost',
        index: -1,
        jti: pred,
        iss: null,
        act: null,
        wid: null,
        iat: null,
        status: 'ghost',
        codes: [],
        parents: [],
        children: [],
        shortJti: shortId(pred),
        shortIss: '',
      });
    }
    return i;
  };
  const edges: GEdge[] = [];
  yield;
  for (const e of audit.edges) {
    if (edges.length % MODEL_SLICE === MODEL_SLICE - 1) yield;
    const source = e.to === null ? ghost(e.pred) : e.to;
    const target = e.from;
    const child = nodes[target]!;
    const parent = nodes[source]!;
    let nearMiss = 0;
    if (
      !e.codes.includes('temporal_violation') &&
      parent.iat !== null &&
      child.iat !== null &&
      parent.iat > child.iat &&
      parent.iat <= child.iat + clockSkew
    ) {
      nearMiss = parent.iat - child.iat;
    }
    edges.push({ key: `e${edges.length}`, source, target, pred: e.pred, codes: e.codes, nearMiss });
    parent.children.push(target);
    child.parents.push(source);
  }
  const violationCount = new Int32Array(nodes.length);
  for (const v of audit.violations) if (v.index < tokens) violationCount[v.index]!++;
  yield;
  // In slices too: 250,000 keys put in a Map in one go were a task of 210 ms (profiled, load 3-8).
  const byKey = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) {
    if (i % MODEL_SLICE === MODEL_SLICE - 1) yield;
    byKey.set(nodes[i]!.key, i);
  }
  let valid = 0;
  let invalid = 0;
  let tainted = 0;
  for (let i = 0; i < tokens; i++) {
    const s = nodes[i]!.status;
    if (s === 'invalid') invalid++;
    else if (s === 'tainted') tainted++;
    else valid++;
  }
  return {
    nodes,
    edges,
    byKey,
    byJti,
    violationCount,
    counts: {
      tokens,
      valid,
      invalid,
      tainted,
      ghosts: nodes.length - tokens,
      violations: audit.violations.length,
    },
  };
}

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
  const byKey = new Map<string, number>();
  nodes.forEach((n, i) => byKey.set(n.key, i));
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

// ---------------------------------------------------------------- facets and filters

export interface Facet {
  value: string;
  label: string;
  count: number;
}

export const NONE = '\u0000none';

/** Distinct values of a node field with counts, most frequent first. */
export function facets(model: GraphModel, field: 'wid' | 'iss' | 'act'): Facet[] {
  const counts = new Map<string, number>();
  for (const n of model.nodes) {
    if (n.kind !== 'task') continue;
    const v = n[field] ?? NONE;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts]
    .map(([value, count]) => ({
      value,
      count,
      label: value === NONE ? `(no ${field === 'act' ? 'exec_act' : field})` : value,
    }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

export type StatusFilter = 'all' | 'problems' | 'invalid' | 'tainted' | 'valid';

export interface Filters {
  wid: string | null;
  iss: string | null;
  act: string | null;
  status: StatusFilter;
}

export const NO_FILTERS: Filters = { wid: null, iss: null, act: null, status: 'all' };

export function filtersActive(f: Filters): boolean {
  return f.wid !== null || f.iss !== null || f.act !== null || f.status !== 'all';
}

/** Which model nodes pass the filters; a ghost passes when one of its children does (and the status allows). */
export function visibleNodes(model: GraphModel, f: Filters): Uint8Array {
  const out = new Uint8Array(model.nodes.length);
  const statusOk = (s: NodeStatus) =>
    f.status === 'all' ||
    (f.status === 'problems' ? s !== 'valid' : f.status === 'invalid' ? s === 'invalid' : s === f.status);
  model.nodes.forEach((n, i) => {
    if (n.kind !== 'task') return;
    if (f.wid !== null && (n.wid ?? NONE) !== f.wid) return;
    if (f.iss !== null && (n.iss ?? NONE) !== f.iss) return;
    if (f.act !== null && (n.act ?? NONE) !== f.act) return;
    if (!statusOk(n.status)) return;
    out[i] = 1;
  });
  model.nodes.forEach((n, i) => {
    if (
      n.kind === 'ghost' &&
      n.children.some((c) => out[c]) &&
      (f.status === 'all' || f.status === 'problems')
    )
      out[i] = 1;
  });
  return out;
}

// ---------------------------------------------------------------- the view: groups

export type GroupMode = 'none' | 'iss' | 'wid';

/**
 * The grouping asked for: 'auto' draws every node up to AUTO_GROUP_THRESHOLD and the problems
 * first past it; 'problems' pins the problems and collapses the rest (overview.ts).
 */
export type GroupSetting = GroupMode | 'auto' | 'problems';

/** Past this many visible nodes, 'auto' shows the problems first and collapses the rest. */
export const AUTO_GROUP_THRESHOLD = 2000;

export interface GroupInfo {
  key: string;
  mode: 'iss' | 'wid';
  value: string;
  label: string;
  members: number[];
  tokens: number;
  invalid: number;
  tainted: number;
  ghosts: number;
  violations: number;
}

export type ViewNode =
  { key: string; kind: 'task' | 'ghost'; model: number } | { key: string; kind: 'group'; group: GroupInfo };

export interface ViewEdge {
  key: string;
  source: number;
  target: number;
  codes: readonly ErrorCode[];
  nearMiss: number;
  /** Model edges folded into this one (groups). */
  count: number;
  /** The model edge when not aggregated. */
  model: number | null;
  ghost: boolean;
}

export interface View {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** View node index for each model node (its group when collapsed), -1 when filtered out. */
  placeOf: Int32Array;
  byKey: Map<string, number>;
  groupMode: GroupMode;
  hidden: number;
}

export function groupKey(mode: 'iss' | 'wid', value: string): string {
  return `G:${mode}:${value}`;
}

export function groupValue(model: GraphModel, i: number, mode: 'iss' | 'wid'): string {
  const n = model.nodes[i]!;
  if (n.kind === 'ghost') {
    // A ghost goes with its first child.
    const c = n.children[0];
    return c === undefined ? NONE : groupValue(model, c, mode);
  }
  return (mode === 'iss' ? n.iss : n.wid) ?? NONE;
}

/**
 * The drawn graph: the nodes `visible` lets through, collapsed by `mode` except the `expanded`
 * groups and the `pinned` nodes (drawn one by one whatever their group).
 */
export function buildView(
  model: GraphModel,
  visible: Uint8Array,
  mode: GroupMode,
  expanded: ReadonlySet<string>,
  pinned: Uint8Array | null = null,
): View {
  const placeOf = new Int32Array(model.nodes.length).fill(-1);
  const nodes: ViewNode[] = [];
  const groups = new Map<string, GroupInfo>();
  const groupAt = new Map<string, number>();
  let hidden = 0;
  for (let i = 0; i < model.nodes.length; i++) {
    if (!visible[i]) {
      hidden++;
      continue;
    }
    const n = model.nodes[i]!;
    if (mode !== 'none' && !pinned?.[i]) {
      const value = groupValue(model, i, mode);
      const key = groupKey(mode, value);
      if (!expanded.has(key)) {
        let g = groups.get(key);
        if (!g) {
          g = {
            key,
            mode,
            value,
            label: value === NONE ? `(no ${mode})` : mode === 'iss' ? shortIssuer(value) : shortId(value, 13),
            members: [],
            tokens: 0,
            invalid: 0,
            tainted: 0,
            ghosts: 0,
            violations: 0,
          };
          groups.set(key, g);
          groupAt.set(key, nodes.length);
          nodes.push({ key, kind: 'group', group: g });
        }
        placeOf[i] = groupAt.get(key)!;
        g.members.push(i);
        if (n.kind === 'ghost') g.ghosts++;
        else {
          g.tokens++;
          if (n.status === 'invalid') g.invalid++;
          if (n.status === 'tainted') g.tainted++;
          g.violations += model.violationCount[i]!;
        }
        continue;
      }
    }
    placeOf[i] = nodes.length;
    nodes.push({ key: n.key, kind: n.kind, model: i });
  }
  // Edges; those touching a group are folded per (source, target) pair, those inside one dropped.
  const edges: ViewEdge[] = [];
  const folded = new Map<string, ViewEdge>();
  model.edges.forEach((e, k) => {
    const s = placeOf[e.source]!;
    const t = placeOf[e.target]!;
    if (s < 0 || t < 0) return;
    const aggregated = nodes[s]!.kind === 'group' || nodes[t]!.kind === 'group';
    if (!aggregated) {
      edges.push({
        key: e.key,
        source: s,
        target: t,
        codes: e.codes,
        nearMiss: e.nearMiss,
        count: 1,
        model: k,
        ghost: model.nodes[e.source]!.kind === 'ghost',
      });
      return;
    }
    if (s === t) return; // inside one group
    const key = `${nodes[s]!.key}->${nodes[t]!.key}`;
    const f = folded.get(key);
    if (f) {
      f.count++;
      f.nearMiss = Math.max(f.nearMiss, e.nearMiss);
      if (e.codes.some((c) => !f.codes.includes(c))) f.codes = [...new Set([...f.codes, ...e.codes])];
    } else {
      const edge: ViewEdge = {
        key: `f:${key}`,
        source: s,
        target: t,
        codes: e.codes,
        nearMiss: e.nearMiss,
        count: 1,
        model: null,
        ghost: false,
      };
      folded.set(key, edge);
      edges.push(edge);
    }
  });
  const byKey = new Map<string, number>();
  nodes.forEach((v, i) => byKey.set(v.key, i));
  return { nodes, edges, placeOf, byKey, groupMode: mode, hidden };
}

/** The group a model node would fall in under `mode`. */
export function groupOf(model: GraphModel, i: number, mode: 'iss' | 'wid'): string {
  return groupKey(mode, groupValue(model, i, mode));
}

export function countVisible(visible: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < visible.length; i++) c += visible[i]!;
  return c;
}

/** Model nodes whose jti starts with `prefix` (case-insensitive), in ledger order; at most `limit`. */
export function searchJti(model: GraphModel, prefix: string, limit = 10): number[] {
  const p = prefix.trim().toLowerCase();
  if (!p) return [];
  const out: number[] = [];
  for (let i = 0; i < model.nodes.length && out.length < limit; i++) {
    const j = model.nodes[i]!.jti;
    if (j !== null && j.toLowerCase().startsWith(p)) out.push(i);
  }
  return out;
}

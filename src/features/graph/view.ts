/**
 * What the Graph draws of its model: the facets and filters (which nodes pass), the groups (by issuer
 * or workflow, or problems first past a size), and the view built from them (nodes, group boxes,
 * edges between what is shown); and the jti search. The model itself is model.ts.
 */
import { type ErrorCode } from 'wimse-ect';
import { shortId, shortIssuer, type GraphModel, type NodeStatus } from './model.ts';

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
  // Per group value (an iss or a wid: the same few strings, repeated), its view node, or -1 when
  // the group is expanded. Keyed by the value, not by its group key: making the key for each of
  // 250,000 nodes and looking it up three times was most of an opening's longest task (210 ms
  // with the scavenges its strings cost; issue 17, profiled in session 10).
  const groupOfValue = new Map<string, number>();
  let hidden = 0;
  for (let i = 0; i < model.nodes.length; i++) {
    if (!visible[i]) {
      hidden++;
      continue;
    }
    const n = model.nodes[i]!;
    if (mode !== 'none' && !pinned?.[i]) {
      const value = groupValue(model, i, mode);
      let at = groupOfValue.get(value);
      if (at === undefined) {
        const key = groupKey(mode, value);
        at = expanded.has(key) ? -1 : nodes.length;
        groupOfValue.set(value, at);
        if (at >= 0) {
          const group: GroupInfo = {
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
          nodes.push({ key, kind: 'group', group });
        }
      }
      if (at >= 0) {
        const g = (nodes[at] as Extract<ViewNode, { kind: 'group' }>).group;
        placeOf[i] = at;
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
  const folded = new Map<number, ViewEdge>(); // by source x nodes + target: no string per edge
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
    const pair = s * nodes.length + t;
    const f = folded.get(pair);
    if (f) {
      f.count++;
      f.nearMiss = Math.max(f.nearMiss, e.nearMiss);
      if (e.codes.some((c) => !f.codes.includes(c))) f.codes = [...new Set([...f.codes, ...e.codes])];
    } else {
      const edge: ViewEdge = {
        key: `f:${nodes[s]!.key}->${nodes[t]!.key}`,
        source: s,
        target: t,
        codes: e.codes,
        nearMiss: e.nearMiss,
        count: 1,
        model: null,
        ghost: false,
      };
      folded.set(pair, edge);
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

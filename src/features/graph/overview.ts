/**
 * How a large graph is drawn so that it still says something: which grouping
 * fits the data (by workflow when workflows keep their edges to themselves,
 * by agent when they do not), and the problems-first overview: the invalid
 * tasks, the missing parents and the paths that connect them drawn one by
 * one, everything else (the tainted mass included) collapsed into groups.
 * Pure and linear in the nodes and edges: no React, no DOM.
 */
import { type GraphModel } from './model.ts';
import { AUTO_GROUP_THRESHOLD, groupOf, groupValue, type GroupMode, type GroupSetting } from './view.ts';
import { connecting } from './traverse.ts';

/** More groups than this say no more than the nodes would: that grouping is not chosen. */
export const MAX_GROUPS = 300;
/** At most this many nodes are pinned (drawn one by one) in a collapsed view. */
export const PIN_LIMIT = 1000;

export interface GroupingChoice {
  mode: 'iss' | 'wid';
  groups: number;
  /** Share of the visible edges that run between two groups (0: every edge inside one). */
  crossing: number;
}

/** How well a grouping keeps the edges inside its groups. */
function score(model: GraphModel, visible: Uint8Array, mode: 'iss' | 'wid'): GroupingChoice {
  const values = new Map<string, number>();
  const groupOfNode = new Int32Array(model.nodes.length).fill(-1);
  for (let i = 0; i < model.nodes.length; i++) {
    if (!visible[i]) continue;
    const v = groupValue(model, i, mode);
    let g = values.get(v);
    if (g === undefined) {
      g = values.size;
      values.set(v, g);
    }
    groupOfNode[i] = g;
  }
  let edges = 0;
  let crossing = 0;
  for (const e of model.edges) {
    const s = groupOfNode[e.source]!;
    const t = groupOfNode[e.target]!;
    if (s < 0 || t < 0 || e.source === e.target) continue;
    edges++;
    if (s !== t) crossing++;
  }
  return { mode, groups: values.size, crossing: edges ? crossing / edges : 0 };
}

/**
 * The grouping for this data: of by-workflow and by-agent, the one whose groups keep more of the
 * edges inside them, among those that make between 2 and MAX_GROUPS groups. When every workflow
 * runs across every agent, grouping by agent cuts nearly every edge and by workflow none.
 */
export function chooseGrouping(model: GraphModel, visible: Uint8Array): GroupingChoice {
  const both = [score(model, visible, 'wid'), score(model, visible, 'iss')];
  const fit = both.filter((c) => c.groups >= 2 && c.groups <= MAX_GROUPS);
  if (fit.length) return fit.sort((a, b) => a.crossing - b.crossing || a.groups - b.groups)[0]!;
  // Neither fits: fewer (but more than one) groups say more than thousands of them.
  const some = both.filter((c) => c.groups >= 2).sort((a, b) => a.groups - b.groups);
  return some[0] ?? both[1]!;
}

/**
 * The problems of the visible nodes (invalid tasks and missing parents) and the nodes on the paths
 * that connect them. Past PIN_LIMIT, the paths are left out; past it again, null.
 */
export function problemNodes(model: GraphModel, visible: Uint8Array): Uint8Array | null {
  const n = model.nodes.length;
  const problems = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = model.nodes[i]!.status;
    if (visible[i] && (s === 'invalid' || s === 'ghost')) {
      problems[i] = 1;
      count++;
    }
  }
  if (count > PIN_LIMIT) return null;
  const paths = connecting(model, problems);
  let withPaths = 0;
  for (let i = 0; i < n; i++) {
    paths[i] = paths[i]! & visible[i]!;
    withPaths += paths[i]!;
  }
  return withPaths <= PIN_LIMIT ? paths : problems;
}

/** What is drawn: the grouping in effect and the nodes drawn one by one whatever their group. */
export interface ViewPlan {
  mode: GroupMode;
  pinned: Uint8Array | null;
  /** Whether the problems-first overview is in effect. */
  problemsFirst: boolean;
  /** How the grouping was chosen, when it was ('auto' or 'problems'). */
  choice: GroupingChoice | null;
}

/**
 * The view plan of a grouping setting. `extra` are nodes to pin as well (the critical path), in a
 * collapsed view.
 */
export function viewPlan(
  model: GraphModel,
  visible: Uint8Array,
  visibleCount: number,
  setting: GroupSetting,
  extra: Uint8Array | null = null,
): ViewPlan {
  if (setting === 'none' || (setting === 'auto' && visibleCount <= AUTO_GROUP_THRESHOLD)) {
    return { mode: 'none', pinned: null, problemsFirst: false, choice: null };
  }
  if (setting === 'iss' || setting === 'wid') {
    return { mode: setting, pinned: extra, problemsFirst: false, choice: null };
  }
  const choice = chooseGrouping(model, visible);
  let pinned = problemNodes(model, visible);
  if (extra) {
    pinned ??= new Uint8Array(model.nodes.length);
    for (let i = 0; i < pinned.length; i++) pinned[i] = pinned[i]! | (extra[i]! & visible[i]!);
  }
  return { mode: choice.mode, pinned, problemsFirst: true, choice };
}

/**
 * The plan's pinned nodes and the nodes `pins` names (model keys) as well, in a collapsed view;
 * the plan's own array when there is nothing to add.
 */
export function withPins(model: GraphModel, plan: ViewPlan, pins: ReadonlySet<string>): Uint8Array | null {
  if (plan.mode === 'none' || pins.size === 0) return plan.pinned;
  const out = plan.pinned ? plan.pinned.slice() : new Uint8Array(model.nodes.length);
  for (const key of pins) {
    const i = model.byKey.get(key);
    if (i !== undefined) out[i] = 1;
  }
  return out;
}

/** How many visible nodes a collapsed group holds under a plan. */
export function groupSize(model: GraphModel, plan: ViewPlan, visible: Uint8Array, group: string): number {
  let count = 0;
  for (let i = 0; i < model.nodes.length; i++)
    if (visible[i] && placeUnder(model, plan, i) === group) count++;
  return count;
}

/** The group a model node falls in under a plan, or null when it is drawn on its own. */
export function placeUnder(model: GraphModel, plan: ViewPlan, i: number): string | null {
  if (plan.mode === 'none' || plan.pinned?.[i]) return null;
  return groupOf(model, i, plan.mode);
}

/**
 * The Graph tab's view state: what is selected, the filters, the layout
 * direction, grouping and the timeline's mode. Kept apart from the ledgers
 * (src/state/ledgers.ts), which hold the data.
 */
import { create } from 'zustand';
import { useLedgers } from '../../state/ledgers.ts';
import type { Direction } from './layout/layered.ts';
import {
  countVisible,
  effectiveMode,
  groupOf,
  NO_FILTERS,
  visibleNodes,
  type Filters,
  type GraphModel,
  type GroupMode,
} from './model.ts';

export interface GraphViewState {
  /** A model node key (`t12`, `g3`) or a group key (`G:iss:…`). */
  selected: string | null;
  /** Bumped to ask the canvas to centre the selection (search, timeline, links). */
  centerTick: number;
  filters: Filters;
  direction: Direction;
  /** 'auto' collapses by agent past AUTO_GROUP_THRESHOLD visible nodes. */
  grouping: GroupMode | 'auto';
  expanded: ReadonlySet<string>;
  timelineMode: 'tasks' | 'agents';
  select(key: string | null, opts?: { center?: boolean }): void;
  setFilters(patch: Partial<Filters>): void;
  setDirection(d: Direction): void;
  setGrouping(g: GroupMode | 'auto'): void;
  expand(key: string): void;
  collapse(key: string): void;
  collapseAll(): void;
  setTimelineMode(m: 'tasks' | 'agents'): void;
  /** Back to nothing selected, no filters, nothing expanded (another ledger was opened). */
  reset(): void;
}

export const useGraphView = create<GraphViewState>()((set) => ({
  selected: null,
  centerTick: 0,
  filters: NO_FILTERS,
  direction: 'LR',
  grouping: 'auto',
  expanded: new Set(),
  timelineMode: 'tasks',
  select: (key, opts) =>
    set((s) => ({ selected: key, centerTick: opts?.center ? s.centerTick + 1 : s.centerTick })),
  setFilters: (patch) => set((s) => ({ filters: { ...s.filters, ...patch } })),
  setDirection: (direction) => set({ direction }),
  setGrouping: (grouping) => set({ grouping, expanded: new Set() }),
  expand: (key) => set((s) => ({ expanded: new Set([...s.expanded, key]) })),
  collapse: (key) =>
    set((s) => {
      const next = new Set(s.expanded);
      next.delete(key);
      return { expanded: next };
    }),
  collapseAll: () => set({ expanded: new Set() }),
  setTimelineMode: (timelineMode) => set({ timelineMode }),
  reset: () => set({ selected: null, filters: NO_FILTERS, expanded: new Set() }),
}));

// Selections name nodes by their position in the ledger: they mean nothing in another ledger.
useLedgers.subscribe((s, prev) => {
  if (s.currentId !== prev.currentId) useGraphView.getState().reset();
});

/** Selects model node i and centres it, clearing filters or expanding its group when they hide it. */
export function revealNode(model: GraphModel, i: number): void {
  const st = useGraphView.getState();
  let vis = visibleNodes(model, st.filters);
  if (!vis[i]) {
    st.setFilters(NO_FILTERS);
    vis = visibleNodes(model, NO_FILTERS);
  }
  const md = effectiveMode(st.grouping, countVisible(vis));
  if (md !== 'none') {
    const g = groupOf(model, i, md);
    if (!st.expanded.has(g)) st.expand(g);
  }
  st.select(model.nodes[i]!.key, { center: true });
}

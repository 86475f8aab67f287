/**
 * The Graph tab's view state: what is selected, the filters and the selection
 * query, the layout direction, grouping, critical path, the ledger compared
 * with, the violation being shown, and which panels are open. Kept apart
 * from the ledgers (src/state/ledgers.ts), which hold the data. Everything but
 * the panels is written to the address (useGraphRoute.ts).
 */
import { create } from 'zustand';
import { useLedgers } from '../../state/ledgers.ts';
import type { Direction } from './layout/layered.ts';
import { NO_FILTERS, type Filters, type GroupSetting } from './view.ts';

export type PanelTab = 'filters' | 'violations' | 'legend';

/** The view state that the address carries. */
export interface GraphView {
  filters: Filters;
  /** A selection in the syntax of selection.ts; '' selects everything. */
  query: string;
  direction: Direction;
  grouping: GroupSetting;
  expanded: ReadonlySet<string>;
  /** Draw each workflow's critical path. */
  critical: boolean;
  /** The id of the ledger the open one is compared with, or null. */
  compare: string | null;
  /** The violation being shown (its position in the audit's list), or null. */
  violation: number | null;
}

export const DEFAULT_VIEW: GraphView = {
  filters: NO_FILTERS,
  query: '',
  direction: 'LR',
  grouping: 'auto',
  expanded: new Set(),
  critical: false,
  compare: null,
  violation: null,
};

export interface GraphViewState extends GraphView {
  /** A model node key (`t12`, `g3`) or a group key (`G:iss:…`). */
  selected: string | null;
  /** Bumped to ask the canvas to centre (and zoom on) the selection: search, timeline, links. */
  centerTick: number;
  /** Other node keys to frame with the selection at the next centring (an edge's other end). */
  frame: readonly string[];
  /**
   * Model node keys drawn on their own, outside a collapsed group too large to open for them
   * (revealNode): cleared with the expanded groups.
   */
  pins: ReadonlySet<string>;
  timelineMode: 'tasks' | 'agents';
  /** The side panel on the left (filters, violations, legend), or null when folded away. */
  panel: PanelTab | null;
  timelineOpen: boolean;
  select(key: string | null, opts?: { center?: boolean; frame?: readonly string[] }): void;
  setFilters(patch: Partial<Filters>): void;
  setQuery(query: string): void;
  setDirection(d: Direction): void;
  setGrouping(g: GroupSetting): void;
  expand(key: string): void;
  pin(key: string): void;
  collapse(key: string): void;
  collapseAll(): void;
  setCritical(on: boolean): void;
  setCompare(id: string | null): void;
  setViolation(k: number | null): void;
  /** Sets several parts of the view at once (from the address). */
  setView(view: Partial<GraphView>): void;
  setTimelineMode(m: 'tasks' | 'agents'): void;
  setPanel(p: PanelTab | null): void;
  setTimelineOpen(open: boolean): void;
  /** Back to nothing selected, no filters, nothing expanded (another ledger was opened). */
  reset(): void;
}

/** Narrow screens open with the panels folded: the canvas first. */
const wide = () => typeof matchMedia === 'undefined' || matchMedia('(min-width: 1024px)').matches;
/** The timeline opens under the canvas when there is height for both. */
const tall = () => wide() && matchMedia('(min-height: 860px)').matches;

export const useGraphView = create<GraphViewState>()((set) => ({
  ...DEFAULT_VIEW,
  selected: null,
  centerTick: 0,
  frame: [],
  pins: new Set(),
  timelineMode: 'tasks',
  panel: wide() ? 'filters' : null,
  timelineOpen: typeof matchMedia !== 'undefined' && tall(),
  select: (key, opts) =>
    set((s) => ({
      selected: key,
      centerTick: opts?.center ? s.centerTick + 1 : s.centerTick,
      frame: opts?.frame ?? [],
    })),
  setFilters: (patch) => set((s) => ({ filters: { ...s.filters, ...patch } })),
  setQuery: (query) => set({ query }),
  setDirection: (direction) => set({ direction }),
  setGrouping: (grouping) => set({ grouping, expanded: new Set(), pins: new Set() }),
  expand: (key) => set((s) => ({ expanded: new Set([...s.expanded, key]) })),
  pin: (key) => set((s) => ({ pins: new Set([...s.pins, key]) })),
  collapse: (key) =>
    set((s) => {
      const next = new Set(s.expanded);
      next.delete(key);
      return { expanded: next };
    }),
  collapseAll: () => set({ expanded: new Set(), pins: new Set() }),
  setCritical: (critical) => set({ critical }),
  setCompare: (compare) =>
    set({ compare, selected: null, violation: null, expanded: new Set(), pins: new Set() }),
  setViolation: (violation) => set({ violation }),
  setView: (view) => set(view),
  setTimelineMode: (timelineMode) => set({ timelineMode }),
  setPanel: (panel) => set({ panel }),
  setTimelineOpen: (timelineOpen) => set({ timelineOpen }),
  reset: () =>
    set({
      selected: null,
      frame: [],
      filters: NO_FILTERS,
      query: '',
      expanded: new Set(),
      pins: new Set(),
      compare: null,
      violation: null,
    }),
}));

// Selections name nodes by their position in the ledger: they mean nothing in another ledger.
useLedgers.subscribe((s, prev) => {
  if (s.currentId !== prev.currentId) useGraphView.getState().reset();
});

/**
 * The Simulate tab's state: the scenario being shown (built-in, saved, from
 * a file, or edited), the fault switches, and the run with its steps, its
 * stores and the fault results. The running `Simulation` (which holds the
 * agents' CryptoKeys) lives beside the store, not in it.
 */
import { create } from 'zustand';
import {
  builtinScenario,
  BUILTIN_SCENARIOS,
  defaultFaultTask,
  FAULT_KINDS,
  faultProblem,
  parseScenarioFile,
  Simulation,
  validateScenario,
  type FaultKind,
  type FaultResult,
  type FaultSetting,
  type Scenario,
  type ScenarioProblem,
  type SimStep,
  type StoreView,
} from './engine/index.ts';
import { listSaved, removeSaved, saveScenario, type SavedScenario } from './savedScenarios.ts';

export type ScenarioSource =
  { kind: 'builtin'; id: string } | { kind: 'saved'; name: string } | { kind: 'file'; name: string };

export type FaultSwitches = Record<FaultKind, { enabled: boolean; task: string | null }>;

export interface RunState {
  status: 'idle' | 'running' | 'done';
  steps: SimStep[];
  /** Steps the run will take in all (known once started). */
  total: number;
  startTime: number | null;
  clock: number | null;
  stores: StoreView[];
  faultResults: FaultResult[];
  runTag: string | null;
}

const IDLE_RUN: RunState = {
  status: 'idle',
  steps: [],
  total: 0,
  startTime: null,
  clock: null,
  stores: [],
  faultResults: [],
  runTag: null,
};

export interface Notice {
  tone: 'ok' | 'error';
  text: string;
}

interface SimulateState {
  source: ScenarioSource;
  /** True once the scenario was changed in the editor since it was loaded. */
  edited: boolean;
  scenario: Scenario;
  problems: ScenarioProblem[];
  faults: FaultSwitches;
  run: RunState;
  busy: boolean;
  error: string | null;
  /** The step shown in detail; null: the latest. */
  selected: number | null;
  saved: SavedScenario[];
  /** The outcome of the last save / load / import, for the scenario bar. */
  notice: Notice | null;
  editorOpen: boolean;

  loadBuiltin(id: string): void;
  loadSaved(name: string): void;
  importFile(name: string, text: string): void;
  saveInBrowser(): void;
  deleteSaved(name: string): void;
  edit(change: (draft: Scenario) => void): void;
  setFault(kind: FaultKind, patch: { enabled?: boolean; task?: string }): void;
  setEditorOpen(open: boolean): void;
  dismissNotice(): void;
  next(): Promise<void>;
  runAll(): Promise<void>;
  reset(): void;
  select(n: number | null): void;
  /** The run in progress (for "Save run to a ledger"), or null. */
  simulation(): Simulation | null;
}

let sim: Simulation | null = null;
/** Bumped by every reset: a step still running for an older run then drops its result. */
let generation = 0;

function defaultFaults(s: Scenario, keep?: FaultSwitches): FaultSwitches {
  const out = {} as FaultSwitches;
  for (const kind of FAULT_KINDS) {
    const prev = keep?.[kind];
    const task = prev?.task && !faultProblem(kind, s, prev.task) ? prev.task : defaultFaultTask(kind, s);
    out[kind] = { enabled: !!prev?.enabled && task !== null, task };
  }
  return out;
}

export function enabledFaults(f: FaultSwitches): FaultSetting[] {
  return FAULT_KINDS.filter((k) => f[k].enabled && f[k].task).map((k) => ({ kind: k, task: f[k].task! }));
}

const FIRST = BUILTIN_SCENARIOS[0]!;

export const useSimulate = create<SimulateState>()((set, get) => {
  const stopRun = () => {
    sim = null;
    generation++;
    return { run: IDLE_RUN, busy: false, error: null, selected: null };
  };
  const show = (scenario: Scenario, source: ScenarioSource, notice: Notice | null = null) => {
    set({
      ...stopRun(),
      scenario,
      source,
      edited: false,
      problems: validateScenario(scenario),
      faults: defaultFaults(scenario),
      notice,
    });
  };
  const refreshRun = async (s: Simulation, gen: number) => {
    const stores = await s.storeViews();
    if (gen !== generation) return;
    set({
      run: {
        status: s.done ? 'done' : 'running',
        steps: [...s.steps],
        total: s.length,
        startTime: s.startTime,
        clock: s.clock,
        stores,
        faultResults: s.faultResults(),
        runTag: s.runTag,
      },
    });
  };
  /** Starts the run when there is none; null (with the error shown) when it cannot start. */
  const ensure = async (gen: number): Promise<Simulation | null> => {
    if (sim) return sim;
    const { scenario, faults } = get();
    try {
      const started = await Simulation.start(scenario, { faults: enabledFaults(faults) });
      if (gen !== generation) return null;
      sim = started;
      return started;
    } catch (e) {
      if (gen === generation) set({ error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  };
  const stepping = async (all: boolean) => {
    if (get().busy) return;
    const gen = generation;
    set({ busy: true, error: null });
    try {
      const s = await ensure(gen);
      if (!s || gen !== generation) return;
      if (all) {
        while (!s.done) {
          await s.next();
          if (gen !== generation) return;
        }
      } else await s.next();
      await refreshRun(s, gen);
      // After Run all, open the first step that did not simply pass (a fault caught, an expected
      // finding); after Next step, the step just run.
      const notable = all
        ? s.steps.find((x) => x.outcome === 'refused' || x.outcome === 'partial')
        : undefined;
      if (gen === generation) set({ selected: notable?.n ?? null });
    } catch (e) {
      if (gen === generation) set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      if (gen === generation) set({ busy: false });
    }
  };

  const initial = builtinScenario(FIRST.id)!;
  return {
    source: { kind: 'builtin', id: FIRST.id },
    edited: false,
    scenario: initial,
    problems: validateScenario(initial),
    faults: defaultFaults(initial),
    run: IDLE_RUN,
    busy: false,
    error: null,
    selected: null,
    saved: listSaved(),
    notice: null,
    editorOpen: false,

    loadBuiltin(id) {
      const s = builtinScenario(id);
      if (s) show(s, { kind: 'builtin', id });
    },
    loadSaved(name) {
      const found = listSaved().find((x) => x.name === name);
      if (!found) {
        set({
          saved: listSaved(),
          notice: { tone: 'error', text: `No scenario named “${name}” is saved here.` },
        });
        return;
      }
      show(structuredClone(found.scenario) as Scenario, { kind: 'saved', name });
    },
    importFile(name, text) {
      try {
        const { scenario, problems } = parseScenarioFile(text);
        show(
          scenario,
          { kind: 'file', name },
          {
            tone: problems.length ? 'error' : 'ok',
            text: problems.length
              ? `Loaded “${scenario.name}” from ${name}, with ${problems.length} problem${problems.length > 1 ? 's' : ''} to fix in the editor before it can run.`
              : `Loaded “${scenario.name}” from ${name}.`,
          },
        );
        if (problems.length) set({ editorOpen: true });
      } catch (e) {
        set({
          notice: {
            tone: 'error',
            text: `${name} was not loaded: ${e instanceof Error ? e.message : String(e)}.`,
          },
        });
      }
    },
    saveInBrowser() {
      const { scenario } = get();
      try {
        const replaced = saveScenario(scenario);
        set({
          saved: listSaved(),
          source: { kind: 'saved', name: scenario.name },
          edited: false,
          notice: {
            tone: 'ok',
            text: `${replaced ? 'Replaced' : 'Saved'} “${scenario.name}” in this browser.`,
          },
        });
      } catch (e) {
        set({ notice: { tone: 'error', text: e instanceof Error ? e.message : String(e) } });
      }
    },
    deleteSaved(name) {
      try {
        removeSaved(name);
        set({ saved: listSaved(), notice: { tone: 'ok', text: `Deleted the saved scenario “${name}”.` } });
        const { source } = get();
        if (source.kind === 'saved' && source.name === name) set({ edited: true });
      } catch (e) {
        set({ notice: { tone: 'error', text: e instanceof Error ? e.message : String(e) } });
      }
    },
    edit(change) {
      const draft = structuredClone(get().scenario) as Scenario;
      change(draft);
      set({
        ...stopRun(),
        scenario: draft,
        edited: true,
        problems: validateScenario(draft),
        faults: defaultFaults(draft, get().faults),
      });
    },
    setFault(kind, patch) {
      const faults = get().faults;
      set({ ...stopRun(), faults: { ...faults, [kind]: { ...faults[kind], ...patch } } });
    },
    setEditorOpen: (open) => set({ editorOpen: open }),
    dismissNotice: () => set({ notice: null }),
    next: () => stepping(false),
    runAll: () => stepping(true),
    reset: () => set(stopRun()),
    select: (n) => set({ selected: n }),
    simulation: () => sim,
  };
});

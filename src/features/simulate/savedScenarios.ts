/**
 * Scenarios saved in this browser: one small JSON document in localStorage
 * (the IndexedDB schema belongs to the storage layer and is left alone).
 */
import { parseScenarioFile, SCENARIO_FORMAT, SCENARIO_VERSION, toPlain } from './engine/file.ts';
import type { Scenario } from './engine/types.ts';

export const STORAGE_KEY = 'ect-workbench.simulator.scenarios';

export interface SavedScenario {
  name: string;
  savedAt: number;
  scenario: Scenario;
}

interface Stored {
  format: 'ect-workbench-saved-scenarios';
  version: 1;
  scenarios: { savedAt: number; scenario: unknown }[];
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // some privacy settings throw on access
  }
}

/** The saved scenarios, newest first; entries that no longer read are skipped. */
export function listSaved(): SavedScenario[] {
  const raw = storage()?.getItem(STORAGE_KEY);
  if (!raw) return [];
  let doc: Stored;
  try {
    doc = JSON.parse(raw) as Stored;
  } catch {
    return [];
  }
  if (!doc || !Array.isArray(doc.scenarios)) return [];
  const out: SavedScenario[] = [];
  for (const item of doc.scenarios) {
    try {
      const { scenario } = parseScenarioFile(
        JSON.stringify({
          format: SCENARIO_FORMAT,
          version: SCENARIO_VERSION,
          ...(item.scenario as object),
        }),
      );
      out.push({ name: scenario.name, savedAt: item.savedAt, scenario });
    } catch {
      // a damaged entry is left out rather than breaking the list
    }
  }
  return out.sort((a, b) => b.savedAt - a.savedAt);
}

function write(list: SavedScenario[]): void {
  const s = storage();
  if (!s) throw new Error('this browser does not allow saving here (localStorage is unavailable)');
  const doc: Stored = {
    format: 'ect-workbench-saved-scenarios',
    version: 1,
    scenarios: list.map((x) => ({ savedAt: x.savedAt, scenario: toPlain(x.scenario) })),
  };
  try {
    s.setItem(STORAGE_KEY, JSON.stringify(doc));
  } catch (e) {
    throw new Error(`the scenario could not be saved: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

/** Saves the scenario under its name, replacing one saved under the same name. Returns whether it replaced one. */
export function saveScenario(scenario: Scenario): boolean {
  const list = listSaved();
  const replaced = list.some((x) => x.name === scenario.name);
  write([
    { name: scenario.name, savedAt: Date.now(), scenario: toPlain(scenario) },
    ...list.filter((x) => x.name !== scenario.name),
  ]);
  return replaced;
}

export function removeSaved(name: string): void {
  write(listSaved().filter((x) => x.name !== name));
}

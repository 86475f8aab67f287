/**
 * Scenario files: the scenario as JSON with a format marker, and a reader
 * that says exactly what is wrong with a bad file.
 */
import { POLICY_DECISIONS, type PolicyDecision } from 'wimse-ect';
import { findJsonError } from './jsonError.ts';
import type { Scenario, ScenarioAgent, ScenarioTask } from './types.ts';
import { validateScenario, type ScenarioProblem } from './validate.ts';

export const SCENARIO_FORMAT = 'ect-workbench-scenario';
export const SCENARIO_VERSION = 1;

export class ScenarioFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFileError';
  }
}

/** The file text of a scenario (pretty JSON, a trailing newline). */
export function serializeScenario(s: Scenario): string {
  return `${JSON.stringify({ format: SCENARIO_FORMAT, version: SCENARIO_VERSION, ...toPlain(s) }, null, 2)}\n`;
}

/** The scenario without undefined members, in a stable key order. */
export function toPlain(s: Scenario): Scenario {
  const task = (t: ScenarioTask): ScenarioTask => ({
    id: t.id,
    agent: t.agent,
    exec_act: t.exec_act,
    pred: [...t.pred],
    aud: [...t.aud],
    ...(t.wid !== undefined ? { wid: t.wid } : {}),
    ...(t.pol !== undefined ? { pol: t.pol } : {}),
    ...(t.pol_decision !== undefined ? { pol_decision: t.pol_decision } : {}),
    ...(t.inp_hash !== undefined ? { inp_hash: t.inp_hash } : {}),
    ...(t.out_hash !== undefined ? { out_hash: t.out_hash } : {}),
  });
  return {
    name: s.name,
    description: s.description,
    level: s.level,
    ...(s.wid !== undefined ? { wid: s.wid } : {}),
    stores: s.stores,
    partialDag: s.partialDag,
    agents: s.agents.map((a) => ({ name: a.name, issuer: a.issuer, domain: a.domain })),
    tasks: s.tasks.map(task),
    ...(s.faultTask !== undefined ? { faultTask: s.faultTask } : {}),
  };
}

/** What is wrong with text that JSON.parse refused, with the line and column. */
export function describeJsonError(text: string, e: unknown): string {
  const spot = findJsonError(text);
  if (spot) return `not valid JSON: line ${spot.line}, column ${spot.column}: ${spot.message}`;
  return `not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function str(o: Obj, key: string, where: string, opts: { optional?: boolean } = {}) {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string') {
    throw new ScenarioFileError(
      v === undefined ? `${where} has no "${key}"` : `${where}: "${key}" must be a string, not ${kind(v)}`,
    );
  }
  return v;
}

function strList(o: Obj, key: string, where: string): string[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new ScenarioFileError(`${where}: "${key}" must be an array of strings, not ${kind(v)}`);
  }
  return v as string[];
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Reads a scenario file. Throws a `ScenarioFileError` saying what is wrong when the file is not a
 * scenario at all; a scenario that reads but does not validate comes back with its problems (so
 * it can be fixed in the editor).
 */
export function parseScenarioFile(text: string): { scenario: Scenario; problems: ScenarioProblem[] } {
  const source = text.replace(/^\uFEFF/, '');
  if (!source.trim()) throw new ScenarioFileError('the file is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (e) {
    throw new ScenarioFileError(describeJsonError(source, e));
  }
  if (!isObj(doc)) throw new ScenarioFileError(`a scenario file holds a JSON object, not ${kind(doc)}`);
  if (doc.format !== SCENARIO_FORMAT) {
    if (doc.format === 'ect-workbench-ledger') {
      throw new ScenarioFileError('this is a ledger export, not a scenario: import it in the Ledger tab');
    }
    throw new ScenarioFileError(
      doc.format === undefined
        ? `this is not a scenario file: it has no "format": "${SCENARIO_FORMAT}"`
        : `this is not a scenario file: "format" is ${kind(doc.format)}, expected "${SCENARIO_FORMAT}"`,
    );
  }
  if (doc.version !== SCENARIO_VERSION) {
    throw new ScenarioFileError(
      `scenario file version ${kind(doc.version)} is not supported (this workbench reads version ${SCENARIO_VERSION})`,
    );
  }
  const level = doc.level;
  if (level !== 'L2' && level !== 'L3') {
    throw new ScenarioFileError(`"level" must be "L2" or "L3", not ${kind(level)}`);
  }
  const stores = doc.stores ?? 'shared';
  if (stores !== 'shared' && stores !== 'per-domain') {
    throw new ScenarioFileError(`"stores" must be "shared" or "per-domain", not ${kind(stores)}`);
  }
  if (doc.partialDag !== undefined && typeof doc.partialDag !== 'boolean') {
    throw new ScenarioFileError(`"partialDag" must be true or false, not ${kind(doc.partialDag)}`);
  }
  if (!Array.isArray(doc.agents)) throw new ScenarioFileError('"agents" must be an array of agents');
  if (!Array.isArray(doc.tasks)) throw new ScenarioFileError('"tasks" must be an array of tasks');

  const agents: ScenarioAgent[] = doc.agents.map((a, i) => {
    const where = `agents[${i}]`;
    if (!isObj(a)) throw new ScenarioFileError(`${where} must be an object, not ${kind(a)}`);
    return {
      name: str(a, 'name', where)!,
      issuer: str(a, 'issuer', where)!,
      domain: str(a, 'domain', where)!,
    };
  });
  const tasks: ScenarioTask[] = doc.tasks.map((t, i) => {
    const where = `tasks[${i}]`;
    if (!isObj(t)) throw new ScenarioFileError(`${where} must be an object, not ${kind(t)}`);
    const task: ScenarioTask = {
      id: str(t, 'id', where)!,
      agent: str(t, 'agent', where)!,
      exec_act: str(t, 'exec_act', where)!,
      pred: strList(t, 'pred', where),
      aud: strList(t, 'aud', where),
    };
    for (const key of ['wid', 'pol', 'inp_hash', 'out_hash'] as const) {
      const v = str(t, key, where, { optional: true });
      if (v !== undefined) task[key] = v;
    }
    const decision = str(t, 'pol_decision', where, { optional: true });
    if (decision !== undefined) {
      if (!(POLICY_DECISIONS as readonly string[]).includes(decision)) {
        throw new ScenarioFileError(
          `${where}: "pol_decision" must be one of ${POLICY_DECISIONS.join(', ')}, not "${decision}"`,
        );
      }
      task.pol_decision = decision as PolicyDecision;
    }
    return task;
  });
  const scenario: Scenario = {
    name: str(doc, 'name', 'the scenario')!,
    description: str(doc, 'description', 'the scenario', { optional: true }) ?? '',
    level,
    stores,
    partialDag: doc.partialDag === true,
    agents,
    tasks,
  };
  const wid = str(doc, 'wid', 'the scenario', { optional: true });
  if (wid !== undefined) scenario.wid = wid;
  const faultTask = str(doc, 'faultTask', 'the scenario', { optional: true });
  if (faultTask !== undefined) scenario.faultTask = faultTask;
  return { scenario, problems: validateScenario(scenario) };
}

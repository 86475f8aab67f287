/**
 * Checks a scenario before it runs (unknown agents, unknown predecessors, a
 * cycle in the scenario itself, ...) and orders its tasks topologically.
 */
import { POLICY_DECISIONS, UUID_RE } from 'wimse-ect';
import type { Scenario, ScenarioTask } from './types.ts';

export interface ScenarioProblem {
  /** What the problem belongs to: "scenario", "agent 2", "task task-003". */
  where: string;
  message: string;
}

const HASH_RE = /^[A-Za-z0-9_-]{43}$/;

/** Every problem of the scenario, in a stable order; empty when it can run. */
export function validateScenario(s: Scenario): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  const add = (where: string, message: string) => out.push({ where, message });

  if (!s.name.trim()) add('scenario', 'the scenario needs a name');
  if (s.level !== 'L2' && s.level !== 'L3')
    add('scenario', `level must be L2 or L3, not "${String(s.level)}"`);
  if (s.wid !== undefined && !UUID_RE.test(s.wid)) {
    add('scenario', `the workflow id "${s.wid}" is not a UUID (ids are checked as UUIDs by default)`);
  }
  if (!s.agents.length) add('scenario', 'add at least one agent');
  if (!s.tasks.length) add('scenario', 'add at least one task');

  const agentNames = new Set<string>();
  const issuers = new Map<string, string>();
  s.agents.forEach((a, i) => {
    const where = `agent ${i + 1}${a.name.trim() ? ` (${a.name})` : ''}`;
    if (!a.name.trim()) add(where, 'the agent needs a name');
    else if (agentNames.has(a.name)) add(where, `another agent is already named "${a.name}"`);
    agentNames.add(a.name);
    if (!a.issuer.trim()) add(where, 'the agent needs an issuer id, e.g. spiffe://example.com/agent/a');
    else if (/\s/.test(a.issuer)) add(where, `the issuer id "${a.issuer}" contains white space`);
    else if (issuers.has(a.issuer)) {
      add(where, `issuer id "${a.issuer}" is already used by agent "${issuers.get(a.issuer)}"`);
    } else issuers.set(a.issuer, a.name);
    if (!a.domain.trim()) add(where, 'the agent needs a trust domain, e.g. example.com');
  });

  const taskIds = new Set<string>();
  for (const t of s.tasks) {
    if (t.id.trim() && taskIds.has(t.id)) add(`task ${t.id}`, `another task already has id "${t.id}"`);
    taskIds.add(t.id);
  }
  s.tasks.forEach((t, i) => {
    const where = t.id.trim() ? `task ${t.id}` : `task ${i + 1}`;
    if (!t.id.trim()) add(where, 'the task needs an id');
    if (!agentNames.has(t.agent)) {
      add(where, t.agent ? `unknown agent "${t.agent}"` : 'choose the agent that performs the task');
    }
    if (!t.exec_act.trim()) add(where, 'the task needs an action (exec_act), e.g. review_spec');
    const seenPred = new Set<string>();
    for (const p of t.pred) {
      if (p === t.id) add(where, 'a task cannot be its own predecessor');
      else if (!taskIds.has(p)) add(where, `unknown predecessor task "${p}"`);
      if (seenPred.has(p)) add(where, `predecessor "${p}" is listed twice`);
      seenPred.add(p);
    }
    if (!t.aud.length) add(where, 'the token needs at least one audience agent (the first one receives it)');
    for (const a of t.aud) if (!agentNames.has(a)) add(where, `unknown audience agent "${a}"`);
    if (new Set(t.aud).size !== t.aud.length) add(where, 'an audience agent is listed twice');
    if (t.wid !== undefined && !UUID_RE.test(t.wid)) add(where, `the workflow id "${t.wid}" is not a UUID`);
    if ((t.pol === undefined) !== (t.pol_decision === undefined)) {
      add(where, 'pol and pol_decision come as a pair: give both or neither');
    }
    if (t.pol !== undefined && !t.pol.trim()) add(where, 'pol (the policy id) is empty');
    if (t.pol_decision !== undefined && !(POLICY_DECISIONS as readonly string[]).includes(t.pol_decision)) {
      add(where, `pol_decision must be one of ${POLICY_DECISIONS.join(', ')}`);
    }
    for (const h of ['inp_hash', 'out_hash'] as const) {
      const v = t[h];
      if (v !== undefined && !HASH_RE.test(v)) {
        add(where, `${h} must be a base64url SHA-256 digest: exactly 43 characters, no "sha-256:" prefix`);
      }
    }
  });

  const cycle = findCycle(s.tasks);
  if (cycle) {
    add(
      'scenario',
      `the tasks ${cycle.join(' → ')} form a cycle: a workflow is a DAG, so a task cannot (indirectly) precede itself`,
    );
  }
  return out;
}

/** A cycle among the tasks' predecessor links, as task ids (first repeated at the end); null when none. */
export function findCycle(tasks: readonly ScenarioTask[]): string[] | null {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    const st = state.get(id);
    if (st === 'done') return null;
    if (st === 'open') return [...path.slice(path.indexOf(id)), id];
    const task = byId.get(id);
    if (!task) return null;
    state.set(id, 'open');
    path.push(id);
    for (const p of task.pred) {
      if (p === id) continue; // reported as a self-reference
      const found = visit(p);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const t of tasks) {
    const found = visit(t.id);
    if (found) return found.reverse();
  }
  return null;
}

/**
 * The task ids in a topological order (every predecessor before its children), ties broken by
 * the order of the tasks in the scenario. Throws when the tasks hold a cycle.
 */
export function topologicalOrder(tasks: readonly ScenarioTask[]): string[] {
  const ids = new Set(tasks.map((t) => t.id));
  const remaining = new Map(tasks.map((t) => [t.id, new Set(t.pred.filter((p) => ids.has(p)))]));
  const order: string[] = [];
  while (order.length < tasks.length) {
    const next = tasks.find((t) => !order.includes(t.id) && remaining.get(t.id)!.size === 0);
    if (!next) throw new Error('the tasks form a cycle');
    order.push(next.id);
    for (const deps of remaining.values()) deps.delete(next.id);
  }
  return order;
}

/** Depth of each task: 0 for a root, else 1 + the deepest predecessor. */
export function taskDepths(tasks: readonly { id: string; pred: readonly string[] }[]): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const of = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const t = byId.get(id);
    if (!t || visiting.has(id)) return 0;
    visiting.add(id);
    const d = t.pred.reduce((m, p) => (byId.has(p) ? Math.max(m, of(p) + 1) : m), 0);
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const t of tasks) of(t.id);
  return depth;
}

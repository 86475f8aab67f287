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

/**
 * A cycle among the tasks' predecessor links, as task ids (first repeated at the end); null when
 * none. A depth-first walk with its own stack: a scenario of 50,000 chained tasks must not
 * overflow the call stack.
 */
export function findCycle(tasks: readonly ScenarioTask[]): string[] | null {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const next: number[] = []; // per entry of `path`: the next of its predecessors to look at
  for (const root of tasks) {
    if (state.has(root.id)) continue;
    state.set(root.id, 'open');
    path.push(root.id);
    next.push(0);
    while (path.length) {
      const id = path[path.length - 1]!;
      const pred = byId.get(id)!.pred;
      const k = next[next.length - 1]!;
      if (k === pred.length) {
        path.pop();
        next.pop();
        state.set(id, 'done');
        continue;
      }
      next[next.length - 1] = k + 1;
      const p = pred[k]!;
      if (p === id || !byId.has(p)) continue; // a self-reference is reported as such
      const st = state.get(p);
      if (st === 'open') return [...path.slice(path.indexOf(p)), p].reverse();
      if (st === 'done') continue;
      state.set(p, 'open');
      path.push(p);
      next.push(0);
    }
  }
  return null;
}

/**
 * The task ids in a topological order (every predecessor before its children), ties broken by
 * the order of the tasks in the scenario: each next task is the first in the scenario whose
 * predecessors are all placed. Throws when the tasks hold a cycle (or repeat an id). Linear but
 * for a heap of the tasks ready to place: it used to search the tasks and the order so far for
 * every task (cubic: 5,000 chained tasks froze the Simulate tab for minutes; issue 17).
 */
export function topologicalOrder(tasks: readonly ScenarioTask[]): string[] {
  const indexOf = new Map<string, number>();
  tasks.forEach((t, i) => indexOf.set(t.id, i));
  if (indexOf.size < tasks.length) throw new Error('the tasks form a cycle');
  const pending = new Int32Array(tasks.length);
  const children: number[][] = tasks.map(() => []);
  tasks.forEach((t, i) => {
    for (const p of new Set(t.pred)) {
      const j = indexOf.get(p);
      if (j === undefined) continue;
      pending[i]!++;
      children[j]!.push(i);
    }
  });
  const ready = new MinHeap();
  pending.forEach((n, i) => n === 0 && ready.push(i));
  const order: string[] = [];
  while (ready.size) {
    const i = ready.pop();
    order.push(tasks[i]!.id);
    for (const c of children[i]!) if (--pending[c]! === 0) ready.push(c);
  }
  if (order.length < tasks.length) throw new Error('the tasks form a cycle');
  return order;
}

/** A binary heap of numbers, smallest first. */
class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(x: number): void {
    const a = this.#items;
    let i = a.push(x) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (a[up]! <= x) break;
      a[i] = a[up]!;
      i = up;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.#items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= a.length) break;
        if (c + 1 < a.length && a[c + 1]! < a[c]!) c++;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * Depth of each task: 0 for a root, else 1 + the deepest predecessor (a predecessor met again
 * while its own depth is being found, in a cycle, counts as 0). With its own stack, as findCycle.
 */
export function taskDepths(tasks: readonly { id: string; pred: readonly string[] }[]): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  for (const root of tasks) {
    if (depth.has(root.id) || visiting.has(root.id)) continue;
    const stack: { id: string; k: number; d: number }[] = [{ id: root.id, k: 0, d: 0 }];
    visiting.add(root.id);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const pred = byId.get(top.id)!.pred;
      if (top.k === pred.length) {
        stack.pop();
        visiting.delete(top.id);
        depth.set(top.id, top.d);
        const below = stack[stack.length - 1];
        if (below) {
          below.d = Math.max(below.d, top.d + 1);
          below.k++;
        }
        continue;
      }
      const p = pred[top.k]!;
      if (!byId.has(p)) {
        top.k++;
        continue;
      }
      const known = depth.get(p);
      if (known !== undefined || visiting.has(p)) {
        top.d = Math.max(top.d, (known ?? 0) + 1);
        top.k++;
        continue;
      }
      visiting.add(p);
      stack.push({ id: p, k: 0, d: 0 });
    }
  }
  return depth;
}

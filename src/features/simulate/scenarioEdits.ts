/**
 * The scenario editor's changes, as plain functions on a draft scenario (no React): renaming keeps
 * every reference to an agent or a task, removing drops them, adding picks a free name.
 */
import type { Scenario } from './engine/index.ts';

/** Renames an agent and, when the new name is free, every reference to it. */
export function renameAgent(s: Scenario, index: number, name: string): void {
  const agent = s.agents[index];
  if (!agent) return;
  const old = agent.name;
  agent.name = name;
  if (s.agents.some((a, i) => i !== index && (a.name === name || a.name === old))) return;
  for (const t of s.tasks) {
    if (t.agent === old) t.agent = name;
    t.aud = t.aud.map((a) => (a === old ? name : a));
  }
}

/** Renames a task and, when the new id is free, every predecessor link to it. */
export function renameTask(s: Scenario, index: number, id: string): void {
  const task = s.tasks[index];
  if (!task) return;
  const old = task.id;
  task.id = id;
  if (s.tasks.some((t, i) => i !== index && (t.id === id || t.id === old))) return;
  for (const t of s.tasks) t.pred = t.pred.map((p) => (p === old ? id : p));
  if (s.faultTask === old) s.faultTask = id;
}

export function removeTask(s: Scenario, index: number): void {
  const [gone] = s.tasks.splice(index, 1);
  if (!gone) return;
  for (const t of s.tasks) t.pred = t.pred.filter((p) => p !== gone.id);
  if (s.faultTask === gone.id) delete s.faultTask;
}

export function removeAgent(s: Scenario, index: number): void {
  const [gone] = s.agents.splice(index, 1);
  if (!gone) return;
  for (const t of s.tasks) t.aud = t.aud.filter((a) => a !== gone.name);
}

function freeName(taken: readonly string[], prefix: string): string {
  for (let i = taken.length + 1; ; i++) if (!taken.includes(`${prefix}${i}`)) return `${prefix}${i}`;
}

export function addAgent(s: Scenario): void {
  const name = freeName(
    s.agents.map((a) => a.name),
    'Agent ',
  );
  const domain = s.agents[0]?.domain ?? 'example.com';
  const n = name.slice(6);
  s.agents.push({ name, issuer: `spiffe://${domain}/agent/${n}`, domain });
}

export function addTask(s: Scenario): void {
  const id = freeName(
    s.tasks.map((t) => t.id),
    'task-',
  );
  const agent = s.agents[0]?.name ?? '';
  const receiver = s.agents.find((a) => a.name !== agent)?.name ?? agent;
  const last = s.tasks.at(-1);
  s.tasks.push({
    id,
    agent,
    exec_act: 'new_action',
    pred: last ? [last.id] : [],
    aud: receiver ? [receiver] : [],
  });
}

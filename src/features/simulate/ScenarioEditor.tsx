/**
 * The scenario editor: the scenario's settings, its agents and its tasks
 * (agent, action, predecessors, audiences, optional claims), checked as you
 * type. Editing resets the run.
 */
import { useId, type InputHTMLAttributes } from 'react';
import { POLICY_DECISIONS, type PolicyDecision } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import type { Scenario, ScenarioAgent, ScenarioTask } from './engine/index.ts';
import { useSimulate } from './store.ts';
import { inputCls } from './ui.tsx';

const edit = (change: (draft: Scenario) => void) => useSimulate.getState().edit(change);

const labelCls = 'text-xs font-semibold text-slate-600 dark:text-slate-400';

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

export function ScenarioEditor() {
  const id = useId();
  const scenario = useSimulate((s) => s.scenario);
  const problems = useSimulate((s) => s.problems);
  return (
    <section
      id="sim-editor"
      aria-label="Scenario editor"
      data-testid="sim-editor"
      className="flex flex-col gap-3 rounded-lg border border-sky-300 bg-white p-3 dark:border-sky-800 dark:bg-slate-900"
    >
      <h2 className="text-sm font-semibold tracking-wide text-slate-700 uppercase dark:text-slate-300">
        Edit scenario
      </h2>
      <div aria-live="polite" data-testid="sim-problems">
        {problems.length ? (
          <div className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100">
            <p className="font-semibold">
              {problems.length} problem{problems.length > 1 ? 's' : ''}: the run is off until{' '}
              {problems.length > 1 ? 'they are' : 'it is'} fixed.
            </p>
            <ul className="mt-1 list-disc pl-5">
              {problems.map((p, i) => (
                <li key={i} data-testid="sim-problem">
                  <strong>{p.where}</strong>: {p.message}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="text-sm text-emerald-800 dark:text-emerald-300">
            The scenario is valid and ready to run.
          </p>
        )}
      </div>

      <div className="grid gap-2 md:grid-cols-2">
        <TextField
          label="Name"
          value={scenario.name}
          onChange={(e) => edit((d) => void (d.name = e.target.value))}
        />
        <div className="grid grid-cols-2 gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-level`} className={labelCls}>
              Level
            </label>
            <select
              id={`${id}-level`}
              className={inputCls}
              value={scenario.level}
              onChange={(e) => edit((d) => void (d.level = e.target.value as Scenario['level']))}
            >
              <option value="L2">L2: signed tokens</option>
              <option value="L3">L3: signed + ledger receipts</option>
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-stores`} className={labelCls}>
              Stores
            </label>
            <select
              id={`${id}-stores`}
              className={inputCls}
              value={scenario.stores}
              onChange={(e) => edit((d) => void (d.stores = e.target.value as Scenario['stores']))}
            >
              <option value="shared">one shared ledger</option>
              <option value="per-domain">one store per trust domain</option>
            </select>
          </div>
        </div>
        <div className="flex flex-col gap-1 md:col-span-2">
          <label htmlFor={`${id}-desc`} className={labelCls}>
            Description
          </label>
          <textarea
            id={`${id}-desc`}
            className={inputCls}
            rows={2}
            value={scenario.description}
            onChange={(e) => edit((d) => void (d.description = e.target.value))}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-wid`} className={labelCls}>
            Workflow id (wid), empty for none
          </label>
          <div className="flex gap-2">
            <input
              id={`${id}-wid`}
              className={`${inputCls} font-mono`}
              value={scenario.wid ?? ''}
              onChange={(e) =>
                edit((d) => {
                  if (e.target.value.trim()) d.wid = e.target.value.trim();
                  else delete d.wid;
                })
              }
            />
            <Button onClick={() => edit((d) => void (d.wid = crypto.randomUUID()))}>New</Button>
          </div>
        </div>
        <label htmlFor={`${id}-partial`} className="flex items-start gap-2 self-end text-sm">
          <input
            id={`${id}-partial`}
            type="checkbox"
            className="mt-1 size-4"
            checked={scenario.partialDag}
            onChange={(e) => edit((d) => void (d.partialDag = e.target.checked))}
          />
          <span>
            Verifiers accept partial DAG verification: a parent from another trust domain that is not in their
            store is reported and recorded as unresolved, not refused
          </span>
        </label>
      </div>

      <fieldset className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
        <legend className="px-1 text-sm font-semibold">Agents</legend>
        <ul className="flex flex-col gap-2">
          {scenario.agents.map((a, i) => (
            <AgentRow key={i} agent={a} index={i} />
          ))}
        </ul>
        <Button className="mt-2" onClick={() => edit(addAgent)}>
          Add agent
        </Button>
      </fieldset>

      <fieldset className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
        <legend className="px-1 text-sm font-semibold">Tasks</legend>
        <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
          Each task becomes one token, signed by its agent and sent to its receiver (the first audience). The
          run follows a topological order of the predecessor links.
        </p>
        <ul className="flex flex-col gap-2">
          {scenario.tasks.map((t, i) => (
            <TaskRow key={i} task={t} index={i} scenario={scenario} />
          ))}
        </ul>
        <Button className="mt-2" onClick={() => edit(addTask)}>
          Add task
        </Button>
      </fieldset>
    </section>
  );
}

function AgentRow({ agent, index }: { agent: ScenarioAgent; index: number }) {
  const n = index + 1;
  return (
    <li className="grid gap-2 md:grid-cols-[1fr_2fr_1fr_auto] md:items-end" data-testid="sim-agent-row">
      <TextField
        label={`Agent ${n} name`}
        value={agent.name}
        onChange={(e) => edit((d) => renameAgent(d, index, e.target.value))}
      />
      <TextField
        label={`Agent ${n} issuer (iss)`}
        mono
        value={agent.issuer}
        onChange={(e) => edit((d) => void (d.agents[index]!.issuer = e.target.value))}
      />
      <TextField
        label={`Agent ${n} trust domain`}
        value={agent.domain}
        onChange={(e) => edit((d) => void (d.agents[index]!.domain = e.target.value))}
      />
      <Button
        variant="danger"
        aria-label={`Remove agent ${agent.name || n}`}
        onClick={() => edit((d) => removeAgent(d, index))}
      >
        Remove
      </Button>
    </li>
  );
}

function TaskRow({ task, index, scenario }: { task: ScenarioTask; index: number; scenario: Scenario }) {
  const id = useId();
  const name = task.id || `task ${index + 1}`;
  const set = (change: (t: ScenarioTask) => void) => edit((d) => change(d.tasks[index]!));
  const optional = (key: 'wid' | 'pol' | 'inp_hash' | 'out_hash', value: string) =>
    set((t) => {
      if (value.trim()) t[key] = value.trim();
      else delete t[key];
    });
  const receiver = task.aud[0] ?? '';
  return (
    <li
      className="rounded-md border border-slate-200 p-2 dark:border-slate-800"
      data-testid="sim-task-row"
      data-task={task.id}
    >
      <div className="grid gap-2 md:grid-cols-[1fr_1fr_1.5fr_auto] md:items-end">
        <TextField
          label="Task id"
          mono
          value={task.id}
          onChange={(e) => edit((d) => renameTask(d, index, e.target.value))}
        />
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-agent`} className={labelCls}>
            Agent of {name}
          </label>
          <select
            id={`${id}-agent`}
            className={inputCls}
            value={task.agent}
            onChange={(e) => set((t) => void (t.agent = e.target.value))}
          >
            {!scenario.agents.some((a) => a.name === task.agent) && (
              <option value={task.agent}>{task.agent || '(choose)'} (unknown)</option>
            )}
            {scenario.agents.map((a, i) => (
              <option key={i} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label={`Action (exec_act) of ${name}`}
          mono
          value={task.exec_act}
          onChange={(e) => set((t) => void (t.exec_act = e.target.value))}
        />
        <Button
          variant="danger"
          aria-label={`Remove task ${name}`}
          onClick={() => edit((d) => removeTask(d, index))}
        >
          Remove
        </Button>
      </div>
      <div className="mt-2 grid gap-2 md:grid-cols-3">
        <fieldset className="text-sm">
          <legend className={labelCls}>Predecessors of {name}</legend>
          {scenario.tasks.filter((t) => t.id !== task.id).length === 0 && (
            <p className="text-xs text-slate-600 dark:text-slate-400">none (a root task)</p>
          )}
          {scenario.tasks
            .map((t, i) => [t, i] as const)
            .filter(([, i]) => i !== index)
            .map(([t, i]) => (
              <label key={i} className="mr-3 inline-flex items-center gap-1">
                <input
                  type="checkbox"
                  className="size-4"
                  checked={task.pred.includes(t.id)}
                  onChange={(e) =>
                    set((x) => {
                      x.pred = e.target.checked ? [...x.pred, t.id] : x.pred.filter((p) => p !== t.id);
                    })
                  }
                />
                <span className="font-mono text-xs">{t.id}</span>
              </label>
            ))}
        </fieldset>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-recv`} className={labelCls}>
            Receiver of {name} (first aud, verifies)
          </label>
          <select
            id={`${id}-recv`}
            className={inputCls}
            value={receiver}
            onChange={(e) =>
              set((t) => {
                t.aud = [e.target.value, ...t.aud.filter((a, i) => i > 0 && a !== e.target.value)];
              })
            }
          >
            {!receiver && <option value="">(choose)</option>}
            {receiver && !scenario.agents.some((a) => a.name === receiver) && (
              <option value={receiver}>{receiver} (unknown)</option>
            )}
            {scenario.agents.map((a, i) => (
              <option key={i} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="text-sm">
          <legend className={labelCls}>Also in aud of {name}</legend>
          {scenario.agents
            .map((a, i) => [a, i] as const)
            .filter(([a]) => a.name !== receiver)
            .map(([a, i]) => (
              <label key={i} className="mr-3 inline-flex items-center gap-1">
                <input
                  type="checkbox"
                  className="size-4"
                  checked={task.aud.includes(a.name)}
                  disabled={!receiver}
                  onChange={(e) =>
                    set((t) => {
                      t.aud = e.target.checked ? [...t.aud, a.name] : t.aud.filter((x) => x !== a.name);
                    })
                  }
                />
                <span className="text-xs">{a.name}</span>
              </label>
            ))}
        </fieldset>
      </div>
      <details className="mt-2">
        <summary className="cursor-pointer text-xs font-semibold text-slate-600 dark:text-slate-400">
          Optional claims of {name}
          {task.pol || task.wid || task.inp_hash || task.out_hash ? ' (some set)' : ''}
        </summary>
        <div className="mt-1 grid gap-2 md:grid-cols-2">
          <Field
            label={`wid override of ${name}`}
            value={task.wid}
            mono
            onChange={(v) => optional('wid', v)}
          />
          <div className="grid grid-cols-2 gap-2">
            <Field label={`pol of ${name}`} value={task.pol} mono onChange={(v) => optional('pol', v)} />
            <div className="flex flex-col gap-1">
              <label htmlFor={`${id}-dec`} className={labelCls}>
                pol_decision of {name}
              </label>
              <select
                id={`${id}-dec`}
                className={inputCls}
                value={task.pol_decision ?? ''}
                onChange={(e) =>
                  set((t) => {
                    if (e.target.value) t.pol_decision = e.target.value as PolicyDecision;
                    else delete t.pol_decision;
                  })
                }
              >
                <option value="">(none)</option>
                {POLICY_DECISIONS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <Field
            label={`inp_hash of ${name}`}
            value={task.inp_hash}
            mono
            onChange={(v) => optional('inp_hash', v)}
          />
          <Field
            label={`out_hash of ${name}`}
            value={task.out_hash}
            mono
            onChange={(v) => optional('out_hash', v)}
          />
        </div>
      </details>
    </li>
  );
}

function Field({
  label,
  value,
  mono,
  onChange,
}: {
  label: string;
  value: string | undefined;
  mono?: boolean;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={labelCls}>
        {label}
      </label>
      <input
        id={id}
        className={`${inputCls} ${mono ? 'font-mono' : ''}`}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** A labelled one-line text input of the editor. */
function TextField({
  label,
  mono = false,
  ...input
}: { label: string; mono?: boolean } & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'>) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={labelCls}>
        {label}
      </label>
      <input id={id} className={mono ? `${inputCls} font-mono` : inputCls} {...input} />
    </div>
  );
}

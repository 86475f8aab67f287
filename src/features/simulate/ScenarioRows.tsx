/** One agent's row and one task's row of the scenario editor, with their labelled fields. */
import { useId, type InputHTMLAttributes } from 'react';
import { POLICY_DECISIONS, type PolicyDecision } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import type { Scenario, ScenarioAgent, ScenarioTask } from './engine/index.ts';
import { useSimulate } from './store.ts';
import { inputCls } from './ui.tsx';
import { removeAgent, removeTask, renameAgent, renameTask } from './scenarioEdits.ts';

const edit = (change: (draft: Scenario) => void) => useSimulate.getState().edit(change);

export const labelCls = 'text-xs font-semibold text-slate-600 dark:text-slate-400';

export function AgentRow({ agent, index }: { agent: ScenarioAgent; index: number }) {
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

export function TaskRow({
  task,
  index,
  scenario,
}: {
  task: ScenarioTask;
  index: number;
  scenario: Scenario;
}) {
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
export function TextField({
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

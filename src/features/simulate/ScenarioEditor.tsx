/**
 * The scenario editor: the scenario's settings, its agents and its tasks
 * (agent, action, predecessors, audiences, optional claims), checked as you
 * type. Editing resets the run.
 */
import { useId } from 'react';
import { Button } from '../../components/Button.tsx';
import type { Scenario } from './engine/index.ts';
import { useSimulate } from './store.ts';
import { inputCls } from './ui.tsx';
import { addAgent, addTask } from './scenarioEdits.ts';
import { AgentRow, labelCls, TaskRow, TextField } from './ScenarioRows.tsx';

const edit = (change: (draft: Scenario) => void) => useSimulate.getState().edit(change);

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

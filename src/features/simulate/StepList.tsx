/** The run's steps in order: done ones (pick one to see it), then the ones still to come. */
import { useMemo } from 'react';
import { planOf, type SimStep } from './engine/index.ts';
import { enabledFaults, useSimulate } from './store.ts';
import { firstFailure, KIND_TEXT, OutcomeBadge, Panel } from './ui.tsx';

export function StepList() {
  const run = useSimulate((s) => s.run);
  const selected = useSimulate((s) => s.selected);
  const scenario = useSimulate((s) => s.scenario);
  const faults = useSimulate((s) => s.faults);
  const problems = useSimulate((s) => s.problems);
  const plan = useMemo(() => {
    if (problems.length) return [];
    try {
      return planOf(scenario, enabledFaults(faults));
    } catch {
      return [];
    }
  }, [scenario, faults, problems]);
  const current = selected ?? run.steps.length;
  const detected = new Set(run.faultResults.filter((r) => r.status === 'detected').map((r) => r.at));
  const agentOf = (taskId: string) => scenario.tasks.find((t) => t.id === taskId);

  return (
    <Panel title="Steps" testId="sim-steps">
      <ol className="flex flex-col gap-1">
        {run.steps.map((s) => (
          <li key={s.n}>
            <StepButton step={s} active={s.n === current} expected={detected.has(s.n)} />
          </li>
        ))}
        {plan.slice(run.steps.length).map((p, i) => {
          const task = agentOf(p.taskId);
          return (
            <li
              key={`p${i}`}
              data-testid="sim-step-pending"
              className="flex items-center gap-2 rounded-md border border-dashed border-slate-300 px-2 py-1 text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400"
            >
              <span className="w-6 text-right font-mono text-xs">{run.steps.length + i + 1}</span>
              <span className="truncate">
                {p.taskId} · {task?.exec_act}
                {p.kind === 'replay' ? ' (replay)' : p.kind === 'shadow' ? ' (shadow branch)' : ''}
              </span>
              <span className="ml-auto text-xs">to come</span>
            </li>
          );
        })}
      </ol>
      {plan.length === 0 && run.steps.length === 0 && (
        <p className="text-sm text-slate-500 dark:text-slate-400">No steps: the scenario cannot run yet.</p>
      )}
    </Panel>
  );
}

function StepButton({ step, active, expected }: { step: SimStep; active: boolean; expected: boolean }) {
  const fail = firstFailure(step);
  return (
    <button
      type="button"
      data-testid="sim-step"
      data-n={step.n}
      data-task={step.taskId}
      data-kind={step.kind}
      data-outcome={step.outcome}
      data-code={step.report?.code ?? ''}
      aria-current={active ? 'step' : undefined}
      onClick={() => useSimulate.getState().select(step.n)}
      className={`flex w-full flex-col gap-0.5 rounded-md border px-2 py-1 text-left text-sm ${
        active
          ? 'border-sky-500 bg-sky-50 dark:border-sky-500 dark:bg-sky-950/40'
          : 'border-slate-200 hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800/60'
      }`}
    >
      <span className="flex w-full items-center gap-2">
        <span className="w-6 shrink-0 text-right font-mono text-xs text-slate-500 dark:text-slate-400">
          {step.n}
        </span>
        <span className="min-w-0 flex-1 truncate font-medium">
          {step.taskId} · <span className="font-mono text-xs">{step.exec_act}</span>
        </span>
        <OutcomeBadge outcome={step.outcome} />
      </span>
      <span className="truncate pl-8 text-xs text-slate-600 dark:text-slate-400">
        {step.from} {KIND_TEXT[step.kind]} to {step.to}
        {fail && (
          <>
            {' · '}
            <code className="font-mono text-red-800 dark:text-red-300">{fail.code}</code> at verification step{' '}
            {fail.n}
          </>
        )}
        {expected && ' · fault detected as expected'}
        {step.outcome === 'partial' && ' · partial DAG verification'}
      </span>
    </button>
  );
}

/** Next step / Run all / Reset, where the run stands, and what each fault switch led to. */
import { useMemo } from 'react';
import { STEPS, explain } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { FAULTS, planOf, type FaultResult, type SimStep } from './engine/index.ts';
import { enabledFaults, useSimulate } from './store.ts';
import { simTime } from './ui.tsx';

export function RunControls() {
  const run = useSimulate((s) => s.run);
  const busy = useSimulate((s) => s.busy);
  const error = useSimulate((s) => s.error);
  const problems = useSimulate((s) => s.problems);
  const scenario = useSimulate((s) => s.scenario);
  const faults = useSimulate((s) => s.faults);
  const planned = useMemo(() => {
    if (problems.length) return 0;
    try {
      return planOf(scenario, enabledFaults(faults)).length;
    } catch {
      return 0;
    }
  }, [scenario, faults, problems]);

  const done = run.status === 'done';
  const blocked = problems.length > 0;
  return (
    <section
      aria-label="Run"
      className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="primary"
          onClick={() => void useSimulate.getState().next()}
          disabled={busy || done || blocked}
        >
          Next step
        </Button>
        <Button onClick={() => void useSimulate.getState().runAll()} disabled={busy || done || blocked}>
          Run all
        </Button>
        <Button onClick={() => useSimulate.getState().reset()} disabled={run.status === 'idle' && !error}>
          Reset
        </Button>
        <p
          className="ml-1 text-sm text-slate-700 dark:text-slate-300"
          aria-live="polite"
          data-testid="sim-status"
          data-state={busy ? 'busy' : run.status}
        >
          {busy
            ? run.status === 'idle'
              ? 'Making a key for every agent…'
              : 'Working…'
            : blocked
              ? 'Fix the scenario’s problems in the editor to run it.'
              : run.status === 'idle'
                ? `Ready: ${planned} step${planned === 1 ? '' : 's'} planned. Each agent gets a fresh, non-extractable ES256 key when the run starts.`
                : `Step ${run.steps.length} of ${run.total} done · simulated clock ${simTime(run.clock, run.startTime)}${
                    done ? ' · run finished' : ''
                  }`}
        </p>
      </div>
      {error && (
        <p
          role="alert"
          className="mt-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-900 dark:bg-red-950/60 dark:text-red-200"
        >
          {error}
        </p>
      )}
      {run.steps.length > 0 && <Summary steps={run.steps} done={done} results={run.faultResults} />}
      {run.faultResults.length > 0 && <FaultResults results={run.faultResults} steps={run.steps} />}
    </section>
  );
}

function Summary({ steps, done, results }: { steps: SimStep[]; done: boolean; results: FaultResult[] }) {
  const expectedAt = new Set(results.filter((r) => r.status === 'detected').map((r) => r.at));
  const count = (o: SimStep['outcome']) => steps.filter((s) => s.outcome === o).length;
  const valid = count('accepted');
  const partial = count('partial');
  const blocked = count('blocked');
  const refused = steps.filter((s) => s.outcome === 'refused');
  const expectedRefusals = refused.filter((s) => expectedAt.has(s.n)).length;
  const violations = refused.length - expectedRefusals;
  const parts = [`${valid} valid`];
  if (partial) parts.push(`${partial} expected finding${partial > 1 ? 's' : ''} (partial DAG verification)`);
  if (expectedRefusals) parts.push(`${expectedRefusals} refused by a fault switch, as expected`);
  if (violations) parts.push(`${violations} violation${violations > 1 ? 's' : ''}`);
  if (blocked) parts.push(`${blocked} not sent`);
  const tone =
    violations > 0
      ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100'
      : 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-100';
  return (
    <p
      className={`mt-2 rounded-md border px-2 py-1 text-sm ${tone}`}
      data-testid="sim-summary"
      data-violations={violations}
      data-done={done}
    >
      <strong>
        {violations > 0
          ? 'Violation found. '
          : refused.length > 0
            ? 'No unexpected violation. '
            : done
              ? 'No violation. '
              : 'No violation so far. '}
      </strong>
      {done ? 'Run finished: ' : 'So far: '}
      {parts.join(', ')}.
    </p>
  );
}

function FaultResults({ results, steps }: { results: FaultResult[]; steps: SimStep[] }) {
  return (
    <ul className="mt-2 flex flex-col gap-1" aria-label="Fault switch results">
      {results.map((r) => {
        const info = FAULTS[r.kind];
        const step = r.at ? steps[r.at - 1] : undefined;
        const title = STEPS[r.step - 1]?.title ?? '';
        let icon = '…';
        let text: string;
        let cls = 'border-slate-200 dark:border-slate-700';
        if (r.status === 'detected') {
          icon = '✓';
          cls = 'border-emerald-300 bg-emerald-50/70 dark:border-emerald-800 dark:bg-emerald-950/30';
          text = `detected as expected at step ${r.at} (${step?.taskId ?? r.task}, ${step?.from} → ${step?.to}): ${r.code} at verification step ${r.step} (${title}); HTTP 403.`;
        } else if (r.status === 'missed') {
          icon = '✗';
          cls = 'border-red-300 bg-red-50/70 dark:border-red-800 dark:bg-red-950/30';
          text = `not detected as expected at step ${r.at}: expected ${r.code} at verification step ${r.step}, got ${
            r.codes?.length ? r.codes.join(', ') : 'a valid token'
          }.`;
        } else if (r.status === 'not_reached') {
          icon = '–';
          text = `not reached: ${r.task} was not sent (step ${r.at}), so this fault never ran.`;
        } else
          text = `waiting: applies to ${r.task}; must be caught as ${r.code} at verification step ${r.step}.`;
        return (
          <li
            key={r.kind}
            className={`rounded-md border px-2 py-1 text-sm ${cls}`}
            data-testid="sim-fault-result"
            data-kind={r.kind}
            data-status={r.status}
            data-step={r.at ?? ''}
          >
            <span aria-hidden="true" className="mr-1 font-mono">
              {icon}
            </span>
            <strong>{info.label}</strong> on {r.task}: {text}
            {r.status === 'detected' && (
              <span className="block text-xs text-slate-600 dark:text-slate-400">
                {explain(r.code).title}.
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

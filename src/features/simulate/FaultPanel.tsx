/** The fault switches: each breaks one chosen task and names where it must be caught. */
import { useId, useState } from 'react';
import { STEPS } from 'wimse-ect';
import { FAULT_KINDS, FAULTS, fittingTasks, type FaultKind } from './engine/index.ts';
import { useSimulate } from './store.ts';

export function FaultPanel() {
  const faults = useSimulate((s) => s.faults);
  const scenario = useSimulate((s) => s.scenario);
  const busy = useSimulate((s) => s.busy);
  const on = FAULT_KINDS.filter((k) => faults[k].enabled).length;
  const [open, setOpen] = useState(on > 0);
  return (
    <details
      className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      data-testid="sim-faults"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary className="cursor-pointer text-sm font-semibold tracking-wide text-slate-700 uppercase dark:text-slate-300">
        Fault switches{' '}
        <span className="font-normal tracking-normal normal-case text-slate-500 dark:text-slate-400">
          ({on ? `${on} on` : 'all off'}): break a chosen task and watch where verification catches it
        </span>
      </summary>
      <ul className="mt-2 grid gap-2 md:grid-cols-2">
        {FAULT_KINDS.map((kind) => (
          <FaultRow
            key={kind}
            kind={kind}
            enabled={faults[kind].enabled}
            task={faults[kind].task}
            fits={fittingTasks(kind, scenario)}
            disabled={busy}
          />
        ))}
      </ul>
    </details>
  );
}

function FaultRow({
  kind,
  enabled,
  task,
  fits,
  disabled,
}: {
  kind: FaultKind;
  enabled: boolean;
  task: string | null;
  /** The tasks the fault can apply to. */
  fits: string[];
  disabled: boolean;
}) {
  const id = useId();
  const info = FAULTS[kind];
  const stepTitle = STEPS[info.step - 1]?.title ?? '';
  return (
    <li
      className={`rounded-md border p-2 text-sm ${
        enabled
          ? 'border-amber-400 bg-amber-50/70 dark:border-amber-700 dark:bg-amber-950/30'
          : 'border-slate-200 dark:border-slate-800'
      }`}
      data-testid="sim-fault"
      data-kind={kind}
    >
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={`${id}-on`}
          type="checkbox"
          className="size-4"
          checked={enabled}
          disabled={disabled || task === null}
          onChange={(e) => useSimulate.getState().setFault(kind, { enabled: e.target.checked })}
        />
        <label htmlFor={`${id}-on`} className="font-medium">
          {info.label}
        </label>
        <label htmlFor={`${id}-task`} className="ml-auto text-xs text-slate-600 dark:text-slate-400">
          on task
        </label>
        <select
          id={`${id}-task`}
          aria-label={`Task for ${info.label}`}
          className="rounded-md border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-700 dark:bg-slate-950"
          value={task ?? ''}
          disabled={disabled || fits.length === 0}
          onChange={(e) => useSimulate.getState().setFault(kind, { task: e.target.value })}
        >
          {fits.length === 0 && <option value="">no task fits</option>}
          {fits.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{info.description}</p>
      <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
        Must be caught at verification step {info.step} ({stepTitle}):{' '}
        <code className="font-mono">{info.code}</code>
      </p>
    </li>
  );
}

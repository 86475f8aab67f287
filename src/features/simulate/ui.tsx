/** Small shared pieces of the Simulate tab: panels, outcome badges, time. */
import type { ReactNode } from 'react';
import type { SimStep, StepOutcome } from './engine/index.ts';

export function Panel({
  title,
  children,
  actions,
  testId,
  className = '',
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
  className?: string;
}) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      className={`min-w-0 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-slate-700 uppercase dark:text-slate-300">
          {title}
        </h2>
        {actions && <div className="ml-auto flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

export const OUTCOME: Readonly<Record<StepOutcome, { label: string; icon: string; cls: string }>> = {
  accepted: {
    label: 'valid',
    icon: '✓',
    cls: 'bg-emerald-100 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800',
  },
  partial: {
    label: 'expected finding',
    icon: '◐',
    cls: 'bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800',
  },
  refused: {
    label: 'refused',
    icon: '✗',
    cls: 'bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-800',
  },
  blocked: {
    label: 'not sent',
    icon: '–',
    cls: 'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700',
  },
};

export function OutcomeBadge({ outcome }: { outcome: StepOutcome }) {
  const o = OUTCOME[outcome];
  return (
    <span
      className={`inline-flex shrink-0 items-center gap-1 rounded px-1.5 py-0.5 font-mono text-xs font-semibold ring-1 ring-inset ${o.cls}`}
    >
      <span aria-hidden="true">{o.icon}</span>
      {o.label}
    </span>
  );
}

/** Simulated time: seconds since the start, and the UTC time of day. */
export function simTime(t: number | undefined | null, start: number | null): string {
  if (t === undefined || t === null) return '—';
  const d = new Date(t * 1000);
  const utc = Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString().slice(11, 19)} UTC`;
  return start === null ? utc : `t+${t - start} s (${utc})`;
}

export const KIND_TEXT: Readonly<Record<SimStep['kind'], string>> = {
  send: 'sends',
  replay: 'replays',
  shadow: 'forks',
  blocked: 'does not send',
};

/** The first failing verification step of a step's report: its number, title and codes. */
export function firstFailure(step: SimStep): { n: number; title: string; code: string } | null {
  const f = step.report?.steps.find((s) => s.status === 'fail');
  if (!f) return null;
  return { n: f.n, title: f.title, code: f.problems[0]?.code ?? '' };
}

export const inputCls =
  'w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100';

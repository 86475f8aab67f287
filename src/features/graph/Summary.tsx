/** The Graph tab's heading: the ledger's name and its counts, on one line. */
import { memo } from 'react';
import type { GraphModel } from './model.ts';

export const Summary = memo(function Summary({
  model,
  ledgerName,
}: {
  model: GraphModel;
  ledgerName: string | null;
}) {
  const c = model.counts;
  const stat = (value: number, label: string, tone: string, testId: string) => (
    <span className="whitespace-nowrap" data-testid={testId}>
      <b className={tone}>{value.toLocaleString('en')}</b> {label}
    </span>
  );
  return (
    <div className="flex min-w-0 flex-[1_1_14rem] flex-wrap items-baseline gap-x-3 xl:flex-none">
      <h2 className="max-w-full truncate text-base font-semibold">
        <span className="sr-only">Workflow graph: </span>
        {ledgerName ?? 'Workflow graph'}
      </h2>
      <p
        className="flex flex-wrap gap-x-2 text-xs text-slate-700 dark:text-slate-300"
        data-testid="graph-summary"
      >
        {stat(c.tokens, c.tokens === 1 ? 'token' : 'tokens', '', 'count-tokens')}
        {stat(c.valid, 'valid', 'text-emerald-700 dark:text-emerald-400', 'count-valid')}
        {stat(c.invalid, 'invalid', 'text-red-700 dark:text-red-400', 'count-invalid')}
        {stat(c.tainted, 'tainted', 'text-amber-700 dark:text-amber-400', 'count-tainted')}
        {stat(
          c.ghosts,
          c.ghosts === 1 ? 'missing parent' : 'missing parents',
          'text-slate-600 dark:text-slate-300',
          'count-missing',
        )}
        {stat(
          c.violations,
          c.violations === 1 ? 'violation' : 'violations',
          'text-red-700 dark:text-red-400',
          'count-violations',
        )}
      </p>
    </div>
  );
});

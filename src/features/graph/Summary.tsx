/** The Graph tab's heading: the ledger's name and counts, loading more tokens, re-auditing. */
import { memo } from 'react';
import { Button } from '../../components/Button.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { LoadTokens } from './LoadTokens.tsx';
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
    <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
      <div className="min-w-0">
        <h2 className="text-lg font-semibold">
          Workflow graph
          {ledgerName && (
            <span className="font-normal text-slate-500 dark:text-slate-400"> · {ledgerName}</span>
          )}
        </h2>
        <p
          className="flex flex-wrap gap-x-3 text-sm text-slate-700 dark:text-slate-300"
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
      <div className="ml-auto flex w-full max-w-xl items-start gap-2">
        <div className="min-w-0 flex-1">
          <LoadTokens />
        </div>
        <Button
          title="Verify every token again: after adding keys to the trust store or changing the verifier's settings"
          onClick={() =>
            void useLedgers
              .getState()
              .refresh()
              .catch(() => undefined)
          }
          className="mt-0.5 whitespace-nowrap"
        >
          Re-audit
        </Button>
      </div>
    </div>
  );
});

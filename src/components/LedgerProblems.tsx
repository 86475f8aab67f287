import { explainLedgerProblem, type LedgerProblem, type LedgerProblemCode } from 'wimse-ect';
import { VisibleText } from './VisibleText.tsx';

/**
 * Ledger problems (ECT-PROFILE.md section 8: chain, sequence, receipts, checkpoints), shown apart
 * from the tokens' error codes wherever an entry is shown: the Ledger table and entry detail, the
 * Graph, an import refused. Messages quote stored values, so they are shown as visible text.
 */

const pill =
  'inline-flex shrink-0 items-center rounded px-1.5 py-px font-mono text-[11px] font-semibold bg-red-700 text-white dark:bg-red-600';

/** A ledger problem code, with its explanation's title as its tooltip. */
export function LedgerProblemBadge({ code }: { code: LedgerProblemCode }) {
  return (
    <span
      className={pill}
      title={`${explainLedgerProblem(code).title}: the ledger itself, not the token`}
      data-testid="ledger-problem-code"
      data-code={code}
    >
      {code}
    </span>
  );
}

/**
 * The problems at one entry (or of one bundle), each with its code and message; with `explain`,
 * what each code means, why it matters and what to do, once per code.
 */
export function LedgerProblemList({
  problems,
  explain = false,
  testId = 'ledger-problems',
}: {
  problems: readonly (LedgerProblem & { jti?: string })[];
  explain?: boolean;
  testId?: string;
}) {
  const codes = [...new Set(problems.map((p) => p.code))];
  return (
    <div className="flex flex-col gap-2" data-testid={testId}>
      <ul className="flex flex-col gap-1 text-sm">
        {problems.map((p, k) => (
          <li
            key={k}
            className="flex flex-wrap items-baseline gap-x-2"
            data-testid="ledger-problem"
            data-seq={p.seq}
            data-code={p.code}
          >
            <LedgerProblemBadge code={p.code} />
            <span className="min-w-0 text-red-900 dark:text-red-200">
              {p.jti !== undefined && (
                <>
                  entry #{p.seq} (jti{' '}
                  <code className="font-mono text-xs">
                    <VisibleText text={p.jti} />
                  </code>
                  ):{' '}
                </>
              )}
              <VisibleText text={p.message} />
            </span>
          </li>
        ))}
      </ul>
      {explain &&
        codes.map((code) => {
          const x = explainLedgerProblem(code);
          return (
            <div
              key={code}
              className="rounded-md border border-red-200 bg-red-50/70 p-2 text-xs dark:border-red-900 dark:bg-red-950/30"
              data-testid="ledger-problem-explanation"
              data-code={code}
            >
              <p className="font-semibold">
                <code className="font-mono">{code}</code>: {x.title}
              </p>
              <dl className="mt-1 grid gap-1 sm:grid-cols-[3.5rem_1fr]">
                <dt className="font-semibold">What</dt>
                <dd>{x.what}</dd>
                <dt className="font-semibold">Why</dt>
                <dd>{x.why}</dd>
                <dt className="font-semibold">Do</dt>
                <dd>{x.fix}</dd>
              </dl>
            </div>
          );
        })}
    </div>
  );
}

/** Every error code of the profile, explained: what, why, how to fix, the step, the HTTP status. */
import { useId } from 'react';
import { ERROR_CODES, EXPLANATIONS, type Explanation, STEPS } from 'wimse-ect';
import { hashFor } from '../../state/router.ts';
import { codeAnchor } from './anchors.ts';
import { FilterBox, highlightClass, matches } from './ui.tsx';

const HTTP_TEXT = { 400: '400 Bad Request', 403: '403 Forbidden' } as const;

export function CodeDictionary({
  filter,
  setFilter,
  target,
}: {
  filter: string;
  setFilter: (f: string) => void;
  /** The code a link points at: highlighted, and shown whatever the filter. */
  target: string | null;
}) {
  const inputId = useId();
  const shown = ERROR_CODES.map((c) => EXPLANATIONS[c]).filter(
    (e) =>
      e.code === target ||
      matches(filter, e.code, e.title, e.what, e.why, e.fix, e.draftSection, `step ${e.step}`),
  );
  return (
    <div className="flex flex-col gap-3">
      <FilterBox
        id={inputId}
        label="Filter error codes"
        placeholder="e.g. signature, expired, step 15"
        value={filter}
        onChange={setFilter}
        count={`${shown.length} of ${ERROR_CODES.length} codes`}
        testId="codes-count"
      />
      {shown.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">No error code matches.</p>
      )}
      <div className="flex flex-col gap-2">
        {shown.map((e) => (
          <CodeEntry key={e.code} e={e} highlighted={e.code === target} />
        ))}
      </div>
    </div>
  );
}

function CodeEntry({ e, highlighted }: { e: Explanation; highlighted: boolean }) {
  const step = STEPS[e.step - 1]!;
  const id = codeAnchor(e.code);
  return (
    <article
      id={id}
      tabIndex={-1}
      data-testid="code-entry"
      data-code={e.code}
      data-highlighted={highlighted || undefined}
      aria-label={`${e.code}: ${e.title}`}
      className={`scroll-mt-4 rounded-lg border bg-white p-3 text-sm dark:bg-slate-900 ${highlightClass(highlighted)}`}
    >
      <header className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <h4 className="rounded bg-red-100 px-1.5 font-mono text-base font-semibold text-red-900 dark:bg-red-900/60 dark:text-red-100">
          {e.code}
        </h4>
        <span className="font-semibold">{e.title}</span>
        <span className="ml-auto flex flex-wrap gap-1 text-[11px]">
          <a
            href={hashFor('learn', { step: String(e.step) })}
            className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-700 underline decoration-dotted underline-offset-2 dark:bg-slate-800 dark:text-slate-300"
            title={`Verification step ${step.n}: ${step.title}`}
          >
            step {step.n}
          </a>
          <span
            className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-700 dark:bg-slate-800 dark:text-slate-300"
            title="What an HTTP service that refuses the token answers (never 401)"
          >
            HTTP {e.httpStatus}
          </span>
        </span>
      </header>
      <dl className="mt-1.5 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 leading-relaxed">
        <dt className="font-semibold text-slate-600 dark:text-slate-400">What</dt>
        <dd data-testid="code-what">{e.what}</dd>
        <dt className="font-semibold text-slate-600 dark:text-slate-400">Why</dt>
        <dd>{e.why}</dd>
        <dt className="font-semibold text-slate-600 dark:text-slate-400">Fix</dt>
        <dd>{e.fix}</dd>
      </dl>
      <p className="mt-1.5 text-xs text-slate-600 dark:text-slate-400" data-testid="code-where">
        Raised at step {step.n} ({step.title}) · an HTTP service refuses it with {HTTP_TEXT[e.httpStatus]} ·{' '}
        {e.profileSection} · draft section &ldquo;{e.draftSection}&rdquo;
      </p>
    </article>
  );
}

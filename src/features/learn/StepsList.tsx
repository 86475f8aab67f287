/** The profile's 16 verification steps, in order, each with the codes it can raise. */
import { STEPS, explain } from 'wimse-ect';
import { CodeLink } from '../../components/CodeLink.tsx';
import { stepAnchor } from './anchors.ts';
import { highlightClass } from './ui.tsx';

export function StepsList({ target }: { target: string | null }) {
  return (
    <div className="flex flex-col gap-2 text-sm">
      <p className="text-slate-700 dark:text-slate-300">
        Every verifier runs these steps in this order (ECT-PROFILE §4). The first failing step gives the
        result&rsquo;s code; later steps still run where they can, so a report lists every problem. A stored
        ledger is audited with steps 1&ndash;10 and the DAG rules: an old ledger is not &ldquo;expired&rdquo;.
      </p>
      <ol className="flex flex-col gap-1.5" data-testid="steps-list">
        {STEPS.map((s) => {
          const highlighted = target === String(s.n);
          return (
            <li
              key={s.n}
              id={stepAnchor(s.n)}
              tabIndex={-1}
              data-testid="learn-step"
              data-step={s.n}
              data-highlighted={highlighted || undefined}
              className={`flex scroll-mt-4 flex-wrap items-baseline gap-x-2 gap-y-1 rounded-md border bg-white px-3 py-2 dark:bg-slate-900 ${highlightClass(highlighted)}`}
            >
              <span className="w-7 shrink-0 text-right font-mono text-xs text-slate-500 dark:text-slate-400">
                {s.n}.
              </span>
              <span className="font-medium">{s.title}</span>
              <span className="flex flex-wrap gap-1">
                {s.codes.length === 0 ? (
                  <span className="text-xs text-slate-500 dark:text-slate-400">
                    no code: it records the token
                  </span>
                ) : (
                  s.codes.map((c) => (
                    <code
                      key={c}
                      className="rounded bg-red-100 px-1 font-mono text-xs text-red-900 dark:bg-red-900/60 dark:text-red-100"
                      title={explain(c).title}
                    >
                      <CodeLink code={c} />
                    </code>
                  ))
                )}
              </span>
              <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">
                profile {s.profileSection} · draft: {s.draftSection}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

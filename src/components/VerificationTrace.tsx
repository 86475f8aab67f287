import { memo } from 'react';
import { type StepReport, type VerificationReport, explain } from 'wimse-ect';
import { ClaimLink } from './ClaimLink.tsx';
import { CodeLink } from './CodeLink.tsx';
import { VisibleText } from './VisibleText.tsx';

const STATUS_STYLE = {
  pass: {
    icon: '✓',
    label: 'pass',
    row: 'border-emerald-200 dark:border-emerald-900/70',
    badge: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  },
  fail: {
    icon: '✗',
    label: 'fail',
    row: 'border-red-300 bg-red-50/60 dark:border-red-900 dark:bg-red-950/30',
    badge: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  },
  skip: {
    icon: '–',
    label: 'skipped',
    row: 'border-slate-200 dark:border-slate-800',
    badge: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  },
} as const;

/**
 * The sixteen verification steps of a report, in order: pass / fail / skipped,
 * each failing step's codes and messages with their plain-language
 * explanation (what, why, how to fix), the profile and draft sections, and
 * which trusted key was used (or why none matched).
 */
export const VerificationTrace = memo(function VerificationTrace({
  report,
  showTitle = true,
}: {
  report: VerificationReport;
  /** False when the surrounding page already titles the trace. */
  showTitle?: boolean;
}) {
  const failed = report.steps.filter((s) => s.status === 'fail').length;
  const passed = report.steps.filter((s) => s.status === 'pass').length;
  const skipped = report.steps.length - failed - passed;
  return (
    <section data-testid="trace" aria-label="Verification trace" className="min-w-0">
      {showTitle && (
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          Verification trace
        </h3>
      )}
      <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
        {passed} passed · {failed} failed · {skipped} skipped, in the order of ECT-PROFILE §4.
      </p>
      <KeyLine report={report} />
      <ol className="flex flex-col gap-1">
        {report.steps.map((step) => (
          <StepRow key={step.n} step={step} />
        ))}
      </ol>
    </section>
  );
});

function KeyLine({ report }: { report: VerificationReport }) {
  const keyStep = report.steps.find((s) => s.id === 'key');
  const sigStep = report.steps.find((s) => s.id === 'signature');
  let text: string;
  let ok = false;
  if (report.key) {
    ok = true;
    text = `Key used: kid "${report.key.kid}" ${
      report.key.issuer ? `bound to ${report.key.issuer}` : 'bound to no issuer (plain JWKS: iss unchecked)'
    }`;
  } else if (keyStep?.status === 'fail') {
    text = `No key matched: ${keyStep.problems.map((p) => p.message).join('; ')}`;
  } else if (keyStep?.status === 'pass' && sigStep?.status === 'fail') {
    text = `Key found (${keyStep.note ?? 'trusted'}), but the signature does not verify under it`;
  } else if (keyStep?.status === 'pass') {
    text = `Key found (${keyStep.note ?? 'trusted'}), not used: ${sigStep?.note ?? 'the signature was not checked'}`;
  } else {
    text = `No key used: ${keyStep?.note ?? 'the key step did not run'}`;
  }
  return (
    <p
      data-testid="trace-key"
      className={`mb-2 rounded-md px-2 py-1 text-sm ${
        ok
          ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200'
          : 'bg-slate-100 text-slate-800 dark:bg-slate-800/70 dark:text-slate-200'
      }`}
    >
      <VisibleText text={text} />
    </p>
  );
}

function StepRow({ step }: { step: StepReport }) {
  const style = STATUS_STYLE[step.status];
  const codes = [...new Set(step.problems.map((p) => p.code))];
  return (
    <li
      data-testid={`step-${step.n}`}
      data-status={step.status}
      data-step={step.id}
      className={`rounded-md border px-2 py-1.5 text-sm ${style.row}`}
    >
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
        <span className="w-6 shrink-0 text-right font-mono text-xs text-slate-500 dark:text-slate-400">
          {step.n}.
        </span>
        <span
          className={`inline-flex min-w-16 items-center justify-center gap-1 rounded px-1.5 py-0.5 font-mono text-xs font-semibold ${style.badge}`}
        >
          <span aria-hidden="true">{style.icon}</span>
          {style.label}
        </span>
        <span className="font-medium">{step.title}</span>
        {codes.map((code) => (
          <code
            key={code}
            data-testid="step-code"
            className="rounded bg-red-100 px-1 font-mono text-xs text-red-900 dark:bg-red-900/60 dark:text-red-100"
          >
            <CodeLink code={code} />
          </code>
        ))}
        <span
          className="ml-auto text-xs text-slate-500 dark:text-slate-400"
          title={`ECT-PROFILE ${step.profileSection}; draft section "${step.draftSection}"`}
        >
          profile {step.profileSection} · draft: {step.draftSection}
        </span>
      </div>
      {step.note && step.status !== 'fail' && (
        <p className="mt-0.5 pl-8 text-xs text-slate-600 dark:text-slate-400" data-testid="step-note">
          <VisibleText text={step.note} />
        </p>
      )}
      {step.status === 'fail' && (
        <div className="mt-1 flex flex-col gap-1.5 pl-8">
          <ul className="flex flex-col gap-0.5">
            {step.problems.map((p, i) => (
              <li key={i} className="text-red-900 dark:text-red-100" data-testid="step-problem">
                <code className="font-mono text-xs font-semibold">
                  <CodeLink code={p.code} />
                </code>
                {p.claim && (
                  <>
                    {' '}
                    (
                    <code className="font-mono text-xs">
                      <ClaimLink name={p.claim} />
                    </code>
                    )
                  </>
                )}
                : <VisibleText text={p.message} />
              </li>
            ))}
          </ul>
          {codes.map((code) => (
            <Explanation key={code} code={code} />
          ))}
        </div>
      )}
    </li>
  );
}

function Explanation({ code }: { code: StepReport['problems'][number]['code'] }) {
  const e = explain(code);
  return (
    <div
      data-testid="explanation"
      data-code={code}
      className="rounded-md border border-red-200 bg-white/80 p-2 text-xs leading-relaxed text-slate-800 dark:border-red-900/60 dark:bg-slate-900/70 dark:text-slate-200"
    >
      <p className="font-semibold text-slate-900 dark:text-slate-100">
        {e.title}{' '}
        <span className="font-mono font-normal text-slate-600 dark:text-slate-400">
          (<CodeLink code={code} />)
        </span>
      </p>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 gap-y-1">
        <dt className="font-semibold">What</dt>
        <dd>{e.what}</dd>
        <dt className="font-semibold">Why</dt>
        <dd>{e.why}</dd>
        <dt className="font-semibold">Fix</dt>
        <dd>{e.fix}</dd>
      </dl>
      <p className="mt-1 text-slate-500 dark:text-slate-400">
        {e.profileSection} · draft: {e.draftSection} · an HTTP service refuses it with {e.httpStatus}
      </p>
    </div>
  );
}

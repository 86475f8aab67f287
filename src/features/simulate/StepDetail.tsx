/**
 * One step in full: what the simulator did on purpose, the HTTP request with
 * its Execution-Context header, the receiver's verdict and answer, the ledger
 * entry it became, the claims, and the verification trace.
 */
import { explain } from 'wimse-ect';
import { CopyButton } from '../../components/CopyButton.tsx';
import { JsonBlock } from '../../components/JsonBlock.tsx';
import { VerificationTrace } from '../../components/VerificationTrace.tsx';
import type { FaultResult, SimStep } from './engine/index.ts';
import { useSimulate } from './store.ts';
import { firstFailure, KIND_TEXT, OutcomeBadge, Panel, simTime } from './ui.tsx';

export function StepDetail() {
  const run = useSimulate((s) => s.run);
  const selected = useSimulate((s) => s.selected);
  const step = run.steps[(selected ?? run.steps.length) - 1];
  if (!step) {
    return (
      <Panel title="Step detail" testId="sim-detail">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Press <strong>Next step</strong> to send the first token, or <strong>Run all</strong> to play the
          whole workflow. Each step shows the HTTP request with its{' '}
          <code className="font-mono">Execution-Context</code> header, how the receiving agent verified it
          (the 16 steps of the profile), and what its ledger appended.
        </p>
      </Panel>
    );
  }
  const result = run.faultResults.find((r) => r.at === step.n && r.status !== 'pending');
  return (
    <Panel
      title={`Step ${step.n} of ${run.total}`}
      testId="sim-detail"
      actions={<OutcomeBadge outcome={step.outcome} />}
    >
      <div className="flex flex-col gap-3" data-step={step.n}>
        <p className="text-sm">
          <strong>{step.from}</strong> {KIND_TEXT[step.kind]} task <strong>{step.taskId}</strong> (
          <code className="font-mono text-xs">{step.exec_act}</code>) to <strong>{step.to}</strong>, which
          checks it against its trust store, its replay cache and the <em>{step.store}</em>.
          {step.issuedAt !== undefined && (
            <span className="block text-xs text-slate-600 dark:text-slate-400">
              Signed at {simTime(step.issuedAt, run.startTime)} on the issuer’s clock; checked at{' '}
              {simTime(step.receivedAt, run.startTime)}.
            </span>
          )}
        </p>
        {step.notes.length > 0 && (
          <ul
            className="flex flex-col gap-0.5 rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
            aria-label="What the simulator did on purpose"
            data-testid="sim-notes"
          >
            {step.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
        <Verdict step={step} result={result} />
        {step.request && <RequestView step={step} />}
        {step.entry && (
          <p className="text-sm" data-testid="sim-entry">
            Appended to the {step.store} as entry <strong>#{step.entry.seq}</strong>, hash{' '}
            <code className="font-mono text-xs">{step.entry.entryHash.slice(0, 16)}…</code>
            {step.entry.receipt ? (
              <>
                {' '}
                with a <strong>signed receipt</strong> (L3):{' '}
                <code className="font-mono text-xs break-all">{step.entry.receipt.slice(0, 48)}…</code>
              </>
            ) : (
              ' (no receipt: L2).'
            )}
          </p>
        )}
        {step.claims && <JsonBlock title="Claims as sent" value={step.claims} testId="sim-claims" />}
        {step.report && <VerificationTrace report={step.report} />}
      </div>
    </Panel>
  );
}

function Verdict({ step, result }: { step: SimStep; result: FaultResult | undefined }) {
  const fail = firstFailure(step);
  if (step.outcome === 'blocked') {
    return (
      <p
        className="rounded-md bg-slate-100 px-2 py-1 text-sm text-slate-800 dark:bg-slate-800 dark:text-slate-200"
        data-testid="sim-verdict"
        data-outcome="blocked"
      >
        {step.notes[0] ?? 'Not sent.'}
      </p>
    );
  }
  if (step.outcome === 'accepted') {
    return (
      <p
        className="rounded-md bg-emerald-50 px-2 py-1 text-sm text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200"
        data-testid="sim-verdict"
        data-outcome="accepted"
      >
        <strong>Valid.</strong> {step.to} accepted the token ({step.report?.level}) and appended it.
      </p>
    );
  }
  if (step.outcome === 'partial') {
    const e = explain('parent_not_found');
    return (
      <div
        className="rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
        data-testid="sim-verdict"
        data-outcome="partial"
      >
        <p>
          <strong>Expected finding: partial DAG verification.</strong> Verification step 15 reports{' '}
          <code className="font-mono">parent_not_found</code> for{' '}
          {step.unresolved?.map((u) => `${u.taskId} (${u.jti}, from ${u.domain})`).join(', ')}: {step.to}’s
          store holds only its own organisation’s tasks. This is what the scenario is built to show, not a
          failure of the run.
        </p>
        <p className="mt-1">
          The draft’s “partial DAG verification” (handling unavailable parent ECTs): the token itself verified
          (signature, claims, audience, time, replay); the verifier records the missing parent as unresolved,
          may fetch it later from the other organisation’s ledger, and never reports this lineage as fully
          verified. Accepting it is local policy, which this verifier has. Alone, the code means: {e.what}
        </p>
      </div>
    );
  }
  return (
    <div
      className="rounded-md border border-red-300 bg-red-50 px-2 py-1 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100"
      data-testid="sim-verdict"
      data-outcome="refused"
    >
      <p>
        <strong>{result?.status === 'detected' ? 'Fault detected as expected: ' : 'Violation: '}</strong>
        refused with <code className="font-mono font-semibold">{step.report?.code}</code>
        {fail && (
          <>
            {' '}
            at verification step {fail.n} ({fail.title})
          </>
        )}
        ; {step.to} answers {step.response?.status} {step.response?.reason} and appends nothing.
        {step.report && step.report.codes.length > 1 && (
          <> Later steps also report {step.report.codes.slice(1).join(', ')}.</>
        )}
      </p>
      {step.report?.code && <p className="mt-1 text-xs">{explain(step.report.code).why}</p>}
    </div>
  );
}

function RequestView({ step }: { step: SimStep }) {
  const req = step.request!;
  return (
    <section aria-label="HTTP request" className="min-w-0">
      <div className="mb-1 flex flex-wrap items-center gap-2">
        <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          HTTP request
        </h3>
        <div className="ml-auto flex gap-2">
          <CopyButton value={`Execution-Context: ${step.token}`} label="Copy Execution-Context" />
          <CopyButton value={req.text} label="Copy request" what="HTTP request" />
        </div>
      </div>
      <pre
        data-testid="sim-request"
        className="rounded-md bg-slate-100 p-2 text-[12px] leading-snug break-all whitespace-pre-wrap text-slate-900 dark:bg-slate-800/70 dark:text-slate-100"
      >
        <span className="font-semibold">
          {req.method} {req.path} HTTP/1.1
        </span>
        {req.headers.map(([k, v]) => (
          <span key={k} className="block">
            <span className={k === 'Execution-Context' ? 'font-semibold text-sky-800 dark:text-sky-300' : ''}>
              {k}:
            </span>{' '}
            {v}
          </span>
        ))}
      </pre>
      {step.response && (
        <p className="mt-1 font-mono text-xs text-slate-700 dark:text-slate-300" data-testid="sim-response">
          ← HTTP/1.1 {step.response.status} {step.response.reason}
        </p>
      )}
    </section>
  );
}

import { useEffect, useRef } from 'react';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { JsonBlock } from '../../components/JsonBlock.tsx';
import { VerificationTrace } from '../../components/VerificationTrace.tsx';
import { decodeToken, type VerificationReport, explain } from 'wimse-ect';
import { useCreator, type ResultToken } from './store.ts';
import { diffRange } from './tamper.ts';
import { TamperPanel } from './TamperPanel.tsx';
import { CARD, SECTION_TITLE } from './ui.tsx';
import { useVerification } from './useVerification.ts';

/** The last result scrolled into view, so coming back to the tab does not scroll again. */
let scrolledSerial = 0;

/** The signed (or handed-over) token, its header line, decoded parts, tampering and verification. */
export function ResultPanel({ result }: { result: ResultToken }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    // A freshly signed token comes into view; a handed-over one leaves the form in view.
    if (result.source === 'signed' && result.serial > scrolledSerial) {
      scrolledSerial = result.serial;
      ref.current?.scrollIntoView({ block: 'start' });
    }
  }, [result.source, result.serial]);
  const tampered = useCreator((s) => s.tampered);
  const setTampered = useCreator((s) => s.setTampered);
  const shown = tampered?.token ?? result.token;
  const report = useVerification(shown);
  const decoded = decodeToken(shown);
  const range = tampered ? diffRange(result.token, tampered.token) : null;

  const title = tampered
    ? 'Tampered token (not re-signed)'
    : result.source === 'handoff'
      ? 'Token from the inspector'
      : result.level === 'L1'
        ? 'L1 token (unsigned)'
        : 'Signed token';

  return (
    <section
      ref={ref}
      aria-labelledby="result-title"
      data-testid="result"
      data-tampered={tampered ? 'true' : 'false'}
      className={`${CARD} ${tampered ? 'border-2 border-red-500 dark:border-red-500' : ''}`}
    >
      <header className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id="result-title" className="text-lg font-semibold">
          {title}
        </h2>
        <Badge tone={result.level === 'L2' ? 'sky' : 'amber'} testId="result-level">
          {result.level}
        </Badge>
        <Badge tone="violet" testId="result-version">
          -{result.version}
        </Badge>
        {tampered && (
          <Badge
            tone="red"
            testId="tampered-badge"
            title="Changed after signing; the signature was not renewed"
          >
            TAMPERED
          </Badge>
        )}
        {result.signer && !tampered && (
          <span className="text-sm text-slate-600 dark:text-slate-400">
            signed by {result.signer.name} (kid {result.signer.kid})
          </span>
        )}
      </header>

      {tampered && (
        <div
          className="mb-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
          data-testid="tamper-notice"
        >
          <p className="font-semibold">
            This token was changed after signing, without a new signature. It is what an attacker (or a broken
            proxy) could send; a verifier must refuse it.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {tampered.changes.map((c, i) => (
              <li key={i} className="font-mono text-xs">
                {c}
              </li>
            ))}
          </ul>
          <div className="mt-2">
            <Button variant="danger" onClick={() => setTampered(null)}>
              Undo tampering
            </Button>
          </div>
        </div>
      )}

      <Verdict report={report} tampered={tampered !== null} />

      <div className="mt-3 grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="flex min-w-0 flex-col gap-4">
          <section className="min-w-0">
            <div className="mb-1 flex items-center justify-between gap-2">
              <h3 className={SECTION_TITLE}>{tampered ? 'Tampered token' : 'Token'}</h3>
              <CopyButton value={shown} label="Copy" what={tampered ? 'tampered token' : 'token'} />
            </div>
            <p
              data-testid="result-token"
              className={`rounded-md p-3 font-mono text-xs break-all ${
                tampered
                  ? 'bg-red-50 text-red-950 dark:bg-red-950/40 dark:text-red-100'
                  : 'bg-slate-100 text-slate-900 dark:bg-slate-800/70 dark:text-slate-100'
              }`}
            >
              {range ? (
                <>
                  {shown.slice(0, range.start)}
                  <mark
                    className="rounded-sm bg-red-300 text-red-950 dark:bg-red-700 dark:text-white"
                    title="changed"
                  >
                    {shown.slice(range.start, range.end)}
                  </mark>
                  {shown.slice(range.end)}
                </>
              ) : (
                shown
              )}
            </p>
            <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
              {shown.length} characters
              {result.level === 'L1'
                ? ': base64url of the claims, no dots, no header, no signature.'
                : ': header . payload . signature (JWS compact serialization).'}
            </p>
          </section>
          <section className="min-w-0">
            <div className="mb-1 flex items-center justify-between gap-2">
              <h3 className={SECTION_TITLE}>HTTP header line</h3>
              <CopyButton value={`Execution-Context: ${shown}`} label="Copy" what="header line" />
            </div>
            <p
              data-testid="header-line"
              className="rounded-md bg-slate-100 p-3 font-mono text-xs break-all text-slate-900 dark:bg-slate-800/70 dark:text-slate-100"
            >
              Execution-Context: {shown}
            </p>
          </section>
          {decoded.ok ? (
            <div className="flex flex-col gap-3">
              {decoded.decoded.header ? (
                <JsonBlock title="Decoded header" value={decoded.decoded.header} testId="result-header" />
              ) : (
                <section className="text-sm text-slate-600 dark:text-slate-400">
                  <h3 className={`mb-1 ${SECTION_TITLE}`}>Decoded header</h3>
                  <p data-testid="result-header">None: an L1 token has no header and no signature.</p>
                </section>
              )}
              <JsonBlock title="Decoded payload" value={decoded.decoded.payload} testId="result-payload" />
            </div>
          ) : (
            <p className="rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950/50 dark:text-red-100">
              The token no longer decodes ({decoded.problem.part}): {decoded.problem.message}
            </p>
          )}
          <TamperPanel key={result.serial} base={result.token} current={shown} />
        </div>
        <div className="min-w-0">
          {report ? (
            <VerificationTrace report={report} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Verifying…</p>
          )}
        </div>
      </div>
    </section>
  );
}

function Verdict({ report, tampered }: { report: VerificationReport | null; tampered: boolean }) {
  if (!report) {
    return (
      <p data-testid="verdict" data-valid="pending" className="text-sm" role="status">
        Verifying against your trust store…
      </p>
    );
  }
  if (report.valid) {
    return (
      <p
        data-testid="verdict"
        data-valid="true"
        role="status"
        className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200"
      >
        ✓ Verifies: every step passed against your trust store and verifier settings.
        {tampered && ' (The change did not break it: the verifier cannot tell.)'}
      </p>
    );
  }
  const step = report.steps.find((s) => s.status === 'fail');
  const problem = step?.problems[0];
  return (
    <div
      data-testid="verdict"
      data-valid="false"
      role="status"
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 dark:bg-red-950/50 dark:text-red-100"
    >
      <p className="font-medium">
        ✗ Does not verify: step {step?.n} ({step?.title}) fails with{' '}
        <code className="font-mono">{report.code}</code>
        {problem ? `: ${problem.message}` : ''}.
      </p>
      {report.code && <p className="mt-0.5 text-xs">{explain(report.code).what}</p>}
      {report.codes.length > 1 && (
        <p className="mt-0.5 text-xs">Every code raised, in step order: {report.codes.join(', ')}.</p>
      )}
    </div>
  );
}

import { memo, useId, useMemo, useState, type ReactNode } from 'react';
import {
  type DecodeResult,
  type DecodedToken,
  type VerificationReport,
  migrationHints,
  explain,
} from 'wimse-ect';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { ClaimsTable } from '../../components/ClaimsTable.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ExampleKeyNote, useExampleKeyMatcher } from '../../components/ExampleKey.tsx';
import { isTrustCode, TrustKeyAction, trustTarget } from '../../components/TrustKey.tsx';
import { VerificationTrace } from '../../components/VerificationTrace.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';
import { describeTimeClaim, numericDateToIso } from '../../components/time.ts';
import { useHandoff } from '../../state/handoff.ts';
import { hashFor, useRouter } from '../../state/router.ts';
import { DecodeErrorCard } from './DecodeErrorCard.tsx';
import { decodedHint } from './hints.ts';
import { DecodedParts } from './DecodedParts.tsx';
import { foreignJwt, type ForeignJwt } from './jwtKind.ts';

export interface TokenCardProps {
  index: number;
  token: string;
  result: DecodeResult;
  /** The latest verification report; undefined while the first one runs. */
  report: VerificationReport | undefined;
  /** False while the report is from earlier settings and a new one is on its way. */
  fresh: boolean;
  /** The verifier's clock (Unix seconds) for relative times. */
  now: number;
  /** Open the claims table and the trace at first (few tokens pasted). */
  expanded: boolean;
}

/** One pasted token: its verdict, claims, trace and actions, or why it could not be decoded. */
export const TokenCard = memo(function TokenCard(props: TokenCardProps) {
  const { result } = props;
  if (!result.ok) return <DecodeErrorCard index={props.index} token={props.token} problem={result.problem} />;
  return <DecodedCard {...props} decoded={result.decoded} />;
});

function DecodedCard({
  index,
  decoded,
  report,
  fresh,
  now,
  expanded,
}: TokenCardProps & { decoded: DecodedToken }) {
  const { payload } = decoded;
  const action = typeof payload.exec_act === 'string' ? payload.exec_act : null;
  const issuer = typeof payload.iss === 'string' ? payload.iss : null;
  const [sharing, setSharing] = useState(false);
  const openInCreator = useHandoff((s) => s.openInCreator);
  const navigate = useRouter((s) => s.navigate);
  const shareId = useId();
  const sigHint = decodedHint(decoded);
  const warnings = [...(sigHint ? [sigHint] : []), ...(report?.warnings ?? [])];
  const hints = decoded.version === '00' ? migrationHints(payload) : [];
  const problems = report?.steps.flatMap((s) => s.problems) ?? [];
  const invalid = report !== undefined && !report.valid;
  const foreign = useMemo(() => foreignJwt(decoded), [decoded]);

  return (
    <article
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="token-card"
      aria-label={`Token ${index + 1}`}
      id={`token-card-${index}`}
      tabIndex={-1}
    >
      <header className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-slate-500 dark:text-slate-400">
          #{index + 1}
        </span>
        <LevelBadge level={decoded.level} />
        <VersionBadge version={decoded.version} />
        {action !== null && (
          <span
            className="font-mono text-sm font-medium break-all"
            title="exec_act: the action this task performed"
            data-testid="card-action"
          >
            <VisibleText text={action} />
          </span>
        )}
        {issuer !== null && (
          <span
            className="min-w-0 truncate text-sm text-slate-600 dark:text-slate-400"
            title={`iss: ${visibleString(issuer)}`}
            data-testid="card-issuer"
          >
            by <VisibleText text={issuer} />
          </span>
        )}
        <div className="ml-auto flex flex-wrap gap-1">
          <CopyButton value={decoded.token} label="Copy token" />
          <Button
            aria-expanded={sharing}
            aria-controls={shareId}
            onClick={() => setSharing((v) => !v)}
            title="A link that opens this token in the inspector"
          >
            Share link
          </Button>
          <Button
            onClick={() => {
              openInCreator(decoded.token);
              navigate('create');
            }}
            title="Edit the claims and sign again (or tamper with it) on the Create tab"
          >
            Open in creator
          </Button>
        </div>
      </header>

      {sharing && <SharePanel id={shareId} token={decoded.token} />}

      {foreign && <ForeignJwtNotice foreign={foreign} />}

      <VerdictBanner report={report} fresh={fresh} />

      {warnings.length > 0 && (
        <ul
          className="flex flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
          data-testid="warnings"
          aria-label="Warnings"
        >
          {warnings.map((w, i) => (
            <li key={i}>
              <span aria-hidden="true">⚠ </span>
              <VisibleText text={w} />
            </li>
          ))}
        </ul>
      )}

      {hints.length > 0 && (
        <section
          className="rounded-md border border-violet-300 bg-violet-50 px-3 py-2 text-sm text-violet-950 dark:border-violet-800 dark:bg-violet-950/40 dark:text-violet-100"
          data-testid="migration"
          aria-label="Migrating to -01"
        >
          <h3 className="font-semibold">A -00 token: how it maps to -01</h3>
          <ul className="mt-1 list-disc pl-5">
            {hints.map((h, i) => (
              <li key={i}>{h}</li>
            ))}
          </ul>
        </section>
      )}

      <TimeSummary payload={payload} now={now} />

      <Disclosure title="Encoded and decoded: header, payload, signature" defaultOpen={expanded}>
        <DecodedParts decoded={decoded} />
      </Disclosure>

      <Disclosure title="Claims explained" defaultOpen={expanded}>
        <ClaimsTable
          header={decoded.header}
          payload={payload}
          version={decoded.version}
          now={now}
          problems={problems}
        />
      </Disclosure>

      <Disclosure title="Verification trace" defaultOpen={expanded} badge={invalid ? report.code : null}>
        {report ? (
          <VerificationTrace report={report} showTitle={false} />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Verifying…</p>
        )}
      </Disclosure>

      <details className="text-sm">
        <summary className="cursor-pointer text-slate-600 select-none dark:text-slate-400">Raw token</summary>
        <p className="mt-1 font-mono text-xs break-all text-slate-700 dark:text-slate-300">{decoded.token}</p>
      </details>
    </article>
  );
}

/** A titled section the user can fold; its content is only rendered while open. */
function Disclosure({
  title,
  defaultOpen,
  badge,
  children,
}: {
  title: string;
  defaultOpen: boolean;
  badge?: string | null;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const id = useId();
  return (
    <section>
      <h3>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((v) => !v)}
          className="flex w-full items-center gap-2 rounded-md py-0.5 text-left text-sm font-semibold text-slate-700 hover:text-slate-950 dark:text-slate-300 dark:hover:text-white"
        >
          <span aria-hidden="true" className="inline-block w-3 text-slate-500">
            {open ? '▾' : '▸'}
          </span>
          {title}
          {badge && (
            <code className="rounded bg-red-100 px-1 font-mono text-xs font-normal text-red-900 dark:bg-red-900/60 dark:text-red-100">
              {badge}
            </code>
          )}
        </button>
      </h3>
      <div id={id} hidden={!open} className="mt-2">
        {open && children}
      </div>
    </section>
  );
}

function SharePanel({ id, token }: { id: string; token: string }) {
  const link = `${location.origin}${location.pathname}${hashFor('inspect', { token })}`;
  const inputId = useId();
  return (
    <div
      id={id}
      className="flex flex-col gap-1 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm dark:border-sky-900 dark:bg-sky-950/40"
      data-testid="share-panel"
    >
      <label htmlFor={inputId} className="font-medium">
        Link to this token
      </label>
      <div className="flex gap-1">
        <input
          id={inputId}
          readOnly
          value={link}
          onFocus={(e) => e.target.select()}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
          data-testid="share-link"
        />
        <CopyButton value={link} label="Copy link" />
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        The link holds only the token (no keys, no settings), after the <code>#</code>: browsers never send
        that fragment to a server, so opening it sends the token nowhere. It does stay in browser history.
        Whoever opens it verifies against their own keys.
      </p>
    </div>
  );
}

function VerdictBanner({ report, fresh }: { report: VerificationReport | undefined; fresh: boolean }) {
  const exampleAgent = useExampleKeyMatcher()(report?.key);
  if (!report) {
    return (
      <div
        className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:border-slate-700 dark:bg-slate-800/60 dark:text-slate-300"
        data-testid="verdict"
        data-status="pending"
        aria-busy="true"
        role="status"
      >
        <span className="font-semibold">Verifying…</span>
      </div>
    );
  }
  const stale = !fresh && (
    <span className="ml-2 text-xs font-normal opacity-80" data-testid="verdict-stale">
      (re-verifying with the new settings…)
    </span>
  );
  const skipped = report.steps.filter((s) => s.status === 'skip').map((s) => s.n);
  if (report.valid) {
    const keyText = report.key
      ? `signature verified with kid "${report.key.kid}"${report.key.issuer ? ` bound to ${report.key.issuer}` : ' (bound to no issuer)'}`
      : 'unsigned L1 claims, accepted because the minimum level is L1';
    return (
      <div
        className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-100"
        data-testid="verdict"
        data-status="valid"
        role="status"
      >
        <p className="text-base font-semibold">
          <span aria-hidden="true">✓ </span>Valid{stale}
        </p>
        <p>
          {keyText}; {report.steps.length - skipped.length} steps passed
          {skipped.length > 0 && `, ${skipped.length} skipped (steps ${skipped.join(', ')})`}.
        </p>
        {exampleAgent && <ExampleKeyNote agent={exampleAgent} />}
      </div>
    );
  }
  const code = report.code!;
  const e = explain(code);
  const first = report.steps.find((s) => s.status === 'fail');
  const problem = first?.problems[0];
  const others = report.codes.filter((c) => c !== code);
  return (
    <div
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-950 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100"
      data-testid="verdict"
      data-status="invalid"
      data-code={code}
      role="status"
    >
      <p className="text-base font-semibold">
        <span aria-hidden="true">✗ </span>Invalid: <code className="font-mono">{code}</code> · {e.title}
        {stale}
      </p>
      {problem && (
        <p>
          Step {first.n} ({first.title}): <VisibleText text={problem.message} />
        </p>
      )}
      <p className="mt-0.5 text-xs">
        <span className="font-semibold">Fix:</span> {e.fix}
      </p>
      {others.length > 0 && (
        <p className="mt-0.5 text-xs">
          Also: {others.map((c) => explain(c).title.toLowerCase() + ` (${c})`).join('; ')}. See the trace.
        </p>
      )}
      {exampleAgent && <ExampleKeyNote agent={exampleAgent} />}
      {isTrustCode(code) && (
        <p className="mt-2">
          <TrustKeyAction code={code} {...trustTarget(report.header, report.payload)} />
        </p>
      )}
    </div>
  );
}

/** "This is a JWT, but not an ECT": said plainly before the verdict's list of failed steps. */
function ForeignJwtNotice({ foreign }: { foreign: ForeignJwt }) {
  return (
    <div
      className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800/60 dark:text-slate-100"
      data-testid="foreign-jwt"
    >
      <p className="font-semibold">This is {foreign.kind}, not an ECT.</p>
      <p className="mt-0.5">
        An Execution Context Token records one task an agent performed: its header says{' '}
        <code className="font-mono">typ</code> <code className="font-mono">exec+jwt</code>, it is signed with
        the agent&apos;s private key, and its payload names the task (
        <code className="font-mono">exec_act</code>) and the tasks before it (
        <code className="font-mono">pred</code>). An ECT verifier refuses any other JWT, which is why the
        steps below fail. What gives this one away:
      </p>
      <ul className="mt-1 list-disc pl-5">
        {foreign.signs.map((s) => (
          <li key={s}>
            <VisibleText text={s} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function TimeSummary({ payload, now }: { payload: DecodedToken['payload']; now: number }) {
  const items = (['iat', 'exp'] as const)
    .filter((c) => c in payload)
    .map((c) => {
      const iso = numericDateToIso(payload[c]);
      return { c, rel: describeTimeClaim(c, payload[c], now), iso: iso.ok ? iso.iso : iso.why };
    });
  if (items.length === 0) return null;
  const expired = typeof payload.exp === 'number' && payload.exp < now;
  return (
    <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="time-summary">
      {items.map(({ c, rel, iso }) => (
        <span key={c} data-testid={`when-${c}`}>
          <span className={`font-medium ${c === 'exp' && expired ? 'text-red-800 dark:text-red-300' : ''}`}>
            {rel ?? `${c}: ${iso}`}
          </span>{' '}
          <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{iso}</span>
        </span>
      ))}
    </p>
  );
}

function LevelBadge({ level }: { level: DecodedToken['level'] }) {
  return level === 'L2' ? (
    <Badge
      tone="sky"
      testId="level-badge"
      title="L2: a JWS signed by the issuing agent (L3 once a ledger receipts it)"
    >
      L2
    </Badge>
  ) : (
    <Badge tone="amber" testId="level-badge" title="L1: unsigned, self-asserted claims">
      L1
    </Badge>
  );
}

function VersionBadge({ version }: { version: DecodedToken['version'] }) {
  if (version === null) {
    return (
      <Badge
        tone="slate"
        testId="version-badge"
        title="The payload has neither -00 claims (par, ext) nor -01 claims (pred, ect_ext), or both"
      >
        unknown version
      </Badge>
    );
  }
  return (
    <Badge tone="violet" testId="version-badge" title={`Claims follow draft revision -${version}`}>
      -{version}
    </Badge>
  );
}

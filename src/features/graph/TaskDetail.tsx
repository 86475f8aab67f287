/**
 * The side panel's view of one task: its status and why (its violations explained, the taint's
 * sources, a ledger-check failure at its entry), its children's edges to it, lineage, parents and
 * children, the verification trace, the claims and the raw token.
 */
import { useMemo, useState } from 'react';
import type { AuditReport, LedgerProblem, Problem, Violation } from 'wimse-ect';
import { ClaimsTable } from '../../components/ClaimsTable.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ExampleKeyNote, ExampleKeyPill, useExampleKeyMatcher } from '../../components/ExampleKey.tsx';
import { isTrustCode, TrustKeyAction, trustTarget } from '../../components/TrustKey.tsx';
import { LedgerProblemList } from '../../components/LedgerProblems.tsx';
import { VerificationTrace } from '../../components/VerificationTrace.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { LineageControls, RootCauseButton } from './LineageControls.tsx';
import type { GraphModel } from './model.ts';
import {
  Explained,
  MAX_EXPLAINED,
  moreByCode,
  NodeLink,
  Relatives,
  STATUS_PILL,
  STATUS_WORD,
} from './panelParts.tsx';
import { taintSources } from './traverse.ts';

export function TaskDetail({
  model,
  audit,
  i,
  onPick,
  ledgerProblems,
}: {
  model: GraphModel;
  audit: AuditReport;
  i: number;
  onPick: (i: number) => void;
  ledgerProblems: readonly LedgerProblem[] | undefined;
}) {
  const n = model.nodes[i]!;
  const a = audit.nodes[n.index]!;
  const report = a.report;
  const own: Violation[] = useMemo(
    () => audit.violations.filter((v) => v.index === n.index),
    [audit, n.index],
  );
  const asParent: Violation[] = useMemo(
    () => (n.jti === null ? [] : audit.violations.filter((v) => v.pred === n.jti && v.index !== n.index)),
    [audit, n.jti, n.index],
  );
  const sources = useMemo(() => (n.status === 'tainted' ? taintSources(model, i) : []), [model, i, n.status]);
  const problems: Problem[] = useMemo(() => report.steps.flatMap((s) => s.problems), [report]);
  const stepFailed = report.steps.some((s) => s.status === 'fail');
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const exampleAgent = useExampleKeyMatcher()(report.key);
  return (
    <div className="flex flex-col gap-3">
      <header>
        <div className="flex flex-wrap items-baseline gap-2">
          <h3 className="text-base font-semibold break-all">
            <VisibleText text={n.act ?? '(no exec_act)'} />
          </h3>
          <span
            data-testid="panel-status"
            className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_PILL[n.status]}`}
          >
            {STATUS_WORD[n.status]}
          </span>
          {exampleAgent && <ExampleKeyPill agent={exampleAgent} />}
        </div>
        {exampleAgent && <ExampleKeyNote agent={exampleAgent} />}
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-xs">
          <dt className="text-slate-500 dark:text-slate-400">jti</dt>
          <dd className="font-mono break-all" data-testid="panel-jti">
            <VisibleText text={n.jti ?? '(none)'} />
          </dd>
          <dt className="text-slate-500 dark:text-slate-400">iss</dt>
          <dd className="font-mono break-all">
            <VisibleText text={n.iss ?? '(none)'} />
          </dd>
          <dt className="text-slate-500 dark:text-slate-400">wid</dt>
          <dd className="font-mono break-all">
            <VisibleText text={n.wid ?? '(none)'} />
          </dd>
          <dt className="text-slate-500 dark:text-slate-400">iat</dt>
          <dd className="font-mono">
            {n.iat === null
              ? '(none)'
              : `${n.iat} · ${new Date(n.iat * 1000).toISOString().replace('.000Z', 'Z')}`}
          </dd>
          <dt className="text-slate-500 dark:text-slate-400">ledger</dt>
          <dd>entry #{n.index + 1}</dd>
        </dl>
      </header>

      {ledgerProblems?.length ? (
        <div
          data-testid="panel-chain-break"
          className="flex flex-col gap-1 rounded-md border border-violet-400 bg-violet-50 p-2 text-violet-950 dark:border-violet-700 dark:bg-violet-950/40 dark:text-violet-100"
        >
          <p className="font-semibold">The ledger check fails at this entry:</p>
          <LedgerProblemList problems={ledgerProblems} />
          <p className="text-xs">
            It was changed, removed, added or re-signed behind the ledger's back: what it says now is not
            proven to be what the ledger recorded.
          </p>
        </div>
      ) : null}

      <section aria-label="Why">
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          Why it is {STATUS_WORD[n.status]}
        </h4>
        {n.status === 'valid' && (
          <p className="text-emerald-900 dark:text-emerald-200">
            Every verification step passed, every edge to its parents satisfies the DAG rules, and no ancestor
            is invalid.
          </p>
        )}
        {n.status === 'tainted' && (
          <div className="rounded-md border border-amber-300 bg-amber-50 p-2 text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100">
            <p>
              Valid on its own, but downstream of an invalid task: what it did rests on a record that fails
              the audit. It is not a violation itself.
            </p>
            <p className="mt-1 text-xs font-semibold">Tainted by:</p>
            <ul className="mt-0.5 flex flex-col">
              {sources.slice(0, 20).map((s) => (
                <li key={s}>
                  <NodeLink model={model} i={s} onPick={onPick} />
                </li>
              ))}
            </ul>
            <RootCauseButton model={model} i={i} />
          </div>
        )}
        {own.length > 0 && (
          <ul className="flex flex-col gap-1.5" data-testid="node-violations">
            {own.slice(0, MAX_EXPLAINED).map((v, k) => (
              <Explained key={k} code={v.code} message={v.message} pred={v.pred} />
            ))}
            {own.length > MAX_EXPLAINED && (
              <li className="text-xs text-slate-600 dark:text-slate-400" data-testid="node-violations-more">
                and {moreByCode(own.slice(MAX_EXPLAINED))}
              </li>
            )}
          </ul>
        )}
        {[...new Set(own.map((v) => v.code))].filter(isTrustCode).map((code) => (
          <p key={code} className="mt-2">
            <TrustKeyAction code={code} {...trustTarget(report.header, report.payload)} />
          </p>
        ))}
      </section>

      {asParent.length > 0 && (
        <section aria-label="Violations naming it as parent">
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            Its children's edges to it
          </h4>
          <ul className="flex flex-col gap-1 text-xs">
            {asParent.slice(0, 30).map((v, k) => (
              <li key={k}>
                <code className="font-mono font-semibold text-red-800 dark:text-red-300">{v.code}</code>{' '}
                reported by{' '}
                {model.nodes[v.index] ? (
                  <NodeLink model={model} i={v.index} onPick={onPick} />
                ) : (
                  <VisibleText text={v.jti ?? '(no jti)'} />
                )}
                : <VisibleText text={v.message} />
              </li>
            ))}
          </ul>
        </section>
      )}

      <LineageControls model={model} i={i} />
      <Relatives model={model} i={i} onPick={onPick} />

      <details open={stepFailed} className="group">
        <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          Verification trace {stepFailed ? '(a step failed)' : '(all steps passed)'}
        </summary>
        <div className="mt-1">
          <VerificationTrace report={report} />
        </div>
      </details>

      {report.payload && (
        <details>
          <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            Claims
          </summary>
          <div className="mt-1">
            <ClaimsTable
              header={report.header}
              payload={report.payload}
              version={report.version}
              now={now}
              problems={problems}
            />
          </div>
        </details>
      )}

      <details>
        <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          Raw token
        </summary>
        <div className="mt-1 flex flex-col gap-1">
          <CopyButton value={report.token} label="Copy token" />
          <pre
            data-testid="raw-token"
            className="max-h-40 overflow-auto rounded bg-slate-100 p-2 font-mono text-[11px] break-all whitespace-pre-wrap dark:bg-slate-800"
          >
            {report.token}
          </pre>
        </div>
      </details>
    </div>
  );
}

/**
 * The side panel of the Graph tab: why the selected node is what it is. Its
 * violations with their explanations, the taint's sources, parents and
 * children, the claims (ClaimsTable), the verification trace
 * (VerificationTrace) and the raw token. For a ghost: who names it. For a
 * group: its counts and its invalid members.
 */
import { memo, useMemo, useState } from 'react';
import {
  type AuditReport,
  type ErrorCode,
  type LedgerProblem,
  type Problem,
  type Violation,
  explain,
} from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { CodeLink } from '../../components/CodeLink.tsx';
import { ClaimsTable } from '../../components/ClaimsTable.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ExampleKeyNote, ExampleKeyPill, useExampleKeyMatcher } from '../../components/ExampleKey.tsx';
import { isTrustCode, TrustKeyAction, trustTarget } from '../../components/TrustKey.tsx';
import { LedgerProblemList } from '../../components/LedgerProblems.tsx';
import { VerificationTrace } from '../../components/VerificationTrace.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { LineageControls, RootCauseButton } from './LineageControls.tsx';
import type { GraphModel } from './model.ts';
import type { GroupInfo } from './view.ts';
import { taintSources } from './traverse.ts';

/**
 * Violations explained one by one, at most: a token naming 100,000 missing parents has 100,000
 * parent_not_found violations, and drawing them all kept Chromium's main thread busy past 100 s.
 */
const MAX_EXPLAINED = 20;

/** "99,980 more parent_not_found, 1 more cycle": the violations not explained one by one. */
function moreByCode(rest: readonly Violation[]): string {
  const counts = new Map<string, number>();
  for (const v of rest) counts.set(v.code, (counts.get(v.code) ?? 0) + 1);
  return [...counts].map(([code, c]) => `${c.toLocaleString('en')} more ${code}`).join(', ');
}

const STATUS_PILL = {
  valid: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  invalid: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  tainted: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  ghost: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200',
} as const;

const STATUS_WORD = {
  valid: 'valid',
  invalid: 'invalid',
  tainted: 'tainted',
  ghost: 'missing parent',
} as const;

export const SidePanel = memo(function SidePanel({
  model,
  audit,
  selected,
  group,
  ledgerProblems,
  onPick,
  onExpand,
  onClose,
}: {
  model: GraphModel;
  audit: AuditReport;
  selected: string;
  group: GroupInfo | null;
  /** The ledger check's problems at the entry with this audit index, if any. */
  ledgerProblems: (index: number) => readonly LedgerProblem[] | undefined;
  onPick: (i: number) => void;
  onExpand: (key: string) => void;
  onClose: () => void;
}) {
  const i = model.byKey.get(selected);
  return (
    <aside
      aria-label="Selected node"
      data-testid="node-panel"
      className="flex min-h-0 flex-col overflow-hidden rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center justify-end border-b border-slate-200 px-2 py-1 dark:border-slate-800">
        <span className="mr-auto text-xs text-slate-500 dark:text-slate-400">Escape closes</span>
        <Button onClick={onClose} aria-label="Close the node panel" className="px-2 py-0">
          ✕
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-auto p-3 text-sm">
        {group ? (
          <GroupDetail model={model} group={group} onPick={onPick} onExpand={onExpand} />
        ) : i === undefined ? (
          <p>This node is no longer in the ledger.</p>
        ) : model.nodes[i]!.kind === 'ghost' ? (
          <GhostDetail model={model} i={i} onPick={onPick} />
        ) : (
          <TaskDetail
            model={model}
            audit={audit}
            i={i}
            onPick={onPick}
            ledgerProblems={ledgerProblems(model.nodes[i]!.index)}
          />
        )}
      </div>
    </aside>
  );
});

function NodeLink({ model, i, onPick }: { model: GraphModel; i: number; onPick: (i: number) => void }) {
  const n = model.nodes[i]!;
  return (
    <button
      type="button"
      onClick={() => onPick(i)}
      className="inline-flex max-w-full items-baseline gap-1 rounded px-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      <span className={`rounded px-1 text-[10px] font-semibold ${STATUS_PILL[n.status]}`}>
        {STATUS_WORD[n.status]}
      </span>
      <span className="truncate font-medium">
        {n.kind === 'ghost' ? 'missing' : <VisibleText text={n.act ?? '(no exec_act)'} />}
      </span>
      <code className="font-mono text-xs text-slate-500 dark:text-slate-400">
        <VisibleText text={n.shortJti} />
      </code>
    </button>
  );
}

function Explained({ code, message, pred }: { code: ErrorCode; message: string; pred?: string | undefined }) {
  const e = explain(code);
  return (
    <li
      data-testid="node-violation"
      data-code={code}
      className="rounded-md border border-red-200 bg-red-50/60 p-2 dark:border-red-900/60 dark:bg-red-950/30"
    >
      <p>
        <code className="rounded bg-red-100 px-1 font-mono text-xs font-semibold text-red-900 dark:bg-red-900/60 dark:text-red-100">
          <CodeLink code={code} />
        </code>{' '}
        <span className="font-semibold">{e.title}</span>
        {pred && (
          <span className="text-xs text-slate-600 dark:text-slate-400">
            {' '}
            · edge to{' '}
            <code className="font-mono">
              <VisibleText text={pred} />
            </code>
          </span>
        )}
      </p>
      <p className="mt-0.5 text-red-900 dark:text-red-100">
        <VisibleText text={message} />
      </p>
      <p className="mt-1 text-xs text-slate-700 dark:text-slate-300">
        <span className="font-semibold">What:</span> {e.what}
      </p>
      <p className="mt-0.5 text-xs text-slate-700 dark:text-slate-300">
        <span className="font-semibold">Fix:</span> {e.fix}
      </p>
      <p className="mt-0.5 text-[11px] text-slate-500 dark:text-slate-400">
        {e.profileSection} · draft: {e.draftSection}
      </p>
    </li>
  );
}

function TaskDetail({
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

function Relatives({ model, i, onPick }: { model: GraphModel; i: number; onPick: (i: number) => void }) {
  const n = model.nodes[i]!;
  const list = (title: string, items: number[]) => (
    <div>
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        {title} ({items.length})
      </h4>
      {items.length === 0 ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">none</p>
      ) : (
        <ul className="flex flex-col">
          {[...new Set(items)].slice(0, 40).map((j) => (
            <li key={j}>
              <NodeLink model={model} i={j} onPick={onPick} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <section aria-label="Parents and children" className="grid grid-cols-2 gap-2">
      {list('Parents', n.parents)}
      {list('Children', n.children)}
    </section>
  );
}

function GhostDetail({ model, i, onPick }: { model: GraphModel; i: number; onPick: (i: number) => void }) {
  const n = model.nodes[i]!;
  const e = explain('parent_not_found');
  return (
    <div className="flex flex-col gap-3">
      <header>
        <div className="flex flex-wrap items-baseline gap-2">
          <h3 className="text-base font-semibold">Missing parent</h3>
          <span
            data-testid="panel-status"
            className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_PILL.ghost}`}
          >
            missing parent
          </span>
        </div>
        <p className="mt-1 font-mono text-xs break-all" data-testid="panel-jti">
          <VisibleText text={n.jti ?? ''} />
        </p>
      </header>
      <p>
        {n.children.length === 1 ? 'A token names' : `${n.children.length} tokens name`} this id in{' '}
        <code className="font-mono">pred</code>, but no token with this <code className="font-mono">jti</code>{' '}
        is in the ledger. Each of those edges is a <code className="font-mono">parent_not_found</code>{' '}
        violation of the child.
      </p>
      <div className="rounded-md border border-slate-200 p-2 text-xs dark:border-slate-700">
        <p className="font-semibold">{e.title}</p>
        <p className="mt-0.5">{e.what}</p>
        <p className="mt-0.5">
          <span className="font-semibold">Fix:</span> {e.fix}
        </p>
      </div>
      <LineageControls model={model} i={i} />
      <Relatives model={model} i={i} onPick={onPick} />
    </div>
  );
}

function GroupDetail({
  model,
  group,
  onPick,
  onExpand,
}: {
  model: GraphModel;
  group: GroupInfo;
  onPick: (i: number) => void;
  onExpand: (key: string) => void;
}) {
  const invalid = group.members.filter((m) => model.nodes[m]!.status === 'invalid');
  return (
    <div className="flex flex-col gap-3">
      <header>
        <h3 className="text-base font-semibold">
          {group.mode === 'iss' ? 'Agent' : 'Workflow'} <VisibleText text={group.label} />
        </h3>
        <p className="font-mono text-xs break-all">
          <VisibleText text={group.value} />
        </p>
      </header>
      <p>
        {group.tokens.toLocaleString('en')} tokens collapsed into one node:{' '}
        {group.invalid.toLocaleString('en')} invalid ({group.violations.toLocaleString('en')} violations),{' '}
        {group.tainted.toLocaleString('en')} tainted
        {group.ghosts ? `, ${group.ghosts} missing parents` : ''}.
      </p>
      <div>
        <Button variant="primary" onClick={() => onExpand(group.key)}>
          Expand this {group.mode === 'iss' ? 'agent' : 'workflow'}
        </Button>
      </div>
      {invalid.length > 0 && (
        <section>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            Invalid tokens ({invalid.length})
          </h4>
          <ul className="flex flex-col">
            {invalid.slice(0, 50).map((m) => (
              <li key={m} className="flex items-baseline gap-1">
                <NodeLink model={model} i={m} onPick={onPick} />
                <span className="truncate font-mono text-[10px] text-red-800 dark:text-red-300">
                  {model.nodes[m]!.codes.join(' ')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

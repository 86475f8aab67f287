import { VisibleText } from '../../components/VisibleText.tsx';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { ClaimsTable } from '../../components/ClaimsTable.tsx';
import { CodeLink } from '../../components/CodeLink.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ExampleKeyNote, ExampleKeyPill, useExampleKeyMatcher } from '../../components/ExampleKey.tsx';
import { isTrustCode, TrustKeyAction, trustTarget } from '../../components/TrustKey.tsx';
import { VerificationTrace } from '../../components/VerificationTrace.tsx';
import type { AuditReport, ChainReport, Problem } from 'wimse-ect';
import { LedgerProblemList } from '../../components/LedgerProblems.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { hashFor, useRouter } from '../../state/router.ts';
import type { EntryRecord } from '../../storage/ledger.ts';
import { formatIat, formatLocal } from './format.ts';
import { useLedgerView } from './store.ts';
import {
  CodeExplanation,
  EntryLink,
  Field,
  Hash,
  invalidAncestors,
  Receipt,
  Verdict,
} from './entryParts.tsx';

/** The last `reveal` request handled (module-wide: a remount after a tab switch does not scroll). */
let lastRevealed = 0;

const h3 = 'mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400';

/**
 * One entry, all of it: its place in the chain (hashes, receipt), its audit verdict with every
 * code explained (what, why, how to fix), the violations that name it, its claims, the
 * verification trace, and the raw token.
 */
export function EntryDetail({
  entries,
  index,
  audit,
  chain,
}: {
  entries: readonly EntryRecord[];
  index: number;
  audit: AuditReport | null;
  chain: ChainReport | null;
}) {
  const entry = entries[index]!;
  const node = audit && audit.nodes.length === entries.length ? audit.nodes[index] : undefined;
  const navigate = useRouter((s) => s.navigate);
  const exampleAgent = useExampleKeyMatcher()(node?.report.key);
  // The clock for "issued 3 months ago": read once when the panel opens.
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const select = useLedgerView((s) => s.select);
  const jti = entry.jti;
  const panel = useRef<HTMLElement>(null);
  const reveal = useLedgerView((s) => s.reveal);

  // A click (or Enter) on a row brings the panel into view; arrow keys in the table do not.
  useEffect(() => {
    if (reveal === lastRevealed) return;
    lastRevealed = reveal;
    const el = panel.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.6) el.scrollIntoView({ block: 'start' });
  }, [reveal]);

  const close = () => {
    select(null);
    const row = document.querySelector<HTMLElement>(`[data-testid="ledger-row"][data-seq="${entry.seq}"]`);
    if (row) row.focus();
    else
      document
        .querySelector<HTMLElement>('[data-testid="ledger-table"]')
        ?.scrollIntoView({ block: 'nearest' });
  };

  const own = useMemo(() => audit?.violations.filter((v) => v.index === index) ?? [], [audit, index]);
  const asParent = useMemo(
    () => (audit && jti ? audit.violations.filter((v) => v.pred === jti && v.index !== index) : []),
    [audit, jti, index],
  );
  const taintSources = useMemo(
    () => (node?.tainted && audit ? invalidAncestors(audit, index) : []),
    [node, audit, index],
  );
  const problems = useMemo<Problem[]>(
    () => node?.report.steps.flatMap((s) => (s.status === 'fail' ? s.problems : [])) ?? [],
    [node],
  );

  const brk = chain?.firstBreak;
  const here = useLedgers((s) => s.problems.get(entry.seq));
  const fingerprint = useLedgers((s) => s.keyFingerprint);
  const chainState = !chain
    ? 'checking…'
    : here?.length
      ? 'the ledger check fails here:'
      : !brk || entry.seq < brk.seq
        ? entry.receipt
          ? 'proven by the hash chain and its receipt'
          : 'proven by the hash chain'
        : `not proven: the ledger check fails earlier, at entry #${brk.seq}`;

  return (
    <section
      ref={panel}
      aria-labelledby="entry-detail-heading"
      data-testid="entry-detail"
      className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="flex flex-wrap items-center gap-2">
        <h2 id="entry-detail-heading" className="text-lg font-semibold">
          Entry #{entry.seq}
        </h2>
        <Verdict node={node} />
        {exampleAgent && <ExampleKeyPill agent={exampleAgent} />}
        <code className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">
          {jti ? <VisibleText text={jti} /> : '(no jti)'}
        </code>
        <div className="ml-auto flex gap-2">
          {jti && (
            <a
              href={hashFor('graph', { jti })}
              onClick={(e) => {
                e.preventDefault();
                navigate('graph', { jti });
              }}
              className="rounded-md border border-sky-700 px-3 py-1 text-sm font-medium text-sky-800 hover:bg-sky-50 dark:border-sky-500 dark:text-sky-300 dark:hover:bg-sky-950"
            >
              Show in graph
            </a>
          )}
          <Button onClick={close} aria-label="Close the entry details">
            Close
          </Button>
        </div>
      </header>

      {exampleAgent && <ExampleKeyNote agent={exampleAgent} />}
      {node && (node.codes.length > 0 || node.tainted) && (
        <div className="flex flex-col gap-2" data-testid="entry-codes">
          <h3 className={h3}>Why</h3>
          {node.codes.map((code) => (
            <CodeExplanation key={code} code={code} violations={own.filter((v) => v.code === code)} />
          ))}
          {node.codes.filter(isTrustCode).map((code) => (
            <p key={`trust-${code}`}>
              <TrustKeyAction code={code} {...trustTarget(node.report.header, node.report.payload)} />
            </p>
          ))}
          {node.tainted && (
            <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
              <p className="font-semibold text-amber-950 dark:text-amber-100">Tainted</p>
              <p className="mt-1">
                This entry is valid itself, but it builds on an invalid entry: whatever it did relied on work
                the audit rejects. Fix or replace the invalid ancestor, then re-issue the tasks downstream of
                it.
              </p>
              {taintSources.length > 0 && (
                <p className="mt-1">
                  Invalid ancestor{taintSources.length > 1 ? 's' : ''}:{' '}
                  {taintSources.map((i, k) => (
                    <span key={i}>
                      {k > 0 && ', '}
                      <EntryLink entries={entries} index={i} audit={audit} />
                    </span>
                  ))}
                </p>
              )}
            </div>
          )}
        </div>
      )}

      {asParent.length > 0 && (
        <div>
          <h3 className={h3}>Named as a predecessor by a failing edge</h3>
          <ul className="flex flex-col gap-1 text-sm">
            {asParent.slice(0, 20).map((v, k) => (
              <li key={k}>
                <code className="rounded bg-red-100 px-1 font-mono text-xs text-red-900 dark:bg-red-950 dark:text-red-200">
                  <CodeLink code={v.code} />
                </code>{' '}
                on the edge from <EntryLink entries={entries} index={v.index} audit={audit} />:{' '}
                <VisibleText text={v.message} />
              </li>
            ))}
          </ul>
        </div>
      )}

      <div>
        <h3 className={h3}>Ledger record</h3>
        <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1 text-sm">
          <Field label="Sequence">#{entry.seq}</Field>
          <Field label="Appended">{formatLocal(entry.appendedAt)} (this browser's time)</Field>
          <Field label="Entry hash">
            <Hash value={entry.entryHash} what="entry hash" />
          </Field>
          <Field label="Previous hash">
            <Hash value={entry.prevHash} what="previous hash" />
          </Field>
          <Field label="Chain">
            <span
              className={brk && entry.seq >= brk.seq ? 'font-semibold text-red-800 dark:text-red-300' : ''}
              data-testid="entry-chain"
            >
              {chainState}
            </span>
            {here?.length ? (
              <div className="mt-1">
                <LedgerProblemList problems={here} explain testId="entry-ledger-problems" />
              </div>
            ) : null}
          </Field>
          <Field label="Receipt (L3)">
            {entry.receipt ? (
              <Receipt receipt={entry.receipt} fingerprint={fingerprint} />
            ) : fingerprint ? (
              <span className="font-semibold text-red-800 dark:text-red-300">
                none, though this ledger signs one for every append
              </span>
            ) : (
              'none: this ledger has no key of its own'
            )}
          </Field>
          <Field label="iat">{formatIat(entry.claims.iat as number) || String(entry.claims.iat)}</Field>
        </dl>
      </div>

      {node?.report.payload ? (
        <div>
          <h3 className={h3}>Claims</h3>
          <ClaimsTable
            header={node.report.header}
            payload={node.report.payload}
            version={node.report.version}
            now={now}
            problems={problems}
          />
        </div>
      ) : null}

      {node && (
        <details className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
          <summary className="cursor-pointer text-sm font-medium">
            Verification trace (steps 1–10; a stored set skips the arrival-time steps)
          </summary>
          <div className="mt-2">
            <VerificationTrace report={node.report} />
          </div>
        </details>
      )}

      <div>
        <div className="mb-1 flex items-center justify-between gap-2">
          <h3 className={h3}>Raw token</h3>
          <CopyButton value={entry.token} label="Copy token" />
        </div>
        <pre
          className="max-h-40 overflow-auto rounded-md bg-slate-100 p-2 font-mono text-xs break-all whitespace-pre-wrap dark:bg-slate-800/70"
          data-testid="entry-token"
        >
          {entry.token}
        </pre>
      </div>
    </section>
  );
}

import { useMemo, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { explain, type ErrorCode, type LedgerProblemCode } from 'wimse-ect';
import { LedgerProblemBadge } from '../../components/LedgerProblems.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { formatCount, plural, short } from './format.ts';
import { useLedgerView } from './store.ts';

/**
 * The ledger's integrity at a glance: the hash chain (intact, with its head; or the first entry
 * where it breaks, which the table highlights) and the audit's verdict, with a Re-check.
 */
export function ChainStatus() {
  const chain = useLedgers((s) => s.chain);
  const audit = useLedgers((s) => s.audit);
  const entries = useLedgers((s) => s.entries.length);
  const progress = useLedgers((s) => s.progress);
  const importing = useLedgerView((s) => s.running !== null);
  const [checking, setChecking] = useState(false);

  const summary = useMemo(() => {
    if (!audit) return null;
    let valid = 0;
    let tainted = 0;
    let invalid = 0;
    const codes = new Map<ErrorCode, number>();
    for (const n of audit.nodes) {
      if (!n.valid) invalid++;
      else if (n.tainted) tainted++;
      else valid++;
      for (const c of n.codes) codes.set(c, (codes.get(c) ?? 0) + 1);
    }
    return { valid, tainted, invalid, codes: [...codes].sort((a, b) => b[1] - a[1]) };
  }, [audit]);

  const recheck = async () => {
    setChecking(true);
    try {
      await useLedgers.getState().refresh();
    } catch {
      // shown by the page's error line
    } finally {
      setChecking(false);
    }
  };

  const brk = chain?.firstBreak;
  const problemEntries = useLedgers((s) => s.problems.size);
  const keyed = useLedgers((s) => s.keyFingerprint !== null);
  const lastSeq = useLedgers((s) => s.entries.at(-1)?.seq ?? 0);
  const codeCounts = useMemo(() => {
    const counts = new Map<LedgerProblemCode, number>();
    for (const p of chain?.problems ?? []) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
    return [...counts];
  }, [chain]);
  return (
    <section
      aria-label="Integrity"
      className={`flex flex-col gap-2 rounded-lg border p-3 ${
        brk
          ? 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40'
          : 'border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900'
      }`}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <p className="min-w-0 flex-1 text-sm" data-testid="chain-status" role="status">
          {!chain ? (
            <span className="text-slate-600 dark:text-slate-400">Checking the hash chain…</span>
          ) : brk ? (
            <span className="font-semibold text-red-900 dark:text-red-200">
              <span aria-hidden="true">✗ </span>Chain broken at entry #{brk.seq}:{' '}
              <VisibleText text={brk.message} />
            </span>
          ) : (
            <span>
              <span className="font-semibold text-emerald-800 dark:text-emerald-300">
                <span aria-hidden="true">✓ </span>Chain intact: {plural(chain.length, 'entry', 'entries')}
              </span>
              {chain.receipts > 0 && `, ${plural(chain.receipts, 'receipt')} verified`}, head{' '}
              <code className="font-mono text-xs" title={chain.head}>
                {short(chain.head, 16)}
              </code>
            </span>
          )}
        </p>
        {brk && brk.seq <= lastSeq && (
          <Button onClick={() => useLedgerView.getState().open(brk.seq)}>Show entry #{brk.seq}</Button>
        )}
        <Button
          onClick={() => void recheck()}
          disabled={checking || importing}
          title="Re-read the ledger and every entry, recompute the whole hash chain (and receipts), and audit again"
        >
          {checking ? 'Checking…' : 'Re-check'}
        </Button>
      </div>
      {brk && chain && (
        <div
          className="flex flex-col gap-1 text-xs text-red-900 dark:text-red-200"
          data-testid="chain-problems"
        >
          <p className="flex flex-wrap items-center gap-1.5">
            {plural(chain.problems.length, 'ledger problem')} at {plural(problemEntries, 'entry', 'entries')}:
            {codeCounts.map(([code, n]) => (
              <span key={code} className="inline-flex items-center gap-1">
                <LedgerProblemBadge code={code} />
                {n > 1 && <span>×{formatCount(n)}</span>}
              </span>
            ))}
          </p>
          <p>
            Every entry is chained to the one before by SHA-256(previous hash ‖ token)
            {keyed ? ', and the ledger signs a receipt for each' : ''}: entries were changed, removed or added
            behind the ledger's back, so entry #{brk.seq} and every later entry are no longer proven. Entries
            before #{brk.seq} are intact. Each problem is marked at its entry in the table.
          </p>
        </div>
      )}
      {entries > 0 && (
        <div className="flex flex-wrap items-center gap-1.5 text-sm" data-testid="audit-summary">
          <span className="font-medium">Audit:</span>
          {summary && !progress ? (
            <>
              <StatusFilterButton status="valid" label={`${formatCount(summary.valid)} valid`} />
              <StatusFilterButton status="tainted" label={`${formatCount(summary.tainted)} tainted`} />
              <StatusFilterButton status="invalid" label={`${formatCount(summary.invalid)} invalid`} />
              {summary.codes.map(([code, n]) => (
                <StatusFilterButton
                  key={code}
                  status={`code:${code}`}
                  label={`${code} ${formatCount(n)}`}
                  title={explain(code).title}
                  mono
                />
              ))}
            </>
          ) : (
            <span className="text-slate-600 dark:text-slate-400">
              verifying every token and the DAG rules…
            </span>
          )}
        </div>
      )}
    </section>
  );
}

function StatusFilterButton({
  status,
  label,
  title,
  mono = false,
}: {
  status: string;
  label: string;
  title?: string;
  mono?: boolean;
}) {
  const active = useLedgerView((s) => s.filters.status === status);
  const tone =
    status === 'valid'
      ? 'border-emerald-300 text-emerald-900 dark:border-emerald-800 dark:text-emerald-200'
      : status === 'tainted'
        ? 'border-amber-300 text-amber-900 dark:border-amber-800 dark:text-amber-200'
        : 'border-red-300 text-red-900 dark:border-red-800 dark:text-red-200';
  return (
    <button
      type="button"
      aria-pressed={active}
      title={title ? `${title}: show only these entries` : 'Show only these entries'}
      onClick={() => useLedgerView.getState().setFilter('status', active ? '' : status)}
      className={`rounded-full border px-2 py-0.5 text-xs ${mono ? 'font-mono' : 'font-medium'} ${tone} ${
        active
          ? 'bg-slate-200 dark:bg-slate-700'
          : 'bg-white hover:bg-slate-100 dark:bg-slate-900 dark:hover:bg-slate-800'
      }`}
    >
      {label}
    </button>
  );
}

import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { DemoGuide, DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { MissingKeysNotice } from '../../components/MissingKeys.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { useRouter } from '../../state/router.ts';
import { ChainStatus } from './ChainStatus.tsx';
import { CheckpointPanel } from './CheckpointPanel.tsx';
import { EntryDetail } from './EntryDetail.tsx';
import { FilterBar } from './FilterBar.tsx';
import { ImportPanel } from './ImportPanel.tsx';
import { LedgerTable } from './LedgerTable.tsx';
import { LedgerToolbar } from './LedgerToolbar.tsx';
import { downloadCsv } from './csvDownload.ts';
import { sortRows } from './order.ts';
import { filterRows } from './rows.ts';
import { useLedgerView } from './store.ts';
import { useRows } from './useRows.ts';
import { catchUp, useLedgerSync } from './sync.ts';
import { readTextParts } from '../../lib/readText.ts';

/**
 * The Ledger tab: several append-only, hash-chained audit ledgers kept in this browser.
 * Import tokens, browse and filter the entries (100,000 stay fast), see where the chain or the
 * audit fails and why, export a bundle that `ect audit` reads.
 */
export function LedgerPage() {
  const status = useLedgers((s) => s.status);
  const error = useLedgers((s) => s.error);
  const entries = useLedgers((s) => s.entries);
  const audit = useLedgers((s) => s.audit);
  const chain = useLedgers((s) => s.chain);
  const problems = useLedgers((s) => s.problems);
  const currentId = useLedgers((s) => s.currentId);
  const running = useLedgerView((s) => s.running);
  const filters = useLedgerView((s) => s.filters);
  const selectedSeq = useLedgerView((s) => s.selectedSeq);

  useEffect(() => {
    // Opened already (by the Graph tab, or an earlier visit): only catch up with what changed,
    // rather than re-reading and re-hashing a large ledger on every visit.
    if (useLedgers.getState().status === 'ready') void catchUp();
    else void useLedgers.getState().load();
  }, []);
  useLedgerSync();
  const dragging = useDropImport(status === 'ready' && currentId !== null && running === null);
  useJtiParam(entries);

  const { rows, facets: facetList, preparing } = useRows(currentId, entries, audit, problems);
  // Typing stays immediate; filtering 100,000 rows follows in a deferred, interruptible render.
  const deferredFilters = useDeferredValue(filters);
  const sort = useLedgerView((s) => s.sort);
  const shown = useMemo(
    () => sortRows(filterRows(rows, deferredFilters), sort),
    [rows, deferredFilters, sort],
  );

  const selectedIndex = useMemo(() => {
    if (selectedSeq === null) return -1;
    const guess = selectedSeq - 1;
    if (entries[guess]?.seq === selectedSeq) return guess;
    return entries.findIndex((e) => e.seq === selectedSeq);
  }, [entries, selectedSeq]);

  if (status === 'error') {
    return (
      <div
        role="alert"
        className="rounded-md border border-red-300 bg-red-50 p-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
      >
        {error}
      </div>
    );
  }
  if (status !== 'ready')
    return <p className="text-sm text-slate-600 dark:text-slate-400">Opening the ledgers…</p>;

  const empty = entries.length === 0 && chain !== null;
  return (
    <div className="flex flex-col gap-4" data-testid="ledger-page">
      <LedgerToolbar />
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      )}
      <DemoGuide />
      {!empty && <ChainStatus />}
      <CheckpointPanel />
      <ImportPanel compact={!empty} />
      <MissingKeysNotice audit={audit} />
      {empty ? (
        <EmptyState />
      ) : (
        entries.length > 0 && (
          <>
            <FilterBar
              facets={facetList}
              shown={shown.length}
              total={entries.length}
              onExportCsv={() => downloadCsv(shown)}
            />
            <LedgerTable
              rows={shown}
              total={entries.length}
              preparing={preparing && rows.length === 0}
              breakSeq={chain?.firstBreak?.seq ?? null}
            />
            {selectedIndex >= 0 && (
              <EntryDetail entries={entries} index={selectedIndex} audit={audit} chain={chain} />
            )}
          </>
        )
      )}
      {dragging && (
        <div
          aria-hidden="true"
          className="pointer-events-none fixed inset-3 z-50 flex items-center justify-center rounded-xl border-4 border-dashed border-sky-500 bg-sky-50/85 text-lg font-semibold text-sky-900 dark:bg-sky-950/85 dark:text-sky-100"
        >
          Drop to import into this ledger
        </div>
      )}
    </div>
  );
}

function EmptyState() {
  return (
    <section
      aria-labelledby="ledger-empty-heading"
      data-testid="ledger-empty"
      className="rounded-lg border border-dashed border-slate-300 p-6 text-sm dark:border-slate-700"
    >
      <h2 id="ledger-empty-heading" className="mb-2 text-base font-semibold">
        This ledger is empty
      </h2>
      <div className="flex max-w-3xl flex-col gap-2 text-slate-700 dark:text-slate-300">
        <p>
          A ledger is the append-only record of a workflow: every ECT that goes in becomes an entry with a
          sequence number, and each entry is chained to the one before by a SHA-256 hash, so any later change
          to a stored token shows up as a broken chain. A ledger with its own key also signs a receipt for
          each entry (level L3).
        </p>
        <p>
          Every entry is audited as part of the whole set: its signature and claims against the trust store,
          and the DAG rules over its <code className="font-mono">pred</code> links (missing parents, cycles,
          duplicate ids, time order, workflow, parent policy). Invalid entries and the entries built on them
          (tainted) are marked, each with why and how to fix it.
        </p>
        <p>
          <strong>To fill it:</strong> paste tokens above (a JSON array or one token per line) and press
          Import pasted, choose a file, or drop a file anywhere on this page; a bundle exported from another
          ledger works too. The Graph tab then draws the ledger as a DAG, with every violation where it is.
        </p>
        <p>
          <strong>New to auditing ECTs?</strong> Start with the demo:
        </p>
        <DemoLedgerButton />
      </div>
    </section>
  );
}

/** Dropping a file (or text) anywhere on the page imports it; returns whether a drag is over the page. */
function useDropImport(enabled: boolean): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const accepts = (e: DragEvent) =>
      !!e.dataTransfer && [...e.dataTransfer.types].some((t) => t === 'Files' || t === 'text/plain');
    const onEnter = (e: DragEvent) => {
      if (!accepts(e)) return;
      depth++;
      if (enabled) setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!accepts(e)) return;
      // Without this the browser would open the dropped file in place of the app.
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = enabled ? 'copy' : 'none';
    };
    const onDrop = (e: DragEvent) => {
      if (!accepts(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (!enabled || !e.dataTransfer) return;
      const start = useLedgerView.getState().startImport;
      const file = e.dataTransfer.files[0];
      if (file) void start(() => readTextParts(file), file.name);
      else {
        const text = e.dataTransfer.getData('text/plain');
        if (text.trim()) void start(text, 'the dropped text');
      }
    };
    document.addEventListener('dragenter', onEnter);
    document.addEventListener('dragleave', onLeave);
    document.addEventListener('dragover', onOver);
    document.addEventListener('drop', onDrop);
    return () => {
      document.removeEventListener('dragenter', onEnter);
      document.removeEventListener('dragleave', onLeave);
      document.removeEventListener('dragover', onOver);
      document.removeEventListener('drop', onDrop);
    };
  }, [enabled]);
  return dragging;
}

/** `#/ledger?jti=…` (e.g. from the graph) selects that entry once the ledger is loaded. */
function useJtiParam(entries: readonly { seq: number; jti: string }[]) {
  const jti = useRouter((s) => (s.route === 'ledger' ? s.params.get('jti') : null));
  const applied = useRef<string | null>(null);
  useEffect(() => {
    if (!jti || applied.current === jti) return;
    const e = entries.find((x) => x.jti === jti);
    if (!e) return;
    applied.current = jti; // once: later refreshes keep the user's own selection
    useLedgerView.getState().select(e.seq);
  }, [jti, entries]);
}

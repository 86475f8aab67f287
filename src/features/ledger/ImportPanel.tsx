import { VisibleText } from '../../components/VisibleText.tsx';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { WrongPlaceOffer } from '../../components/WrongPlace.tsx';
import { useHandoff } from '../../state/handoff.ts';
import { LedgerProblemList } from '../../components/LedgerProblems.tsx';
import { Button } from '../../components/Button.tsx';
import { useLedgers, type ImportProgress } from '../../state/ledgers.ts';
import { inputClass } from './inputClass.ts';
import { ServerLedger } from './ServerLedger.tsx';
import { formatCount, formatMs, plural } from './format.ts';
import { useLedgerView, type ImportOutcome } from './store.ts';
import { readTextParts } from '../../lib/readText.ts';

const FILE_TYPES = '.json,.txt,.jsonl,.ndjson,.jwt,application/json,text/plain';

/** Import by paste or file (dropping a file on the page lands here too): progress, Cancel, result. */
export function ImportPanel({ compact }: { compact: boolean }) {
  // Text sent here from another tab (tokens pasted into Inspect or Keys & trust) starts in the box.
  const [text, setText] = useState(() => useHandoff.getState().peekText('ledger')?.text ?? '');
  const [from] = useState(() => useHandoff.getState().peekText('ledger')?.from ?? null);
  useEffect(() => void useHandoff.getState().takeText('ledger'), []);
  const fileRef = useRef<HTMLInputElement>(null);
  const running = useLedgerView((s) => s.running);
  const start = useLedgerView((s) => s.startImport);
  const ready = useLedgers((s) => s.status === 'ready' && s.currentId !== null);

  const importPasted = async () => {
    const outcome = await start(text, 'the pasted text');
    if (outcome?.kind === 'done' && outcome.result.added) setText('');
  };

  return (
    <section
      aria-labelledby="ledger-import-heading"
      className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="ledger-import-heading" className="font-semibold">
          Add tokens
        </h2>
        <p id="ledger-import-help" className="text-xs text-slate-600 dark:text-slate-400">
          A JSON array of tokens, one token per line, or a ledger bundle exported here. Paste, choose a file,
          or drop a file anywhere on this page. One import is one transaction: all of it is written, or
          nothing.
        </p>
      </div>
      <ServerLedger />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <textarea
          aria-label="Tokens to import"
          aria-describedby="ledger-import-help"
          className={`${inputClass} ${compact ? 'min-h-14' : 'min-h-28'} flex-1 resize-y font-mono text-xs break-all`}
          placeholder="eyJhbGciOiJFUzI1NiIs…  (one per line, or a JSON array)"
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          disabled={running !== null}
        />
        <div className="flex shrink-0 gap-2 sm:flex-col">
          <Button
            variant="primary"
            onClick={() => void importPasted()}
            disabled={!ready || running !== null || !text.trim()}
          >
            Import pasted
          </Button>
          <Button onClick={() => fileRef.current?.click()} disabled={!ready || running !== null}>
            Choose file…
          </Button>
          <input
            ref={fileRef}
            type="file"
            accept={FILE_TYPES}
            aria-label="Import a file"
            data-testid="ledger-file-input"
            hidden
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = ''; // the same file can be chosen again
              if (file) void start(() => readTextParts(file), file.name);
            }}
          />
        </div>
      </div>
      {from && text && (
        <p role="status" className="text-xs text-slate-600 dark:text-slate-400" data-testid="import-from">
          Sent here from {from}: check it, then Import pasted.
        </p>
      )}
      <ImportStatus />
    </section>
  );
}

const PHASE: Record<ImportProgress['phase'], string> = {
  checking: "Checking the bundle's hash chain and receipts",
  reading: 'Reading the tokens',
  // The chunks are written as they are hashed, inside the one transaction the batch commits in.
  hashing: 'Hashing, chaining and writing the entries, in one transaction',
  writing: 'Committing the transaction',
  auditing: 'Auditing: verifying every token and the DAG rules',
};

function ImportStatus() {
  const running = useLedgerView((s) => s.running);
  const outcome = useLedgerView((s) => s.outcome);
  const progress = useLedgers((s) => s.progress);
  const signs = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.key !== undefined);

  if (running) {
    if (running.reading) {
      return (
        <div className="flex flex-wrap items-center gap-3" data-testid="import-progress">
          <p role="status" className="min-w-0 flex-1 text-sm" data-testid="import-phase">
            Importing {running.source}: reading the file…
          </p>
          <Button variant="danger" onClick={() => useLedgerView.getState().cancelImport()}>
            Cancel import
          </Button>
        </div>
      );
    }
    // No progress while running: the import has just ended (its result follows at once).
    const phase = progress?.phase ?? null;
    // Until the one write starts, nothing has touched the ledger: Cancel leaves it as it was.
    const cancellable = phase === 'checking' || phase === 'reading' || phase === 'hashing';
    const written = phase === 'auditing' || phase === null;
    return (
      <div className="flex flex-col gap-1.5" data-testid="import-progress">
        <div className="flex flex-wrap items-center gap-3">
          <p role="status" className="min-w-0 flex-1 text-sm" data-testid="import-phase">
            Importing {running.source}: {phase ? PHASE[phase] : 'finishing'}
            {phase === 'hashing' && signs ? ' (and signing receipts)' : ''}
            {progress ? ` — ${formatCount(progress.done)} / ${formatCount(progress.total)}` : '…'}
          </p>
          {!written && (
            <Button
              variant="danger"
              onClick={() => useLedgerView.getState().cancelImport()}
              disabled={!cancellable}
              title={
                cancellable
                  ? 'Stop: nothing will be written'
                  : 'The write has started: it completes or fails as a whole'
              }
            >
              Cancel import
            </Button>
          )}
        </div>
        <progress
          className="h-2 w-full accent-sky-600"
          aria-label="Import progress"
          max={progress?.total || 1}
          value={progress ? progress.done : undefined}
        />
        {written && (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            The entries are written; the audit runs on them now.
          </p>
        )}
      </div>
    );
  }
  return (
    <>
      {progress?.phase === 'auditing' && (
        <p className="text-sm text-slate-600 dark:text-slate-400" role="status" data-testid="audit-progress">
          Auditing the ledger: {formatCount(progress.done)} / {formatCount(progress.total)} tokens verified…
        </p>
      )}
      {outcome && <Outcome outcome={outcome} />}
    </>
  );
}

function Outcome({ outcome }: { outcome: ImportOutcome }) {
  const dismiss = (
    <button
      type="button"
      onClick={() => useLedgerView.getState().dismissOutcome()}
      className="ml-2 text-xs underline"
      aria-label="Dismiss this message"
    >
      Dismiss
    </button>
  );
  if (outcome.kind === 'cancelled') {
    return (
      <p role="status" className="text-sm" data-testid="import-outcome">
        Import of {outcome.source} cancelled: nothing was written.{dismiss}
      </p>
    );
  }
  if (outcome.kind === 'elsewhere') {
    return (
      <div data-testid="import-outcome">
        <WrongPlaceOffer
          text={outcome.text}
          kind={outcome.what}
          here="ledger"
          expected="tokens or a ledger bundle: nothing was added to the ledger"
          onSent={() => useLedgerView.getState().dismissOutcome()}
        />
      </div>
    );
  }
  if (outcome.kind === 'error') {
    return (
      <div
        role="alert"
        className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-200"
        data-testid="import-outcome"
      >
        <strong>
          Import of <VisibleText text={outcome.source} /> failed.
        </strong>{' '}
        <VisibleText text={outcome.message} />
        {dismiss}
      </div>
    );
  }
  if (outcome.kind === 'refused') return <Refused outcome={outcome} dismiss={dismiss} />;
  const { added, skipped, bundleProblems } = outcome.result;
  const nothing = added === 0;
  return (
    <div
      role="status"
      className={`rounded-md border p-2 text-sm ${
        nothing
          ? 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100'
          : 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-100'
      }`}
      data-testid="import-outcome"
    >
      <p>
        {nothing ? (
          <strong>
            Nothing was added from <VisibleText text={outcome.source} />
          </strong>
        ) : (
          <>
            <strong>Added {plural(added, 'entry', 'entries')}</strong> from{' '}
            <VisibleText text={outcome.source} /> in {formatMs(outcome.ms)}
          </>
        )}
        {bundleProblems
          ? `, as new entries of this ledger, despite ${plural(bundleProblems, 'problem')} in the bundle's own chain`
          : ''}
        {skipped.length ? `; ${plural(skipped.length, 'item')} skipped (not a token):` : '.'}
        {!skipped.length && nothing && ' The input held no token.'}
        {!skipped.length && dismiss}
      </p>
      {skipped.length > 0 && (
        <>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {skipped.slice(0, 10).map((s) => (
              <li key={s.index}>
                item {s.index + 1}: <VisibleText text={s.message} />
              </li>
            ))}
            {skipped.length > 10 && <li>… and {formatCount(skipped.length - 10)} more</li>}
          </ul>
          {dismiss}
        </>
      )}
    </div>
  );
}

/** A bundle refused because its own ledger check failed: each problem at its entry, and a way on. */
function Refused({
  outcome,
  dismiss,
}: {
  outcome: Extract<ImportOutcome, { kind: 'refused' }>;
  dismiss: ReactNode;
}) {
  const { problems, entries } = outcome.refused;
  return (
    <div
      role="alert"
      className="flex flex-col gap-2 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-950 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
      data-testid="import-outcome"
      data-kind="refused"
    >
      <p>
        <strong>
          Import of <VisibleText text={outcome.source} /> refused:
        </strong>{' '}
        the bundle ({plural(entries, 'entry', 'entries')}) does not hold together: its hash chain, receipts or
        checkpoint show {plural(problems.length, 'problem')}, so it was changed after it was exported (or was
        never exported from a ledger). Nothing was written.
      </p>
      <LedgerProblemList problems={problems.slice(0, 20)} explain testId="bundle-problems" />
      {problems.length > 20 && <p className="text-xs">… and {formatCount(problems.length - 20)} more.</p>}
      <p className="flex flex-wrap items-center gap-2 text-xs">
        <Button
          onClick={() =>
            void useLedgerView
              .getState()
              .startImport(outcome.text, outcome.source, { acceptBundleProblems: true })
          }
        >
          Import its tokens anyway
        </Button>
        <span>
          They become new entries of this ledger, chained and audited here; the bundle's own history is not
          kept.
        </span>
        {dismiss}
      </p>
    </div>
  );
}

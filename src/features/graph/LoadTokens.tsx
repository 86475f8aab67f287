/**
 * "Load tokens": paste tokens (one a line, a JSON array, or a ledger bundle)
 * straight into the open ledger, without leaving the graph. The Ledger tab
 * does the same with files and more; this is the quick way.
 */
import { useMemo, useState } from 'react';
import { WrongPlaceOffer } from '../../components/WrongPlace.tsx';
import { classifyText } from '../../state/fileKind.ts';
import { Button } from '../../components/Button.tsx';
import { useLedgers } from '../../state/ledgers.ts';

export function LoadTokens({ open: initiallyOpen = false }: { open?: boolean }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const ledgers = useLedgers((s) => s.ledgers);
  const currentId = useLedgers((s) => s.currentId);
  const progress = useLedgers((s) => s.progress);
  const name = ledgers.find((l) => l.id === currentId)?.name ?? 'the open ledger';

  const what = useMemo(() => classifyText(text), [text]);
  const elsewhere = what.kind === 'keys' || what.kind === 'scenario';

  const add = async () => {
    if (elsewhere) return;
    setBusy(true);
    setResult(null);
    try {
      const r = await useLedgers.getState().importText(text);
      const skipped = r.skipped.length
        ? ` ${r.skipped.length} piece${r.skipped.length === 1 ? ' was' : 's were'} not a token and ${
            r.skipped.length === 1 ? 'was' : 'were'
          } skipped (first: ${r.skipped[0]!.message}).`
        : '';
      setResult({
        ok: true,
        message: `Added ${r.added} token${r.added === 1 ? '' : 's'} to ${name}.${skipped}`,
      });
      if (r.added) setText('');
    } catch (e) {
      setResult({ ok: false, message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details
      open={initiallyOpen}
      data-testid="load-tokens"
      className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <summary className="cursor-pointer font-medium">Load tokens into “{name}”</summary>
      <div className="mt-2 flex flex-col gap-2">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600 dark:text-slate-400">
            Paste ECTs: one a line, a JSON array of tokens, or a ledger bundle. They are appended to the open
            ledger (every token is kept, defects included: the graph shows them).
          </span>
          <textarea
            aria-label="Tokens to add to the ledger"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={4}
            spellCheck={false}
            className="rounded-md border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        {elsewhere && (
          <WrongPlaceOffer
            text={text}
            kind={what}
            here="graph"
            expected="tokens"
            onSent={() => setText('')}
          />
        )}
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="primary" disabled={busy || !text.trim() || elsewhere} onClick={() => void add()}>
            Add to ledger
          </Button>
          {busy && progress && (
            <span className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
              {progress.phase} {progress.done.toLocaleString('en')} / {progress.total.toLocaleString('en')}
            </span>
          )}
          {result && (
            <span
              role={result.ok ? 'status' : 'alert'}
              data-testid="load-result"
              className={
                result.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'
              }
            >
              {result.message}
            </span>
          )}
        </div>
      </div>
    </details>
  );
}

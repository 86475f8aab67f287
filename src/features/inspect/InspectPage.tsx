import { useDeferredValue, useMemo } from 'react';
import { splitInput } from '../../ect/input.ts';
import { decodeCached } from './decodeCache.ts';
import { EXAMPLE_TOKEN } from './example.ts';
import { countLine } from './format.ts';
import { useInspectStore } from './store.ts';
import { TokenCard } from './TokenCard.tsx';

/** Cards rendered at most; beyond this the page says how many were left out. */
const MAX_CARDS = 200;

export function InspectPage() {
  const text = useInspectStore((s) => s.text);
  const setText = useInspectStore((s) => s.setText);
  // Decoding follows typing without blocking it on large pastes.
  const deferredText = useDeferredValue(text);

  const { split, results, failures } = useMemo(() => {
    const parsed = splitInput(deferredText);
    const decoded = parsed.tokens.map(decodeCached);
    return { split: parsed, results: decoded, failures: decoded.filter((r) => !r.ok).length };
  }, [deferredText]);

  const shown = Math.min(results.length, MAX_CARDS);

  return (
    <div className="flex flex-col gap-4">
      <section className="flex flex-col gap-2">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <label htmlFor="ect-input" className="font-medium">
            Paste ECTs
          </label>
          <div className="flex gap-2">
            <button
              type="button"
              className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
              onClick={() => setText(EXAMPLE_TOKEN)}
              title="Fill in a signed -01 example token from the conformance vectors (this page decodes it; it does not verify the signature)"
            >
              Example
            </button>
            <button
              type="button"
              className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
              onClick={() => setText('')}
              disabled={text === ''}
            >
              Clear
            </button>
          </div>
        </div>
        <textarea
          id="ect-input"
          aria-label="Paste ECTs"
          aria-describedby="ect-input-help ect-count"
          className="min-h-36 w-full resize-y rounded-md border border-slate-300 bg-white p-3 font-mono text-sm break-all text-slate-900 placeholder:text-slate-400 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500"
          placeholder="eyJhbGciOiJFUzI1NiIs…  (one token, an Execution-Context: header line, a comma list, a JSON array, or one per line)"
          spellCheck={false}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <p id="ect-input-help" className="text-xs text-slate-500 dark:text-slate-400">
          Tokens are decoded as you type, in this page only; nothing is sent anywhere. Decoding does not check
          signatures. The Example button fills in a genuine signed -01 token from the conformance vectors.
        </p>
      </section>

      <p id="ect-count" className="text-sm font-medium" data-testid="token-count" aria-live="polite">
        {countLine(deferredText, split, failures)}
      </p>

      <div className="flex flex-col gap-4" data-testid="token-list">
        {results.slice(0, shown).map((result, i) => (
          <TokenCard key={i} index={i} token={split.tokens[i] ?? ''} result={result} />
        ))}
      </div>
      {results.length > shown && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Showing the first {shown} of {results.length} tokens.
        </p>
      )}
    </div>
  );
}

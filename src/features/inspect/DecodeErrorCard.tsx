import { type DecodeProblem, explain } from 'wimse-ect';
import { truncationHint } from './hints.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { describeChar, INVISIBLE } from '../../components/visible.ts';

const CONTEXT = 24;

/** A token that could not be decoded: which part, why, and where. */
export function DecodeErrorCard({
  index,
  token,
  problem,
}: {
  index: number;
  token: string;
  problem: DecodeProblem;
}) {
  const hint = truncationHint(token, problem);
  const e = explain('malformed');
  return (
    <article
      className="rounded-lg border border-red-300 bg-red-50 p-4 shadow-sm dark:border-red-900 dark:bg-red-950/40"
      data-testid="decode-error"
      aria-label={`Token ${index + 1}: cannot be decoded`}
      id={`token-card-${index}`}
      tabIndex={-1}
      role="alert"
    >
      <header className="mb-2 flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-slate-500 dark:text-slate-400">
          #{index + 1}
        </span>
        <span className="font-semibold text-red-800 dark:text-red-200">Cannot decode this token</span>
        <span className="rounded bg-red-100 px-1.5 py-0.5 font-mono text-xs text-red-900 dark:bg-red-900/60 dark:text-red-100">
          {problem.code}
        </span>
      </header>
      <p className="text-sm text-red-900 dark:text-red-100" data-testid="decode-error-message">
        <VisibleText text={problem.message} />
      </p>
      <p className="mt-1 text-sm text-red-800 dark:text-red-200">
        Part: <span className="font-mono font-semibold">{problem.part}</span>
        {problem.position !== undefined && (
          <>
            {' · '}at character <span className="font-mono font-semibold">{problem.position}</span> of the
            token
          </>
        )}
      </p>
      {problem.position !== undefined && <Excerpt token={token.trim()} position={problem.position} />}
      {hint && (
        <p
          className="mt-2 rounded-md border border-red-200 bg-white/70 px-2 py-1 text-sm font-medium text-red-900 dark:border-red-900 dark:bg-slate-900/60 dark:text-red-100"
          data-testid="decode-error-hint"
        >
          {hint}
        </p>
      )}
      <p className="mt-2 text-xs text-red-900/80 dark:text-red-200/80">
        Verification stops at step 1 (decode): <code className="font-mono">malformed</code>, refused as a bad
        request (HTTP 400). <span className="font-semibold">Fix:</span> {e.fix}
      </p>
    </article>
  );
}

/** The token around the offending character, which is highlighted. */
function Excerpt({ token, position }: { token: string; position: number }) {
  const start = Math.max(0, position - CONTEXT);
  const end = Math.min(token.length, position + CONTEXT + 1);
  const ch = token.slice(position, position + 1);
  return (
    <p className="mt-2 overflow-x-auto rounded bg-white/70 px-2 py-1 font-mono text-xs whitespace-pre text-slate-700 dark:bg-slate-900/60 dark:text-slate-300">
      {start > 0 && '…'}
      <VisibleText text={token.slice(start, position)} />
      <mark
        className="rounded-sm bg-red-300 px-0.5 text-red-950 dark:bg-red-700 dark:text-white"
        title={ch ? `character ${describeChar(ch)}` : 'end of the token'}
      >
        {ch && INVISIBLE.test(ch) ? <VisibleText text={ch} /> : /\s/.test(ch) ? '\u00a0' : ch || '\u00a0'}
      </mark>
      <VisibleText text={token.slice(position + 1, end)} />
      {end < token.length && '…'}
    </p>
  );
}

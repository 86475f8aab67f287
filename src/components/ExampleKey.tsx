/**
 * Says that a verdict rests on a published example key: the example agents' private keys are the
 * conformance vectors' test keys, in this app's bundle and in the repository for anyone to sign
 * with, so a token they verify proves nothing about who made it (a share link can carry one).
 */
import { useMemo } from 'react';
import { exampleKeyMatcher, type ExampleAgent } from '../state/exampleAgents.ts';
import { useKeyring } from '../state/keyring.ts';

/** The matcher for the current keyring (memoized per keyring). */
export function useExampleKeyMatcher() {
  const keys = useKeyring((s) => s.keys);
  return useMemo(() => exampleKeyMatcher(keys), [keys]);
}

export const EXAMPLE_KEY_WARNING =
  'signed with a published example key: its private key is public (the conformance vectors’ test key), so anyone can make such a token, and it proves nothing about who did';

/** A small pill for tables and lists; `compact` (table rows) shows only a mark, its words for screen readers. */
export function ExampleKeyPill({ agent, compact = false }: { agent: ExampleAgent; compact?: boolean }) {
  return (
    <span
      className="inline-flex shrink-0 items-center rounded bg-amber-200 px-1.5 py-px font-mono text-[11px] font-semibold text-amber-950 dark:bg-amber-800 dark:text-amber-50"
      title={`${agent.name}: ${EXAMPLE_KEY_WARNING}`}
      data-testid="example-key-badge"
    >
      {compact ? (
        <>
          <span aria-hidden="true">⚠ test key</span>
          <span className="sr-only">signed with a published example key</span>
        </>
      ) : (
        'example key'
      )}
    </span>
  );
}

/** The sentence, beside a verdict. */
export function ExampleKeyNote({ agent }: { agent: ExampleAgent }) {
  return (
    <p
      className="mt-1 rounded border border-amber-400 bg-amber-100 px-2 py-1 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/60 dark:text-amber-100"
      data-testid="example-key-badge"
    >
      <span className="font-semibold">⚠ Example key.</span> This token is {EXAMPLE_KEY_WARNING}. The key is{' '}
      {agent.name}, bound to <code className="font-mono">{agent.issuer}</code>; delete the example agents in
      Keys &amp; trust to stop trusting it.
    </p>
  );
}

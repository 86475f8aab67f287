/**
 * The first visit's seeding of the example agents, said and put to the user: their keys are the
 * conformance vectors' published test keys, so whoever holds the app (or the repository) can sign
 * as them. Keep them to try the examples, or remove them and start clean. Shown until answered.
 */
import { useState } from 'react';
import { EXAMPLE_AGENTS } from '../state/exampleAgents.ts';
import { useKeyring } from '../state/keyring.ts';
import { Button } from './Button.tsx';

export function ExampleAgentsChoice() {
  const pending = useKeyring((s) => s.exampleChoicePending);
  const keep = useKeyring((s) => s.keepExampleAgents);
  const remove = useKeyring((s) => s.removeExampleAgents);
  const [busy, setBusy] = useState(false);
  if (!pending) return null;
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    action().finally(() => setBusy(false));
  };
  return (
    <section
      aria-label="Published test keys in your keyring"
      data-testid="example-agents-choice"
      className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100"
    >
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2">
        <p className="min-w-0 flex-1 basis-96">
          <span className="font-semibold">Three example agents are in your keys</span>
          {/* On a phone the question takes two lines and one row of buttons, not half the screen. */}
          <span className="hidden sm:inline">
            {' '}
            ({EXAMPLE_AGENTS.map((a) => a.issuer.replace(/^spiffe:\/\/example\.com\//, '')).join(', ')}), so
            the examples sign and verify at once
          </span>
          . Their private keys are published test keys: anyone can sign as them, and a token they verify
          proves nothing.
          <span className="hidden sm:inline"> Keep them to try things out, or start clean.</span>
        </p>
        <div className="flex flex-wrap gap-2">
          <Button compactOnPhone disabled={busy} onClick={() => run(keep)}>
            Keep the example agents
          </Button>
          <Button compactOnPhone variant="danger" disabled={busy} onClick={() => run(remove)}>
            Remove them, start clean
          </Button>
        </div>
      </div>
    </section>
  );
}

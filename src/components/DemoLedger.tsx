/**
 * The demo ledger in the UI: a button on the empty Ledger and Graph pages that builds it, and a
 * checklist of what it plants, shown while it is the open ledger (an auditor's exercise: find each
 * one in the table or the graph).
 */
import { useState } from 'react';
import {
  DEMO_DEFECTS,
  DEMO_LEDGER_NAME,
  DEMO_TOKEN_COUNT,
  loadDemoLedger,
  useDemoNotice,
} from '../state/demoLedger.ts';
import { useLedgers } from '../state/ledgers.ts';
import { Button } from './Button.tsx';

/** `compact`: the button alone, its description in its tooltip (a toolbar, a menu). */
export function DemoLedgerButton({ compact = false }: { compact?: boolean }) {
  const [state, setState] = useState<{ kind: 'idle' | 'loading' } | { kind: 'error'; message: string }>({
    kind: 'idle',
  });
  const load = async () => {
    setState({ kind: 'loading' });
    try {
      await loadDemoLedger();
      setState({ kind: 'idle' });
    } catch (e) {
      setState({
        kind: 'error',
        message: `The demo ledger could not be made: ${e instanceof Error ? e.message : String(e)}. Nothing else changed.`,
      });
    }
  };
  const about = `a release workflow of ${DEMO_TOKEN_COUNT} tokens, signed here by the example agents, with one of each defect planted (opens as a new ledger)`;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant={compact ? 'secondary' : 'primary'}
          onClick={() => void load()}
          disabled={state.kind === 'loading'}
          title={compact ? `The demo ledger: ${about}` : undefined}
        >
          {state.kind === 'loading' ? 'Signing the demo…' : 'Load the demo ledger'}
        </Button>
        {!compact && <span className="text-sm text-slate-600 dark:text-slate-400">{about}</span>}
      </div>
      {state.kind === 'error' && (
        <p role="alert" className="text-sm text-red-800 dark:text-red-300">
          {state.message}
        </p>
      )}
    </div>
  );
}

/** The planted defects, while the demo ledger is the open one. */
export function DemoGuide() {
  const isDemo = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.name === DEMO_LEDGER_NAME);
  const agentsRestored = useDemoNotice((s) => s.agentsRestored);
  if (!isDemo) return null;
  return (
    <details
      className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm dark:border-sky-900 dark:bg-sky-950/40"
      data-testid="demo-guide"
    >
      <summary className="cursor-pointer font-medium">
        Demo ledger: {DEMO_DEFECTS.length} planted defects to find
      </summary>
      <ul className="mt-1 list-disc pl-5 text-slate-700 dark:text-slate-300">
        {DEMO_DEFECTS.map((d) => (
          <li key={d.act}>
            <code className="font-mono">{d.act}</code>: {d.finding}
          </li>
        ))}
      </ul>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        plan_release, build_artifact, run_tests and approve_deploy are valid. Click a row or a node to read
        why it failed and how to fix it.
      </p>
      <p className="mt-1 text-slate-600 dark:text-slate-400" data-testid="demo-keys">
        Signed by the example agents A, B and C, whose public keys are in Keys &amp; trust (published test
        keys, never secret).
        {agentsRestored &&
          ' This browser no longer had them: they were added back so the signatures can be checked.'}
      </p>
    </details>
  );
}

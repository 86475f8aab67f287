import { lazy, Suspense, useEffect, useState } from 'react';
import { onDatabaseBlocked } from '../storage/db.ts';
import { TrustKeyDialogHost } from '../components/TrustKey.tsx';
import { ExampleAgentsChoice } from '../components/ExampleAgentsChoice.tsx';
import { OfflineBadge } from './OfflineBadge.tsx';
import { CreatePage } from '../features/create/CreatePage.tsx';
import { InspectPage } from '../features/inspect/InspectPage.tsx';
import { KeysPage } from '../features/keys/KeysPage.tsx';
import { TourBanner, TourHeaderOffer } from '../features/learn/TourBanner.tsx';
import { useKeyring } from '../state/keyring.ts';
import { useRouter, type Route } from '../state/router.ts';

// The ledger and the graph views (React Flow, virtualized tables) load on first use.
const LedgerPage = lazy(() =>
  import('../features/ledger/LedgerPage.tsx').then((m) => ({ default: m.LedgerPage })),
);
const GraphPage = lazy(() =>
  import('../features/graph/GraphPage.tsx').then((m) => ({ default: m.GraphPage })),
);
const SimulatePage = lazy(() =>
  import('../features/simulate/SimulatePage.tsx').then((m) => ({ default: m.SimulatePage })),
);
const LearnPage = lazy(() =>
  import('../features/learn/LearnPage.tsx').then((m) => ({ default: m.LearnPage })),
);

const TABS: { route: Route; label: string; hint: string }[] = [
  { route: 'inspect', label: 'Inspect', hint: 'Paste tokens: decode, verify, explain' },
  { route: 'create', label: 'Create', hint: 'Fill in claims and sign a token' },
  { route: 'keys', label: 'Keys & trust', hint: 'Signing keys and the trust store' },
  { route: 'ledger', label: 'Ledger', hint: 'Audit ledgers: import, browse, export' },
  { route: 'graph', label: 'Graph', hint: 'The workflow DAG with every violation drawn where it is' },
  { route: 'simulate', label: 'Simulate', hint: 'Play a workflow step by step, with fault switches' },
  { route: 'learn', label: 'Learn', hint: 'What ECTs are: claims, error codes, the 16 steps, a guided tour' },
];

export function App() {
  const route = useRouter((s) => s.route);
  const navigate = useRouter((s) => s.navigate);
  const loadKeys = useKeyring((s) => s.load);
  const keyringError = useKeyring((s) => s.error);
  const keyringStatus = useKeyring((s) => s.status);

  // The Graph tab is a workspace: the whole width and the height below a compact header.
  const fill = route === 'graph';
  const compact = fill || route === 'ledger';
  const [dbBlocked, setDbBlocked] = useState(false);
  useEffect(() => onDatabaseBlocked(setDbBlocked), []);

  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);

  return (
    <div className={`flex flex-col ${fill ? 'h-dvh' : 'min-h-screen'}`}>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className={`mx-auto max-w-6xl px-4 ${compact ? 'pt-2' : 'pt-4'}`}>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h1 className="text-xl font-semibold tracking-tight">ECT Workbench</h1>
            <OfflineBadge />
            {compact && <TourHeaderOffer />}
          </div>
          <p className={`mt-1 text-sm text-slate-600 dark:text-slate-400 ${compact ? 'hidden' : ''}`}>
            An Execution Context Token (ECT) is a signed JWT recording one task an agent performed; its
            predecessor list links tasks into a workflow DAG. Everything here runs locally in your browser:
            nothing is sent anywhere.
          </p>
          <nav aria-label="Workbench" className={`flex gap-1 overflow-x-auto ${compact ? 'mt-1' : 'mt-3'}`}>
            {TABS.map((t) => (
              <a
                key={t.route}
                href={`#/${t.route}`}
                title={t.hint}
                aria-current={route === t.route ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(t.route);
                }}
                className={`shrink-0 rounded-t-md border border-b-0 px-4 py-2 text-sm font-medium whitespace-nowrap ${
                  route === t.route
                    ? 'border-slate-200 bg-slate-50 text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100'
                    : 'border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100'
                }`}
              >
                {t.label}
              </a>
            ))}
          </nav>
        </div>
      </header>
      {dbBlocked && (
        <div
          role="alert"
          className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          Another tab of the workbench holds the database open with an older version, so this tab cannot open
          it yet. Close or reload the other tab; this tab continues by itself, and nothing is lost.
        </div>
      )}
      {keyringStatus === 'error' && (
        <div
          role="alert"
          className="border-b border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {keyringError} Keys cannot be saved in this browser session; decoding still works.
        </div>
      )}
      <ExampleAgentsChoice />
      <TourBanner offer={!compact} />
      <TrustKeyDialogHost />
      <main
        className={
          fill
            ? 'flex min-h-0 w-full flex-1 flex-col px-2 py-2 sm:px-3'
            : `mx-auto w-full max-w-6xl flex-1 px-4 ${compact ? 'py-3' : 'py-6'}`
        }
      >
        {route === 'inspect' && <InspectPage />}
        {route === 'create' && <CreatePage />}
        {route === 'keys' && <KeysPage />}
        <Suspense fallback={<p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>}>
          {route === 'ledger' && <LedgerPage />}
          {route === 'graph' && <GraphPage />}
          {route === 'simulate' && <SimulatePage />}
          {route === 'learn' && <LearnPage />}
        </Suspense>
      </main>
    </div>
  );
}

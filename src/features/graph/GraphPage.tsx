/**
 * The Graph tab: the open ledger's whole-set audit drawn as a workflow DAG,
 * every violation where it belongs (nodes, edges, ghost parents), with a
 * linked timeline, a side panel that says why, filters, search, grouping for
 * large sets and exports (Explorer.tsx). Layout runs in a Web Worker (layout/).
 */
// oxlint-disable-next-line import/no-unassigned-import
import '@xyflow/react/dist/style.css';
// oxlint-disable-next-line import/no-unassigned-import
import './graph.css';
import { useDeferredValue, useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { useKeyring } from '../../state/keyring.ts';
import { useLedgers } from '../../state/ledgers.ts';
import { useRouter } from '../../state/router.ts';
import { Explorer } from './Explorer.tsx';
import { LoadTokens } from './LoadTokens.tsx';
import { usePreparedModel } from './usePreparedModel.ts';

export function GraphPage() {
  const status = useLedgers((s) => s.status);
  const error = useLedgers((s) => s.error);
  const audit = useLedgers((s) => s.audit);
  // The model is built in slices (usePreparedModel); the drawing of it renders as a deferred value,
  // in the background a component at a time, not as one task (100,000 tokens: 0.7 s at load 5 in
  // one task, issue 17).
  const { prepared: built, current } = usePreparedModel(audit);
  const prepared = useDeferredValue(built);
  const progress = useLedgers((s) => s.progress);
  const keyStatus = useKeyring((s) => s.status);

  // The audit needs the trust store: open the ledgers once the keyring is read.
  useEffect(() => {
    if (keyStatus === 'loading') return;
    if (useLedgers.getState().status === 'idle') void useLedgers.getState().load();
  }, [keyStatus]);

  let body;
  if (status === 'error') {
    body = (
      <p
        role="alert"
        className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
      >
        {error}
      </p>
    );
  } else if (audit === null) {
    body = (
      <p
        className="text-sm text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid="graph-loading"
      >
        {progress
          ? `Auditing the ledger: ${progress.phase} ${progress.done.toLocaleString('en')} / ${progress.total.toLocaleString('en')}…`
          : 'Opening the ledger…'}
      </p>
    );
  } else if (audit.nodes.length === 0) {
    body = <EmptyState />;
  } else if (!prepared || (!current && prepared.audit.nodes.length === 0)) {
    body = (
      <p
        className="text-sm text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid="graph-loading"
      >
        {`Preparing the drawing of ${audit.nodes.length.toLocaleString('en')} tokens…`}
      </p>
    );
  } else {
    body = (
      <ReactFlowProvider>
        <Explorer audit={prepared.audit} base={prepared.model} />
      </ReactFlowProvider>
    );
  }
  return (
    // The shell gives the Graph tab the whole width and the height below its header.
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">{body}</div>
  );
}

function EmptyState() {
  const navigate = useRouter((s) => s.navigate);
  return (
    <section data-testid="graph-empty" className="mx-auto flex w-full max-w-3xl flex-col gap-3 py-6">
      <h2 className="text-lg font-semibold">No tokens to draw yet</h2>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        The graph draws the open ledger as a workflow DAG: one node per token, an arrow from each parent (a{' '}
        <code className="font-mono">pred</code> entry) to its child, every audit violation on the node or edge
        it belongs to: missing parents, cycles, duplicates, time running backwards, bad signatures, and the
        valid tokens downstream of them (tainted).
      </p>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        This ledger is empty. Import tokens or a ledger bundle in the{' '}
        <a
          href="#/ledger"
          className="font-medium text-sky-700 underline dark:text-sky-400"
          onClick={(e) => {
            e.preventDefault();
            navigate('ledger');
          }}
        >
          Ledger tab
        </a>
        , or paste some here:
      </p>
      <LoadTokens open />
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Or review a ledger with every kind of defect in it:
      </p>
      <DemoLedgerButton />
    </section>
  );
}

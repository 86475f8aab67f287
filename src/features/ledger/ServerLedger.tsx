import { useEffect, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { plural } from './format.ts';
import { useLedgerView } from './store.ts';

/** What `ect serve` answers at api/info. */
interface ServedLedger {
  name: string;
  entries: number;
}

/**
 * Asks the page's own origin whether it is `ect serve` (GET api/info, same origin: the CSP's
 * connect-src 'self'). Anything else (a static host's 404, its index.html, no network) is "no":
 * the app works as before, and says nothing (a static host's 404 still shows in the browser's
 * network log).
 */
async function probe(signal: AbortSignal): Promise<ServedLedger | null> {
  // Offline (the app from its service worker's cache) there is no server to ask, and a failed
  // fetch would be an error line in the console.
  if (!navigator.onLine) return null;
  try {
    const r = await fetch(new URL('api/info', document.baseURI), { signal, cache: 'no-store' });
    if (!r.ok || !r.headers.get('content-type')?.startsWith('application/json')) return null;
    const info = (await r.json()) as { server?: unknown; ledger?: { name?: unknown; entries?: unknown } };
    const { ledger } = info;
    if (info.server !== 'ect serve' || typeof ledger?.name !== 'string' || typeof ledger.entries !== 'number')
      return null;
    return { name: ledger.name, entries: ledger.entries };
  } catch {
    return null;
  }
}

/** The shared ledger's bundle, from the server that serves this app. */
async function fetchBundle(): Promise<string> {
  const r = await fetch(new URL('api/ledger', document.baseURI), { cache: 'no-store' });
  if (!r.ok) {
    const body = (await r.json().catch(() => null)) as { message?: unknown } | null;
    throw new Error(
      `the server did not give its ledger (HTTP ${r.status})${typeof body?.message === 'string' ? `: ${body.message}` : ''}`,
    );
  }
  return r.text();
}

/**
 * Shown only when the app is served by `ect serve`: opens the server's shared ledger (its bundle,
 * checked like any other: chain, receipts, checkpoint) in this browser, in the open ledger when
 * it is empty, else in a new one named after it.
 */
export function ServerLedger() {
  const [served, setServed] = useState<ServedLedger | null>(null);
  const running = useLedgerView((s) => s.running);
  const ready = useLedgers((s) => s.status === 'ready' && s.currentId !== null);

  useEffect(() => {
    const controller = new AbortController();
    void probe(controller.signal).then((s) => {
      if (!controller.signal.aborted) setServed(s);
    });
    return () => controller.abort();
  }, []);

  if (!served) return null;

  const open = async () => {
    const ledgers = useLedgers.getState();
    if (ledgers.entries.length > 0) await ledgers.create(`${served.name} (server)`);
    await useLedgerView.getState().startImport(fetchBundle, `the server's ledger ${served.name}`);
  };

  return (
    <p
      className="flex flex-wrap items-center gap-2 rounded-md border border-sky-200 bg-sky-50 p-2 text-sm dark:border-sky-900 dark:bg-sky-950/40"
      data-testid="server-ledger"
    >
      <span className="min-w-0 flex-1">
        This workbench is served by <code className="font-mono text-xs">ect serve</code> with the shared
        ledger <VisibleText text={served.name} /> ({plural(served.entries, 'entry', 'entries')} when the page
        opened).
      </span>
      <Button variant="primary" onClick={() => void open()} disabled={!ready || running !== null}>
        Open the server's ledger
      </Button>
    </p>
  );
}

/**
 * When text lands where it does not belong (keys dropped on the ledger import, a scenario pasted
 * into Inspect, tokens pasted into Keys & trust), says what it is and offers the right place:
 * keys are imported here and now (with the list of what was added), other things are sent to
 * their tab's input.
 */
import { useState } from 'react';
import { describeKind, type FileKind } from '../state/fileKind.ts';
import { useHandoff } from '../state/handoff.ts';
import { useKeyring } from '../state/keyring.ts';
import { useRouter, type Route } from '../state/router.ts';
import type { ImportKeysResult } from '../storage/keys.ts';
import { Button } from './Button.tsx';
import { ImportedKeysList, importSummary } from './ImportedKeys.tsx';
import { VisibleText } from './VisibleText.tsx';

const TAB_NAMES: Record<Route, string> = {
  inspect: 'Inspect',
  create: 'Create',
  keys: 'Keys & trust',
  ledger: 'Ledger',
  graph: 'Graph',
  simulate: 'Simulate',
  learn: 'Learn',
};

/** The trust store inside a ledger bundle, as text the key import reads; null when it has none. */
function bundleTrust(text: string): string | null {
  try {
    const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as { trust?: unknown };
    return doc.trust && typeof doc.trust === 'object' ? JSON.stringify(doc.trust) : null;
  } catch {
    return null;
  }
}

export function WrongPlaceOffer({
  text,
  kind,
  here,
  expected,
  onSent,
}: {
  text: string;
  kind: FileKind;
  /** The tab the text landed on. */
  here: Route;
  /** What this place takes, in words: "tokens". */
  expected: string;
  /** Called once the text went elsewhere (imported as keys, or sent to a tab): clear it here. */
  onSent?: () => void;
}) {
  const importKeys = useKeyring((s) => s.importKeys);
  const sendText = useHandoff((s) => s.sendText);
  const navigate = useRouter((s) => s.navigate);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportKeysResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = (route: Route, what: string = text) => {
    sendText(route, what, `the ${TAB_NAMES[here]} tab`);
    onSent?.();
    navigate(route);
  };
  const importAsKeys = (keyText: string) => {
    setBusy(true);
    setError(null);
    importKeys(keyText).then(
      (r) => {
        setResult(r);
        setBusy(false);
      },
      (e: unknown) => {
        setError(`Nothing was imported: ${e instanceof Error ? e.message : String(e)}`);
        setBusy(false);
      },
    );
  };
  const trust = kind.kind === 'ledger-bundle' && kind.hasTrust ? bundleTrust(text) : null;

  return (
    <div
      role="status"
      data-testid="wrong-place"
      data-kind={kind.kind}
      className="flex flex-col gap-2 rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950/40 dark:text-sky-100"
    >
      <p>
        <span className="font-semibold">This is {describeKind(kind)}</span>, not {expected}.{' '}
        {kind.kind === 'keys' && 'Keys belong in Keys & trust, where tokens are verified against them.'}
        {kind.kind === 'ledger-bundle' &&
          (here === 'ledger' ? '' : 'A bundle is imported into a ledger, with its hash chain and receipts.')}
        {kind.kind === 'scenario' && 'Scenarios run on the Simulate tab.'}
        {kind.kind === 'tokens' &&
          'Tokens are inspected one by one on Inspect, or audited together in a ledger.'}
      </p>
      <div className="flex flex-wrap gap-2">
        {kind.kind === 'keys' && !result && (
          <>
            <Button variant="primary" disabled={busy} onClick={() => importAsKeys(text)}>
              {busy ? 'Importing…' : 'Import as keys'}
            </Button>
            <Button onClick={() => send('keys')}>Open in Keys &amp; trust…</Button>
          </>
        )}
        {kind.kind === 'ledger-bundle' && (
          <>
            {here !== 'ledger' && (
              <Button variant="primary" onClick={() => send('ledger')}>
                Import into a ledger…
              </Button>
            )}
            {trust && !result && (
              <Button disabled={busy} onClick={() => importAsKeys(trust)}>
                {busy ? 'Importing…' : 'Import its trust store as keys'}
              </Button>
            )}
          </>
        )}
        {kind.kind === 'scenario' && (
          <Button variant="primary" onClick={() => send('simulate')}>
            Open in Simulate
          </Button>
        )}
        {kind.kind === 'tokens' && (
          <>
            <Button variant="primary" onClick={() => send('inspect')}>
              Inspect them
            </Button>
            <Button onClick={() => send('ledger')}>Add them to a ledger…</Button>
          </>
        )}
      </div>
      {error && (
        <p role="alert" className="text-red-900 dark:text-red-200">
          <VisibleText text={error} />
        </p>
      )}
      {result && (
        <div data-testid="wrong-place-imported">
          <p>{importSummary(result)}</p>
          <ImportedKeysList result={result} />
        </div>
      )}
    </div>
  );
}

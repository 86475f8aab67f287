import { useState } from 'react';
import { CheckpointError } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { LedgerProblemList } from '../../components/LedgerProblems.tsx';
import { useLedgers, type CheckpointView } from '../../state/ledgers.ts';
import { downloadText, pretty } from '../../lib/download.ts';
import { bundleFileName, formatLocal, plural, short } from './format.ts';
import { inputClass } from './inputClass.ts';

const h3 = 'text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400';

/** `ect-ledger-<name>.json` → `ect-<what>-<name>.json`. */
const fileName = (what: string, ledger: string) =>
  bundleFileName(ledger).replace(/^ect-ledger-/, `ect-${what}-`);

const when = (seconds: number) => formatLocal(seconds * 1000);

/**
 * The ledger's anchors outside this browser: its key's fingerprint and latest signed checkpoint
 * (copy or download them, keep them elsewhere), and a check of the ledger against a checkpoint
 * given back. Anything running in this page can use the ledger's key, so a checkpoint kept outside
 * the browser is what shows a truncated or rewritten ledger later.
 */
export function CheckpointPanel() {
  const fingerprint = useLedgers((s) => s.keyFingerprint);
  const checkpoint = useLedgers((s) => s.checkpoint);
  const chain = useLedgers((s) => s.chain);
  const name = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.name ?? 'ledger');
  if (!chain) return null;
  return (
    <section
      aria-labelledby="ledger-anchor-heading"
      data-testid="checkpoint-panel"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="ledger-anchor-heading" className="font-semibold">
        Ledger key and checkpoints
      </h2>
      {fingerprint ? (
        <>
          <div className="flex flex-col gap-1">
            <h3 className={h3}>Ledger key fingerprint</h3>
            <p className="flex flex-wrap items-center gap-2">
              <code className="font-mono text-xs break-all" data-testid="ledger-key-fingerprint">
                {fingerprint}
              </code>
              <CopyButton value={fingerprint} what="key fingerprint" />
              <Button
                onClick={() => {
                  const jwk = useLedgers.getState().ledgerKey();
                  if (jwk) downloadText(fileName('ledger-key', name), pretty(jwk));
                }}
                title="The ledger's public key as a JWK, for ect audit --ledger-key"
              >
                Download public key
              </Button>
            </p>
          </div>
          <LatestCheckpoint checkpoint={checkpoint} name={name} intact={chain.ok} />
        </>
      ) : (
        <p className="text-slate-600 dark:text-slate-400" data-testid="no-ledger-key">
          This ledger has no key of its own: it signs no receipts and no checkpoints, so nothing but its head
          hash (above) can be noted down. A ledger created with “Sign receipts (L3)” signs both.
        </p>
      )}
      <CheckAgainst />
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Keep the checkpoint (and the key's fingerprint) outside this browser: in the ticket, the release
        notes, a CI variable. Anything that runs in this page can use the ledger's key, which never leaves the
        browser, to sign for a rewritten history; it cannot change the checkpoint you kept. Checked against it
        later, a ledger that was truncated, rewritten or given another key does not match. The exported bundle
        carries a checkpoint too; <code className="font-mono">ect audit --checkpoint F</code> checks a bundle
        against one.
      </p>
    </section>
  );
}

function LatestCheckpoint({
  checkpoint,
  name,
  intact,
}: {
  checkpoint: CheckpointView | null;
  name: string;
  intact: boolean;
}) {
  return (
    <div className="flex flex-col gap-1">
      <h3 className={h3}>Latest checkpoint</h3>
      {checkpoint ? (
        <>
          <p data-testid="latest-checkpoint" data-size={checkpoint.size} data-head={checkpoint.head}>
            {plural(checkpoint.size, 'entry', 'entries')}, head{' '}
            <code className="font-mono text-xs" title={checkpoint.head}>
              {short(checkpoint.head, 16)}
            </code>
            , signed {when(checkpoint.time)} by the ledger key
          </p>
          <p className="flex flex-wrap gap-2">
            <CopyButton value={checkpoint.jws} label="Copy checkpoint" />
            <Button
              onClick={() =>
                downloadText(
                  fileName(`checkpoint-${checkpoint.size}`, name),
                  pretty({ ledger: name, checkpoint: checkpoint.jws }),
                )
              }
            >
              Download checkpoint
            </Button>
          </p>
        </>
      ) : (
        <p className="text-slate-600 dark:text-slate-400" data-testid="latest-checkpoint-none">
          {intact
            ? 'Signing…'
            : 'None: the ledger check found problems, and a checkpoint signed now would vouch for them.'}
        </p>
      )}
    </div>
  );
}

/** Paste a checkpoint kept elsewhere: the whole ledger is checked against it (and under its key). */
function CheckAgainst() {
  const pinned = useLedgers((s) => s.pinned);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof CheckpointError ? `This checkpoint cannot be used: ${e.message}.` : String(e));
    } finally {
      setBusy(false);
    }
  };
  if (pinned) {
    const ok = pinned.problems.length === 0;
    return (
      <div className="flex flex-col gap-1">
        <h3 className={h3}>Checked against a checkpoint</h3>
        <div
          role="status"
          data-testid="pinned-checkpoint"
          data-ok={ok}
          className={`rounded-md border p-2 ${
            ok
              ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/40'
              : 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40'
          }`}
        >
          <p className="font-semibold">
            {ok ? '✓ This ledger extends' : '✗ This ledger does not match'} the checkpoint of{' '}
            {when(pinned.time)} ({plural(pinned.size, 'entry', 'entries')}, head{' '}
            <code className="font-mono text-xs">{short(pinned.head, 16)}</code>, key{' '}
            <code className="font-mono text-xs">{short(pinned.key, 12)}</code>)
          </p>
          {ok ? (
            <p className="text-xs">
              Its first {plural(pinned.size, 'entry', 'entries')} are those the checkpoint saw, and every
              receipt is checked under the checkpoint's key.
            </p>
          ) : (
            <LedgerProblemList problems={pinned.problems} explain testId="pinned-problems" />
          )}
        </div>
        <p>
          <Button onClick={() => void run(() => useLedgers.getState().unpinCheckpoint())} disabled={busy}>
            Stop checking against it
          </Button>
        </p>
      </div>
    );
  }
  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => useLedgers.getState().pinCheckpoint(text));
      }}
    >
      <label htmlFor="checkpoint-input" className={h3}>
        Check against a checkpoint
      </label>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <textarea
          id="checkpoint-input"
          className={`${inputClass} min-h-12 flex-1 font-mono text-xs break-all`}
          placeholder="eyJhbGciOiJFUzI1NiIsInR5cCI6ImVjdC1jaGVja3BvaW50K2p3dCIs…  (or the checkpoint file's JSON)"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <Button type="submit" disabled={busy || !text.trim()}>
          {busy ? 'Checking…' : 'Check'}
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-red-800 dark:text-red-300" data-testid="checkpoint-error">
          {error}
        </p>
      )}
    </form>
  );
}

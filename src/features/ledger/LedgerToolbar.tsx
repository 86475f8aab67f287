import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button.tsx';
import { DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { downloadText } from '../../lib/download.ts';
import { inputClass } from './inputClass.ts';
import { bundleFileName, describeStorageError, plural } from './format.ts';
import { useLedgerView } from './store.ts';

type Open = 'create' | 'rename' | 'delete' | null;

/** The ledger selector and what can be done with a ledger: create, rename, delete, export. */
export function LedgerToolbar() {
  const ledgers = useLedgers((s) => s.ledgers);
  const currentId = useLedgers((s) => s.currentId);
  const count = useLedgers((s) => s.entries.length);
  const status = useLedgers((s) => s.status);
  const busy = useLedgerView((s) => s.running !== null);
  const [dialog, setDialog] = useState<Open>(null);
  const [exportNote, setExportNote] = useState<{ ok: boolean; text: string } | null>(null);
  const current = ledgers.find((l) => l.id === currentId);

  const onExport = async () => {
    setExportNote(null);
    try {
      const bundle = await useLedgers.getState().exportBundle();
      const name = bundleFileName(bundle.name);
      downloadText(name, JSON.stringify(bundle, null, 2));
      setExportNote({
        ok: true,
        text: `Exported ${plural(bundle.entries.length, 'entry', 'entries')} to ${name}${
          bundle.checkpoint
            ? ', with a checkpoint signed by the ledger key.'
            : bundle.ledgerKey
              ? ', without a checkpoint: the ledger check found problems.'
              : '.'
        }`,
      });
    } catch (e) {
      setExportNote({ ok: false, text: `Export failed: ${describeStorageError(e)}` });
    }
  };

  return (
    <section aria-label="Ledgers" className="flex flex-col gap-2">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor="ledger-select" className="text-xs font-semibold text-slate-600 dark:text-slate-400">
            Ledger
          </label>
          <select
            id="ledger-select"
            className={`${inputClass} min-w-56 py-1.5 font-medium`}
            value={currentId ?? ''}
            disabled={busy || status !== 'ready'}
            onChange={(e) => {
              useLedgerView.getState().select(null);
              void useLedgers
                .getState()
                .select(e.target.value)
                .catch(() => undefined);
            }}
          >
            {ledgers.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
                {l.key ? ' (L3 receipts)' : ''}
              </option>
            ))}
          </select>
        </div>
        <Button onClick={() => setDialog('create')} disabled={busy || status !== 'ready'}>
          New ledger…
        </Button>
        {/* The empty ledger offers it in full below. */}
        {count > 0 && <DemoLedgerButton compact />}
        <Button onClick={() => setDialog('rename')} disabled={busy || !current}>
          Rename…
        </Button>
        <Button variant="danger" onClick={() => setDialog('delete')} disabled={busy || !current}>
          Delete…
        </Button>
        <Button
          onClick={() => void onExport()}
          disabled={busy || !current}
          title="Download this ledger as a JSON bundle: tokens, hashes, receipts, the ledger's public key and a signed checkpoint, and the trust store's public keys. It can be imported here again, and `ect audit` reads and checks it."
        >
          Export bundle
        </Button>
      </div>
      {current && (
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="ledger-meta">
          {plural(count, 'entry', 'entries')} ·{' '}
          {current.key ? (
            <>
              signs a receipt for every append with its own ES256 key (kid{' '}
              <code className="font-mono">{current.key.kid}</code>): entries are L3
            </>
          ) : (
            'no ledger key: entries are kept at the level of their tokens (no receipts)'
          )}{' '}
          · created {new Date(current.createdAt).toLocaleString()}
        </p>
      )}
      {exportNote && (
        <p
          role={exportNote.ok ? 'status' : 'alert'}
          className={`text-sm ${exportNote.ok ? 'text-slate-700 dark:text-slate-300' : 'text-red-800 dark:text-red-300'}`}
          data-testid="export-note"
        >
          {exportNote.text}
        </p>
      )}

      <Dialog
        open={dialog === 'create'}
        onClose={() => setDialog(null)}
        title="New ledger"
        testId="create-dialog"
      >
        <CreateForm onDone={() => setDialog(null)} />
      </Dialog>
      <Dialog open={dialog === 'rename'} onClose={() => setDialog(null)} title="Rename ledger">
        {current && <RenameForm id={current.id} name={current.name} onDone={() => setDialog(null)} />}
      </Dialog>
      <Dialog open={dialog === 'delete'} onClose={() => setDialog(null)} title="Delete ledger?">
        {current && (
          <DeleteForm id={current.id} name={current.name} count={count} onDone={() => setDialog(null)} />
        )}
      </Dialog>
    </section>
  );
}

function useSubmit(run: () => Promise<void>, onDone: () => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await run();
      useLedgers.setState({ error: null });
      onDone();
    } catch (err) {
      useLedgers.setState({ error: null });
      setError(describeStorageError(err));
    } finally {
      setPending(false);
    }
  };
  return { pending, error, submit };
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="text-sm text-red-800 dark:text-red-300">
      {error}
    </p>
  ) : null;
}

function CreateForm({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState('');
  const [sign, setSign] = useState(false);
  const { pending, error, submit } = useSubmit(async () => {
    useLedgerView.getState().select(null);
    await useLedgers.getState().create(name.trim(), { signReceipts: sign });
  }, onDone);
  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        One ledger per project or workflow keeps their audits apart. A ledger is kept in this browser
        (IndexedDB) until you delete it.
      </p>
      <div className="flex flex-col gap-1">
        <label htmlFor="new-ledger-name" className="text-sm font-medium">
          Name
        </label>
        <input
          id="new-ledger-name"
          className={inputClass}
          value={name}
          required
          maxLength={120}
          placeholder="e.g. release-pipeline"
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-1" checked={sign} onChange={(e) => setSign(e.target.checked)} />
        <span>
          <span className="font-medium">Sign receipts (L3)</span>
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            The ledger gets its own ES256 key and signs a receipt (sequence number, entry hash, time) for
            every append: that receipt is what makes an entry L3. The private key never leaves this browser.
          </span>
        </span>
      </label>
      <FormError error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={pending || !name.trim()}>
          {pending ? 'Creating…' : 'Create ledger'}
        </Button>
      </div>
    </form>
  );
}

function RenameForm({ id, name: initial, onDone }: { id: string; name: string; onDone: () => void }) {
  const [name, setName] = useState(initial);
  const { pending, error, submit } = useSubmit(async () => {
    await useLedgers.getState().rename(id, name.trim());
  }, onDone);
  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor="rename-ledger" className="text-sm font-medium">
          New name
        </label>
        <input
          id="rename-ledger"
          className={inputClass}
          value={name}
          required
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <FormError error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={pending || !name.trim()}>
          Rename
        </Button>
      </div>
    </form>
  );
}

function DeleteForm({
  id,
  name,
  count,
  onDone,
}: {
  id: string;
  name: string;
  count: number;
  onDone: () => void;
}) {
  const { pending, error, submit } = useSubmit(async () => {
    useLedgerView.getState().select(null);
    await useLedgers.getState().remove(id);
  }, onDone);
  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
      <p className="text-sm">
        Delete the ledger <strong>“{name}”</strong> and its {plural(count, 'entry', 'entries')} from this
        browser? This cannot be undone: export the bundle first if you may need it again.
      </p>
      <FormError error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Keep it</Button>
        <Button type="submit" variant="danger" disabled={pending}>
          {pending ? 'Deleting…' : 'Delete ledger'}
        </Button>
      </div>
    </form>
  );
}

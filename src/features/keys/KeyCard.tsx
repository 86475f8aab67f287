import { useId, useState } from 'react';
import type { JWK } from 'jose';
import { unusableKeyReason } from 'wimse-ect';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { useKeyring } from '../../state/keyring.ts';
import type { StoredKey } from '../../storage/keys.ts';
import { keyTypeName } from '../../storage/keyFormats.ts';
import { downloadText, pretty } from '../../lib/download.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { testSign, type TestSignResult } from './testSign.ts';
import { ERROR_BOX, errorText, HINT, INPUT, OK_TEXT, PRE } from './ui.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';

export const ORIGIN_LABEL: Record<StoredKey['origin'], string> = {
  generated: 'generated here',
  imported: 'imported',
  example: 'example test key',
};

const ORIGIN_HINT: Record<StoredKey['origin'], string> = {
  generated: 'Made in this browser with WebCrypto',
  imported: 'Imported from a JWK, JWKS, trust store, keygen output or PEM',
  example: 'A published test key from the conformance vectors: not secret, for trying things out',
};

/** A file name from a kid: letters, digits, dot, dash and underscore only. */
const fileSafe = (s: string) => s.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'key';

export function KeyCard({ k }: { k: StoredKey }) {
  const canSign = !!k.privateKey;
  // A key stored before the profile's rules on usable keys may break them: the verifier skips it.
  const unusable = unusableKeyReason(k.publicJwk);
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const [signing, setSigning] = useState(false);
  const [signResult, setSignResult] = useState<TestSignResult | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [exporting, setExporting] = useState(false);

  return (
    <article
      aria-labelledby={headingId}
      data-testid="key-card"
      data-kid={k.kid}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="mr-1 text-base font-semibold break-all" data-testid="key-name">
          <VisibleText text={k.name} />
        </h3>
        <Badge
          tone={k.origin === 'example' ? 'amber' : k.origin === 'imported' ? 'violet' : 'sky'}
          title={ORIGIN_HINT[k.origin]}
          testId="key-origin"
        >
          {ORIGIN_LABEL[k.origin]}
        </Badge>
        <Badge
          tone={canSign ? 'sky' : 'slate'}
          title={canSign ? 'A private key is stored here' : 'Public key only'}
          testId="key-can-sign"
        >
          {canSign ? 'can sign' : 'verify only'}
        </Badge>
        {unusable && (
          <Badge tone="red" title={`Not used for verification: this key ${unusable}`} testId="key-unusable">
            unusable
          </Badge>
        )}
        {canSign && (
          <Badge
            tone={k.extractable ? 'red' : 'slate'}
            title={
              k.extractable
                ? 'The private key can be exported as a JWK'
                : 'The private key can sign, but can never be read out'
            }
            testId="key-extractable"
          >
            {k.extractable ? 'extractable' : 'non-extractable'}
          </Badge>
        )}
      </div>

      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600 dark:text-slate-400">kid</dt>
        <dd className="font-mono break-all" data-testid="key-kid">
          <VisibleText text={k.kid} />
        </dd>
        <dt className="text-slate-600 dark:text-slate-400">issuer</dt>
        <dd className="break-all" data-testid="key-issuer">
          {k.issuer ? (
            <span className="font-mono">
              <VisibleText text={k.issuer} />
            </span>
          ) : (
            <span className="text-amber-800 dark:text-amber-300">
              unbound: matched by kid only, issuer unchecked
            </span>
          )}
        </dd>
        <dt className="text-slate-600 dark:text-slate-400">type</dt>
        <dd data-testid="key-type">
          {keyTypeName(k.publicJwk)} · {k.alg ?? 'ES256'}
        </dd>
        {unusable && (
          <>
            <dt className="text-slate-600 dark:text-slate-400">verification</dt>
            <dd className="text-red-800 dark:text-red-300" data-testid="key-unusable-reason">
              not used: this key <VisibleText text={unusable} />
            </dd>
          </>
        )}
        <dt className="text-slate-600 dark:text-slate-400">private key</dt>
        <dd data-testid="key-private">
          {!canSign
            ? 'none here: this key only verifies'
            : k.extractable
              ? 'extractable: it can be exported as a JWK'
              : 'non-extractable: it can sign, but can never be read out'}
        </dd>
      </dl>

      <div className="flex flex-wrap gap-2">
        {canSign && (
          <Button
            aria-label={`Test sign with ${k.name}`}
            disabled={signing}
            onClick={() => {
              setSigning(true);
              setSignResult(null);
              testSign(k)
                .then(setSignResult, (e: unknown) => setSignResult({ ok: false, message: errorText(e) }))
                .finally(() => setSigning(false));
            }}
          >
            {signing ? 'Signing…' : 'Test sign'}
          </Button>
        )}
        <Button
          id={`${headingId}-edit`}
          aria-expanded={editing}
          aria-label={`Rename / re-bind ${k.name}`}
          onClick={() => setEditing((v) => !v)}
        >
          Rename / re-bind
        </Button>
        {canSign && k.extractable && (
          <Button aria-label={`Export private key of ${k.name}…`} onClick={() => setExporting(true)}>
            Export private key…
          </Button>
        )}
        <Button variant="danger" aria-label={`Delete ${k.name}…`} onClick={() => setConfirmDelete(true)}>
          Delete…
        </Button>
      </div>

      {signResult && (
        <div aria-live="polite" data-testid="test-sign-result">
          {signResult.ok ? (
            <p className={OK_TEXT}>
              ✓ signature OK (verified against the stored public key)
              <span className="text-slate-600 dark:text-slate-400">
                {' '}
                — a sample ECT was signed with this private key and checked with the core verifier.
              </span>
            </p>
          ) : (
            <p className={ERROR_BOX} role="alert">
              {signResult.message}
            </p>
          )}
          {signResult.token && (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-400">
                The test token
              </summary>
              <div className="mt-1 flex items-start gap-2">
                <pre className={`${PRE} flex-1`}>{signResult.token}</pre>
                <CopyButton value={signResult.token} what="test token" />
              </div>
            </details>
          )}
        </div>
      )}

      {editing && (
        <EditForm
          k={k}
          onDone={() => {
            setEditing(false);
            document.getElementById(`${headingId}-edit`)?.focus();
          }}
        />
      )}

      <details>
        <summary className="cursor-pointer text-sm font-medium">Public JWK</summary>
        <div className="mt-2 flex flex-col gap-2">
          <pre className={PRE} data-testid="public-jwk">
            <VisibleText text={pretty(k.publicJwk)} multiline />
          </pre>
          <div className="flex gap-2">
            <CopyButton value={pretty(k.publicJwk)} what={`public JWK of ${k.name}`} />
            <Button
              aria-label={`Download public JWK of ${k.name}`}
              onClick={() => downloadText(`${fileSafe(k.kid)}.public.jwk.json`, pretty(k.publicJwk))}
            >
              Download
            </Button>
          </div>
        </div>
      </details>

      <DeleteDialog k={k} open={confirmDelete} onClose={() => setConfirmDelete(false)} />
      {canSign && k.extractable && (
        <PrivateExportDialog k={k} open={exporting} onClose={() => setExporting(false)} />
      )}
    </article>
  );
}

function EditForm({ k, onDone }: { k: StoredKey; onDone: () => void }) {
  const update = useKeyring((s) => s.update);
  const [name, setName] = useState(k.name);
  const [issuer, setIssuer] = useState(k.issuer ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <form
      className="flex flex-col gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
      aria-label={`Rename or re-bind ${k.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) {
          setError('a key needs a name');
          return;
        }
        setBusy(true);
        update(k.id, { name, issuer: issuer.trim() || null }).then(
          () => onDone(),
          (err: unknown) => {
            setError(errorText(err));
            setBusy(false);
          },
        );
      }}
    >
      <div className="grid gap-2 sm:grid-cols-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-name`} className="text-sm font-medium">
            Name
          </label>
          <input
            id={`${id}-name`}
            className={INPUT}
            value={name}
            required
            autoFocus
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-issuer`} className="text-sm font-medium">
            Issuer (<code>iss</code>) bound to
          </label>
          <input
            id={`${id}-issuer`}
            className={`${INPUT} font-mono`}
            value={issuer}
            placeholder="empty: unbound, matched by kid only"
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${id}-issuer-hint`}
            onChange={(e) => setIssuer(e.target.value)}
          />
          <p id={`${id}-issuer-hint`} className={HINT}>
            Tokens verify with this key only when their <code>iss</code> is this issuer.
          </p>
        </div>
      </div>
      {error && (
        <p role="alert" className={ERROR_BOX}>
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={busy}>
          Save
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

function DeleteDialog({ k, open, onClose }: { k: StoredKey; open: boolean; onClose: () => void }) {
  const remove = useKeyring((s) => s.remove);
  const [error, setError] = useState<string | null>(null);
  const consequence = !k.privateKey
    ? 'Tokens signed with this key will no longer verify here, until you import its public key again.'
    : k.origin === 'example'
      ? 'Tokens signed with it will no longer verify here. “Restore example agents” brings it back.'
      : k.extractable
        ? 'Its private key goes too: export it first if you still need it. Tokens it signed will no longer verify here.'
        : 'Its private key is non-extractable, so it is gone for good: nothing can sign as this key again. Tokens it signed will no longer verify here, unless you import its public key again.';
  return (
    <Dialog open={open} title={`Delete “${visibleString(k.name)}”?`} onClose={onClose} testId="delete-dialog">
      <p className="text-sm">
        Key{' '}
        <code className="wrap-anywhere">
          <VisibleText text={k.kid} />
        </code>
        {k.issuer ? (
          <>
            {' '}
            of{' '}
            <code className="wrap-anywhere">
              <VisibleText text={k.issuer} />
            </code>
          </>
        ) : null}{' '}
        will be removed from this browser. {consequence}
      </p>
      {error && (
        <p role="alert" className={ERROR_BOX}>
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button autoFocus onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          onClick={() => {
            remove(k.id).then(
              () => {
                onClose();
                // This card (and the button that opened the dialog) is gone: focus the list's heading.
                document.getElementById('keys-heading')?.focus();
              },
              (e: unknown) => setError(errorText(e)),
            );
          }}
        >
          Delete key
        </Button>
      </div>
    </Dialog>
  );
}

function PrivateExportDialog({ k, open, onClose }: { k: StoredKey; open: boolean; onClose: () => void }) {
  const exportPrivateJwk = useKeyring((s) => s.exportPrivateJwk);
  const [jwk, setJwk] = useState<JWK | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    // The private key is dropped from the page as soon as the dialog closes.
    setJwk(null);
    setError(null);
    onClose();
  };
  const text = jwk ? pretty(jwk) : '';
  return (
    <Dialog
      open={open}
      title={
        jwk
          ? `Private key of “${visibleString(k.name)}”`
          : `Export the private key of “${visibleString(k.name)}”?`
      }
      onClose={close}
      testId="private-export-dialog"
    >
      {!jwk ? (
        <>
          <p className="text-sm">
            This shows the private key as a JWK, including its secret member <code>d</code>, so you can copy
            or download it. <strong>Whoever has it can sign ECTs as this key</strong>
            {k.issuer ? (
              <>
                {' '}
                (issuer{' '}
                <code className="wrap-anywhere">
                  <VisibleText text={k.issuer} />
                </code>
                )
              </>
            ) : null}
            : treat it like a password, keep it out of chats, tickets and repositories, and delete copies you
            no longer need. The key stays stored here either way.
          </p>
          {error && (
            <p role="alert" className={ERROR_BOX}>
              {error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button autoFocus onClick={close}>
              Cancel
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                exportPrivateJwk(k.id).then(setJwk, (e: unknown) => setError(errorText(e)));
              }}
            >
              Yes, show the private key
            </Button>
          </div>
        </>
      ) : (
        <>
          <p className="text-sm">Secret: anyone with this JWK can sign as this key.</p>
          <pre className={PRE} data-testid="private-jwk">
            {text}
          </pre>
          <div className="flex justify-end gap-2">
            <CopyButton value={text} what="private JWK" />
            <Button onClick={() => downloadText(`${fileSafe(k.kid)}.private.jwk.json`, text)}>
              Download
            </Button>
            <Button variant="primary" autoFocus onClick={close}>
              Close
            </Button>
          </div>
        </>
      )}
    </Dialog>
  );
}

/**
 * Trust from where it is missing: on a token that fails with `unknown_key` or `issuer_mismatch`,
 * a button that opens a dialog to paste or drop the issuer's key (JWK, JWKS, trust store, PEM,
 * keygen output) with the issuer and kid pre-filled from the token. The keyring changes, and every
 * view verifying against it (Inspect, the Ledger's and the Graph's audits) verifies again.
 */
import { useId, useRef, useState, type DragEvent } from 'react';
import { create } from 'zustand';
import type { ImportKeysResult } from '../storage/keys.ts';
import { useKeyring } from '../state/keyring.ts';
import { useRouter } from '../state/router.ts';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { ImportedKeysList, importSummary } from './ImportedKeys.tsx';
import { VisibleText } from './VisibleText.tsx';

const FIELD =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';
const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type TrustCode = 'unknown_key' | 'issuer_mismatch';

export const isTrustCode = (code: string | null | undefined): code is TrustCode =>
  code === 'unknown_key' || code === 'issuer_mismatch';

/** The token's issuer and kid, as strings, from a decoded header and payload. */
export function trustTarget(
  header: Record<string, unknown> | null | undefined,
  payload: Record<string, unknown> | null | undefined,
): { issuer: string; kid: string } {
  return {
    issuer: typeof payload?.iss === 'string' ? payload.iss : '',
    kid: typeof header?.kid === 'string' ? header.kid : '',
  };
}

interface TrustRequest {
  code: TrustCode;
  issuer: string;
  kid: string;
}

/**
 * The dialog's one instance lives in the app shell (TrustKeyDialogHost): the button that opens it
 * sits in a verdict that goes away as soon as the key is trusted, and the dialog must outlive it.
 */
const useTrustDialog = create<{ request: TrustRequest | null }>()(() => ({ request: null }));

/** The button that opens the dialog for a token's issuer and kid. */
export function TrustKeyAction({ code, issuer, kid, className = '' }: TrustRequest & { className?: string }) {
  return (
    <Button
      variant="primary"
      className={className}
      onClick={() => useTrustDialog.setState({ request: { code, issuer, kid } })}
      data-testid="trust-key-button"
      title="Paste or drop the issuer's public key; the token is verified again at once"
    >
      {code === 'unknown_key' ? 'Add the issuer’s key…' : 'Add this issuer’s key…'}
    </Button>
  );
}

/** Mounted once, in the app shell. */
export function TrustKeyDialogHost() {
  const request = useTrustDialog((s) => s.request);
  const close = () => useTrustDialog.setState({ request: null });
  return (
    <Dialog open={request !== null} title="Trust the issuer's key" onClose={close} testId="trust-key-dialog">
      {/* Rendered only while open, keyed by the request: each opening starts afresh. */}
      {request && (
        <TrustKeyForm key={`${request.code} ${request.issuer} ${request.kid}`} {...request} onClose={close} />
      )}
    </Dialog>
  );
}

function TrustKeyForm({
  code,
  issuer: tokenIssuer,
  kid: tokenKid,
  onClose,
}: {
  code: TrustCode;
  issuer: string;
  kid: string;
  onClose: () => void;
}) {
  const importKeys = useKeyring((s) => s.importKeys);
  const keys = useKeyring((s) => s.keys);
  const navigate = useRouter((s) => s.navigate);
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [issuer, setIssuer] = useState(tokenIssuer);
  const [kid, setKid] = useState(tokenKid);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportKeysResult | null>(null);
  const [dragging, setDragging] = useState(false);
  const boundElsewhere = [
    ...new Set(keys.filter((k) => k.kid === tokenKid && k.issuer).map((k) => k.issuer!)),
  ];

  const readFile = (file: File | undefined) => {
    if (!file) return;
    setError(null);
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB: too large for a key file`);
      return;
    }
    file
      .text()
      .then(setText, (e: unknown) =>
        setError(`${file.name} could not be read: ${e instanceof Error ? e.message : String(e)}`),
      );
  };

  const submit = () => {
    setBusy(true);
    setError(null);
    setResult(null);
    importKeys(text, { issuer, kid }).then(
      (r) => {
        setResult(r);
        setText('');
        setBusy(false);
      },
      (e: unknown) => {
        setError(`Nothing was imported: ${e instanceof Error ? e.message : String(e)}`);
        setBusy(false);
      },
    );
  };

  return (
    <div className="flex flex-col gap-3 text-sm">
      {code === 'unknown_key' ? (
        <p>
          Your keyring has no key with kid{' '}
          <code className="font-mono">
            <VisibleText text={tokenKid || '(none)'} />
          </code>{' '}
          for issuer{' '}
          <code className="font-mono break-all">
            <VisibleText text={tokenIssuer || '(none)'} />
          </code>
          , so the signature cannot be checked. Paste or drop that issuer&apos;s public key; the token is
          verified again at once.
        </p>
      ) : (
        <p>
          Your keyring binds kid{' '}
          <code className="font-mono">
            <VisibleText text={tokenKid} />
          </code>{' '}
          to{' '}
          {boundElsewhere.length ? (
            <code className="font-mono break-all">
              <VisibleText text={boundElsewhere.join(', ')} />
            </code>
          ) : (
            'another issuer'
          )}
          , not to the token&apos;s issuer{' '}
          <code className="font-mono break-all">
            <VisibleText text={tokenIssuer || '(none)'} />
          </code>
          . If that issuer really signs with a key of this kid, add its key here, bound to it. If not, the
          token claims an issuer whose key did not sign it: do not trust it.
        </p>
      )}
      <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100">
        Take the key from the issuer through a channel you trust (its published JWKS, its operator), never
        from the token itself: whoever holds a key you trust can sign as that issuer.
      </p>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div
          className={`flex flex-col gap-1 rounded-md ${dragging ? 'ring-2 ring-sky-500' : ''}`}
          onDragOver={(e: DragEvent) => {
            if (!e.dataTransfer.types.includes('Files')) return;
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e: DragEvent) => {
            setDragging(false);
            if (!e.dataTransfer.files.length) return;
            e.preventDefault();
            readFile(e.dataTransfer.files[0]);
          }}
          data-testid="trust-key-drop"
        >
          <div className="flex flex-wrap items-end justify-between gap-2">
            <label htmlFor={`${id}-text`} className="font-medium">
              The issuer&apos;s key: JWK, JWKS, trust store or PEM
            </label>
            <input
              ref={fileInput}
              type="file"
              className="sr-only"
              aria-label="Choose the issuer's key file"
              accept=".json,.jwk,.jwks,.pem,.crt,.pub,application/json,text/plain"
              onChange={(e) => {
                readFile(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
            <Button onClick={() => fileInput.current?.click()}>Choose file…</Button>
          </div>
          <textarea
            id={`${id}-text`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            placeholder={'{"kty": "EC", "crv": "P-256", "x": "…", "y": "…"}  or  -----BEGIN PUBLIC KEY-----…'}
            className={`${FIELD} min-h-28 resize-y text-xs`}
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-issuer`} className="font-medium">
              Bind to issuer
            </label>
            <input
              id={`${id}-issuer`}
              className={FIELD}
              value={issuer}
              onChange={(e) => setIssuer(e.target.value)}
              spellCheck={false}
              autoComplete="off"
            />
            <span className="text-xs text-slate-600 dark:text-slate-400">
              From the token&apos;s <code>iss</code>; keys in a trust store keep their own.
            </span>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-kid`} className="font-medium">
              Key id (kid) for a key without one
            </label>
            <input
              id={`${id}-kid`}
              className={FIELD}
              value={kid}
              onChange={(e) => setKid(e.target.value)}
              spellCheck={false}
              autoComplete="off"
            />
            <span className="text-xs text-slate-600 dark:text-slate-400">
              From the token&apos;s header; a key with its own kid keeps it.
            </span>
          </div>
        </div>
        {error && (
          <p
            role="alert"
            className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
            data-testid="trust-key-error"
          >
            <VisibleText text={error} />
          </p>
        )}
        {result && (
          <div role="status" data-testid="trust-key-done" className="text-emerald-900 dark:text-emerald-200">
            <p>{importSummary(result)} Verifying again with it.</p>
            <ImportedKeysList result={result} />
          </div>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" variant="primary" disabled={busy || !text.trim()}>
            {busy ? 'Importing…' : 'Trust this key'}
          </Button>
          <Button onClick={onClose}>{result ? 'Close' : 'Cancel'}</Button>
          <a
            href="#/keys"
            className="ml-auto text-sky-800 underline underline-offset-2 dark:text-sky-300"
            onClick={(e) => {
              e.preventDefault();
              onClose();
              navigate('keys');
            }}
          >
            All keys: Keys &amp; trust
          </a>
        </div>
      </form>
    </div>
  );
}

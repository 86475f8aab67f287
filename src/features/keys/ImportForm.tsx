import { useDeferredValue, useEffect, useId, useMemo, useRef, useState, type DragEvent } from 'react';
import { WrongPlaceOffer } from '../../components/WrongPlace.tsx';
import { classifyText } from '../../state/fileKind.ts';
import { useHandoff } from '../../state/handoff.ts';
import { Button } from '../../components/Button.tsx';
import { useKeyring } from '../../state/keyring.ts';
import { ERROR_BOX, errorText, HINT, INPUT, MONO_INPUT, OK_TEXT, PANEL, PANEL_TITLE } from './ui.ts';
import { useFormAction } from './useFormAction.ts';
import { ImportedKeysList, importSummary } from '../../components/ImportedKeys.tsx';
import type { ImportKeysResult } from '../../storage/keys.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { SkippedKeys } from './SkippedKeys.tsx';

/** Files larger than this are refused before reading: key files are a few kilobytes. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Import keys in any shape users bring them (a JWK, public or private; a JWKS; a trust store; the
 * output of `ect keygen`; PEM), pasted, chosen or dropped; lists what the import added.
 */
export function ImportForm({ disabled }: { disabled: boolean }) {
  const importKeys = useKeyring((s) => s.importKeys);
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  // Text sent from another tab (keys dropped on the ledger import, pasted into Inspect) starts here.
  const [text, setText] = useState(() => useHandoff.getState().peekText('keys')?.text ?? '');
  const [issuer, setIssuer] = useState('');
  const [name, setName] = useState('');
  const [kid, setKid] = useState('');
  const [extractable, setExtractable] = useState(false);
  const [report, setReport] = useState<ImportKeysResult | null>(null);
  const [source, setSource] = useState<string | null>(() => {
    const from = useHandoff.getState().peekText('keys')?.from;
    return from ? `Sent here from ${from}: check it, then Import.` : null;
  });
  const [dragging, setDragging] = useState(false);
  const { busy, error, done, setError, setDone, run } = useFormAction();
  useEffect(() => void useHandoff.getState().takeText('keys'), []);
  // Tokens, a ledger bundle or a scenario pasted here: say what it is and offer its place.
  const deferred = useDeferredValue(text);
  const what = useMemo(() => classifyText(deferred), [deferred]);
  const elsewhere = what.kind === 'tokens' || what.kind === 'ledger-bundle' || what.kind === 'scenario';

  const readFile = (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setDone(null);
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB: too large for a key file`);
      return;
    }
    file.text().then(
      (content) => {
        setText(content);
        setSource(`Read ${file.name} (${file.size.toLocaleString()} bytes): check it, then Import.`);
      },
      (e: unknown) => setError(`${file.name} could not be read: ${errorText(e)}`),
    );
  };

  const onDrop = (e: DragEvent) => {
    setDragging(false);
    if (disabled || !e.dataTransfer.files.length) return; // dropped text goes into the textarea as usual
    e.preventDefault();
    readFile(e.dataTransfer.files[0]);
  };

  return (
    <section
      aria-labelledby={`${id}-title`}
      className={`${PANEL} ${dragging ? 'ring-2 ring-sky-500' : ''}`}
      data-testid="import-panel"
      onDragOver={(e) => {
        if (disabled || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <h2 id={`${id}-title`} className={PANEL_TITLE}>
        Import keys
      </h2>
      <p className={`${HINT} mt-1`}>
        A JWK (public or private), a JWKS <code>{'{"keys": [...]}'}</code>, a trust store{' '}
        <code>{'{"issuers": {...}}'}</code>, the output of <code>ect keygen</code>{' '}
        <code>{'{"private": …, "public": …}'}</code>, or PEM (<code>PUBLIC KEY</code>,{' '}
        <code>PRIVATE KEY</code> in PKCS#8, <code>CERTIFICATE</code>) for EC P-256/384/521, RSA or Ed25519:
        paste it, choose a file, or drop a file on this box. A private key can then sign on the Create tab; it
        is kept non-extractable unless you ask otherwise. Keys that cannot verify (no <code>kid</code>,{' '}
        <code>use</code> other than <code>sig</code>, <code>key_ops</code> without <code>verify</code>, RSA
        under 2048 bits) are left out and listed.
      </p>
      <form
        className="mt-3"
        onSubmit={(e) => {
          e.preventDefault();
          setReport(null);
          run(
            () => importKeys(text, { issuer, name, kid, extractable }),
            (result) => {
              setText('');
              setSource(null);
              setReport(result);
              return importSummary(result);
            },
            // The text stays as it was, to fix and try again; stored keys are untouched.
            (err) => `Nothing was imported: ${errorText(err)}`,
          );
        }}
      >
        <fieldset disabled={disabled || busy} className="flex flex-col gap-3">
          <div className="flex flex-col gap-1">
            <div className="flex flex-wrap items-end justify-between gap-2">
              <label htmlFor={`${id}-text`} className="text-sm font-medium">
                Key, JWKS, trust store or PEM
              </label>
              <div className="flex items-center gap-2">
                <input
                  ref={fileInput}
                  id={`${id}-file`}
                  type="file"
                  accept=".json,.jwk,.jwks,.pem,.key,.pub,.crt,application/json,application/x-pem-file,text/plain"
                  className="sr-only"
                  aria-label="Choose a key file"
                  onChange={(e) => {
                    readFile(e.target.files?.[0]);
                    e.target.value = '';
                  }}
                />
                <Button onClick={() => fileInput.current?.click()}>Choose file…</Button>
              </div>
            </div>
            <textarea
              id={`${id}-text`}
              className={`${MONO_INPUT} min-h-32 resize-y text-xs`}
              value={text}
              placeholder={
                '{"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…"}]}\n\nor\n\n-----BEGIN PRIVATE KEY-----\n…'
              }
              spellCheck={false}
              autoComplete="off"
              aria-describedby={`${id}-source`}
              onChange={(e) => {
                setText(e.target.value);
                setSource(null);
              }}
            />
            <p id={`${id}-source`} className={HINT} aria-live="polite">
              <VisibleText text={source ?? (dragging ? 'Drop the file to read it.' : '')} />
            </p>
          </div>
          <div className="flex flex-col gap-3">
            <div className="flex flex-col gap-1">
              <label htmlFor={`${id}-issuer`} className="text-sm font-medium">
                Bind unbound keys to issuer (optional)
              </label>
              <input
                id={`${id}-issuer`}
                className={MONO_INPUT}
                value={issuer}
                placeholder="spiffe://example.com/agent/y"
                spellCheck={false}
                autoComplete="off"
                aria-describedby={`${id}-issuer-hint`}
                onChange={(e) => setIssuer(e.target.value)}
              />
              <p id={`${id}-issuer-hint`} className={HINT}>
                JWK, JWKS and PEM keys carry no issuer; left unbound they match by kid only. Keys under
                &quot;issuers&quot; keep their own.
              </p>
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={`${id}-kid`} className="text-sm font-medium">
                Key id for a key without one (optional)
              </label>
              <input
                id={`${id}-kid`}
                className={MONO_INPUT}
                value={kid}
                placeholder="default for PEM: the key's RFC 7638 thumbprint"
                spellCheck={false}
                autoComplete="off"
                aria-describedby={`${id}-kid-hint`}
                onChange={(e) => setKid(e.target.value)}
              />
              <p id={`${id}-kid-hint`} className={HINT}>
                Tokens name their key by <code>kid</code>: give the kid their header carries.
              </p>
            </div>
            <label className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                className="mt-0.5"
                checked={extractable}
                onChange={(e) => setExtractable(e.target.checked)}
              />
              <span>
                Keep imported private keys extractable
                <span className={`block ${HINT}`}>
                  Off: a private key can sign here but can never be read out again, not even by this page.
                </span>
              </span>
            </label>
            <div className="flex flex-col gap-1">
              <label htmlFor={`${id}-name`} className="text-sm font-medium">
                Name (optional)
              </label>
              <input
                id={`${id}-name`}
                className={INPUT}
                value={name}
                placeholder="default: the kid"
                autoComplete="off"
                onChange={(e) => setName(e.target.value)}
              />
            </div>
          </div>
          {elsewhere && (
            <WrongPlaceOffer
              text={deferred}
              kind={what}
              here="keys"
              expected="a key"
              onSent={() => setText('')}
            />
          )}
          {error && (
            <p role="alert" className={ERROR_BOX} data-testid="import-error">
              <VisibleText text={error} />
            </p>
          )}
          {done && (
            <div role="status" className={`${OK_TEXT} break-all`} data-testid="import-done">
              <p>
                <VisibleText text={done} />
              </p>
              {report && <ImportedKeysList result={report} />}
            </div>
          )}
          {done && report && <SkippedKeys skipped={report.skipped} />}
          <div>
            <Button type="submit" variant="primary">
              {busy ? 'Importing…' : 'Import'}
            </Button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}

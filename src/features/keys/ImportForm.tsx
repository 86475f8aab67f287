import { useId, useRef, useState, type DragEvent } from 'react';
import { Button } from '../../components/Button.tsx';
import { useKeyring } from '../../state/keyring.ts';
import { ERROR_BOX, errorText, HINT, INPUT, MONO_INPUT, OK_TEXT, PANEL, PANEL_TITLE } from './ui.ts';
import { useFormAction } from './useFormAction.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import type { SkippedImport } from '../../storage/keys.ts';
import { SkippedKeys } from './SkippedKeys.tsx';

/** Files larger than this are refused before reading: key files are a few kilobytes. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Whether the JSON text carried private key members (dropped on import), to say so. */
function hadPrivateParts(text: string): boolean {
  try {
    let found = false;
    JSON.parse(text.replace(/^\uFEFF/, ''), (key, value: unknown) => {
      if (key === 'd' && typeof value === 'string') found = true;
      return value;
    });
    return found;
  } catch {
    return false;
  }
}

/** Import public keys from a JWK, a JWKS or a trust store: pasted, chosen, or dropped. */
export function ImportForm({ disabled }: { disabled: boolean }) {
  const importPublic = useKeyring((s) => s.importPublic);
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [issuer, setIssuer] = useState('');
  const [name, setName] = useState('');
  const [source, setSource] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const { busy, error, done, setError, setDone, run } = useFormAction();
  const [skipped, setSkipped] = useState<SkippedImport[]>([]);

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
        Import public keys
      </h2>
      <p className={`${HINT} mt-1`}>
        A JWK, a JWKS <code>{'{"keys": [...]}'}</code> or a trust store <code>{'{"issuers": {...}}'}</code>:
        paste it, choose a file, or drop a file on this box. Private parts (<code>d</code>) are dropped:
        imported keys only verify. Keys that cannot verify (no <code>kid</code>, <code>use</code> other than{' '}
        <code>sig</code>, <code>key_ops</code> without <code>verify</code>, RSA under 2048 bits) are left out
        and listed.
      </p>
      <form
        className="mt-3"
        onSubmit={(e) => {
          e.preventDefault();
          const privateDropped = hadPrivateParts(text);
          setSkipped([]);
          run(
            () => importPublic(text, { issuer, name }),
            ({ added, skipped: left }) => {
              setText('');
              setSource(null);
              setSkipped(left);
              return added.length
                ? `Imported ${added.length} key${added.length > 1 ? 's' : ''}: ${added
                    .map((k) => `${k.kid}${k.issuer ? ` (${k.issuer})` : ' (unbound)'}`)
                    .join(', ')}.${privateDropped ? ' The private parts in the file were dropped.' : ''}`
                : 'Nothing new: every key in it is already stored.';
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
                JWK, JWKS or trust store
              </label>
              <div className="flex items-center gap-2">
                <input
                  ref={fileInput}
                  id={`${id}-file`}
                  type="file"
                  accept=".json,.jwk,.jwks,application/json,text/plain"
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
              placeholder={'{"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…"}]}'}
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
                JWK and JWKS keys carry no issuer; left unbound they match by kid only. Keys under
                &quot;issuers&quot; keep their own.
              </p>
            </div>
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
          {error && (
            <p role="alert" className={ERROR_BOX} data-testid="import-error">
              <VisibleText text={error} />
            </p>
          )}
          {done && (
            <p role="status" className={`${OK_TEXT} break-all`} data-testid="import-done">
              <VisibleText text={done} />
            </p>
          )}
          {done && <SkippedKeys skipped={skipped} />}
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

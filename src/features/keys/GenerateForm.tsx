import { useId, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { useKeyring } from '../../state/keyring.ts';
import { ERROR_BOX, HINT, INPUT, MONO_INPUT, OK_TEXT, PANEL, PANEL_TITLE } from './ui.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useFormAction } from './useFormAction.ts';

/** Generate an ES256 key pair for one agent, in the browser (WebCrypto). */
export function GenerateForm({ disabled }: { disabled: boolean }) {
  const generate = useKeyring((s) => s.generate);
  const id = useId();
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [kid, setKid] = useState('');
  const [extractable, setExtractable] = useState(false);
  const { busy, error, done, run } = useFormAction();

  return (
    <section aria-labelledby={`${id}-title`} className={PANEL}>
      <h2 id={`${id}-title`} className={PANEL_TITLE}>
        Generate a signing key
      </h2>
      <p className={`${HINT} mt-1`}>
        One ES256 (P-256) key pair per agent, made by your browser&apos;s WebCrypto and kept in this browser
        only.
      </p>
      <form
        className="mt-3"
        onSubmit={(e) => {
          e.preventDefault();
          run(
            () => generate({ name, issuer, kid, extractable }),
            (key) => {
              setName('');
              setIssuer('');
              setKid('');
              setExtractable(false);
              return `Generated “${key.name}” with kid ${key.kid}.`;
            },
          );
        }}
      >
        <fieldset disabled={disabled || busy} className="flex flex-col gap-3">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-name`} className="text-sm font-medium">
              Name
            </label>
            <input
              id={`${id}-name`}
              className={INPUT}
              value={name}
              required
              placeholder="Agent X"
              autoComplete="off"
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-issuer`} className="text-sm font-medium">
              Issuer (<code>iss</code>) the key is bound to
            </label>
            <input
              id={`${id}-issuer`}
              className={MONO_INPUT}
              value={issuer}
              required
              placeholder="spiffe://example.com/agent/x"
              spellCheck={false}
              autoComplete="off"
              aria-describedby={`${id}-issuer-hint`}
              onChange={(e) => setIssuer(e.target.value)}
            />
            <p id={`${id}-issuer-hint`} className={HINT}>
              The agent&apos;s identity: tokens verify with this key only when their <code>iss</code> is this.
            </p>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-kid`} className="text-sm font-medium">
              Key id (<code>kid</code>, optional)
            </label>
            <input
              id={`${id}-kid`}
              className={MONO_INPUT}
              value={kid}
              placeholder="default: the key's JWK thumbprint (RFC 7638)"
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setKid(e.target.value)}
            />
          </div>
          <div className="flex flex-col gap-1">
            <div className="flex items-center gap-2">
              <input
                id={`${id}-extractable`}
                type="checkbox"
                className="size-4 accent-sky-700"
                checked={extractable}
                aria-describedby={`${id}-extractable-hint`}
                onChange={(e) => setExtractable(e.target.checked)}
              />
              <label htmlFor={`${id}-extractable`} className="text-sm font-medium">
                Extractable private key
              </label>
            </div>
            <p
              id={`${id}-extractable-hint`}
              className={`text-xs ${
                extractable ? 'text-amber-800 dark:text-amber-300' : 'text-slate-600 dark:text-slate-400'
              }`}
            >
              {extractable
                ? 'On: the private key can be exported as a JWK; whoever gets that file can sign as this agent.'
                : 'Off (safer): the private key can sign here but can never be read out, not even by this page.'}
            </p>
          </div>
          {error && (
            <p role="alert" className={ERROR_BOX} data-testid="generate-error">
              <VisibleText text={error} />
            </p>
          )}
          {done && (
            <p role="status" className={OK_TEXT}>
              <VisibleText text={done} />
            </p>
          )}
          <div>
            <Button type="submit" variant="primary">
              {busy ? 'Generating…' : 'Generate key'}
            </Button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}

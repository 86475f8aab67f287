import { useId, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { EXAMPLE_AGENTS } from '../../state/exampleAgents.ts';
import { useKeyring } from '../../state/keyring.ts';
import { ExportPanel } from './ExportPanel.tsx';
import { GenerateForm } from './GenerateForm.tsx';
import { ImportForm } from './ImportForm.tsx';
import { KeyCard } from './KeyCard.tsx';
import { ERROR_BOX, errorText, HINT, OK_TEXT, PANEL, PANEL_TITLE } from './ui.ts';

/**
 * Keys & trust: the keys this browser signs with and the trust store the
 * verifier uses, all kept in IndexedDB (src/storage/keys.ts through the
 * keyring store).
 */
export function KeysPage() {
  const status = useKeyring((s) => s.status);
  const storeError = useKeyring((s) => s.error);
  const keys = useKeyring((s) => s.keys);
  const unavailable = status === 'error';
  const signing = keys.filter((k) => k.privateKey).length;
  const issuers = new Set(keys.map((k) => k.issuer).filter(Boolean)).size;

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="keys-heading" className="flex flex-col gap-3">
        <div>
          <h2 id="keys-heading" tabIndex={-1} className="text-lg font-semibold">
            Keys &amp; trust
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
            The keys this workbench signs with, and the public keys it trusts when verifying. Each key is
            bound to an issuer (<code>iss</code>): a token verifies only with a key of its own issuer.
            Everything is kept in this browser&apos;s storage (IndexedDB) and nothing is sent anywhere.
          </p>
        </div>

        {unavailable && (
          <div role="alert" className={ERROR_BOX} data-testid="keys-unavailable">
            <p className="font-semibold">Keys cannot be stored in this browser session.</p>
            <p>{storeError ?? 'The key store (IndexedDB) could not be opened.'}</p>
            <p>
              Generating and importing keys are turned off here; decoding tokens on the Inspect tab still
              works.
            </p>
          </div>
        )}

        {status === 'loading' ? (
          <p className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite" aria-busy="true">
            Loading keys from this browser&apos;s storage…
          </p>
        ) : (
          !unavailable && (
            <p className="text-sm font-medium" data-testid="key-count" aria-live="polite">
              {keys.length === 0
                ? 'No keys yet: generate one below, import public keys, or restore the example agents.'
                : `${keys.length} key${keys.length > 1 ? 's' : ''} · ${signing} can sign · ${issuers} issuer${
                    issuers === 1 ? '' : 's'
                  }`}
            </p>
          )
        )}

        {keys.length > 0 && (
          <ul className="grid items-start gap-3 lg:grid-cols-2" aria-label="Stored keys">
            {keys.map((k) => (
              <li key={k.id}>
                <KeyCard k={k} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="grid items-start gap-6 lg:grid-cols-2">
        <GenerateForm disabled={status !== 'ready'} />
        <ImportForm disabled={status !== 'ready'} />
      </div>

      <ExportPanel />

      <ExampleAgentsPanel disabled={status !== 'ready'} />
    </div>
  );
}

function ExampleAgentsPanel({ disabled }: { disabled: boolean }) {
  const keys = useKeyring((s) => s.keys);
  const addExampleAgents = useKeyring((s) => s.addExampleAgents);
  const removeExampleAgents = useKeyring((s) => s.removeExampleAgents);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const id = useId();
  const present = new Set(keys.map((k) => k.kid));
  const missing = EXAMPLE_AGENTS.filter((a) => !present.has(a.jwk.kid!));

  return (
    <section aria-labelledby={`${id}-title`} className={PANEL}>
      <h2 id={`${id}-title`} className={PANEL_TITLE}>
        Example agents
      </h2>
      <p className={`${HINT} mt-1 max-w-3xl`}>
        Agents A, B and C ({EXAMPLE_AGENTS.map((a) => a.issuer).join(', ')}) use the published test keys of
        the conformance vectors, so the examples sign and verify out of the box. They are not secret: anyone
        can sign as them. Use them to try things out, never for anything real.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <Button
          disabled={disabled}
          aria-describedby={`${id}-state`}
          onClick={() => {
            setMessage(null);
            addExampleAgents().then(
              () =>
                setMessage({
                  ok: true,
                  text: missing.length
                    ? `Restored ${missing.map((a) => a.name).join(', ')}.`
                    : 'All three example agents were already there.',
                }),
              (e: unknown) => setMessage({ ok: false, text: errorText(e) }),
            );
          }}
        >
          Restore example agents
        </Button>
        {missing.length < EXAMPLE_AGENTS.length && (
          <Button
            variant="danger"
            disabled={disabled}
            onClick={() => {
              setMessage(null);
              removeExampleAgents().then(
                () =>
                  setMessage({
                    ok: true,
                    text: 'Removed the example agents: their keys are no longer trusted.',
                  }),
                (e: unknown) => setMessage({ ok: false, text: errorText(e) }),
              );
            }}
          >
            Remove example agents
          </Button>
        )}
        <span id={`${id}-state`} className={HINT}>
          {missing.length === 0
            ? 'All three are present.'
            : `${missing.length} of 3 missing: ${missing.map((a) => a.jwk.kid).join(', ')}.`}
        </span>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={`mt-2 ${message.ok ? OK_TEXT : ERROR_BOX}`}>
          {message.text}
        </p>
      )}
    </section>
  );
}

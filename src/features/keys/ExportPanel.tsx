import { useId, useMemo, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { serializeTrustStore } from 'wimse-ect';
import { useKeyring } from '../../state/keyring.ts';
import { jwksOf } from '../../storage/keys.ts';
import { downloadText, pretty } from '../../lib/download.ts';
import { HINT, PANEL, PANEL_TITLE, PRE } from './ui.ts';
import { VisibleText } from '../../components/VisibleText.tsx';

/** The public keys as a JWKS and as an issuer-bound trust store, to copy or download. */
export function ExportPanel() {
  const keys = useKeyring((s) => s.keys);
  const trust = useKeyring((s) => s.trust);
  const jwksText = useMemo(() => pretty(jwksOf(keys)), [keys]);
  const trustText = useMemo(() => pretty(serializeTrustStore(trust)), [trust]);
  const unbound = keys.filter((k) => !k.issuer).length;
  const id = useId();

  return (
    <section aria-labelledby={`${id}-title`} className={PANEL}>
      <h2 id={`${id}-title`} className={PANEL_TITLE}>
        Export public keys
      </h2>
      <p className={`${HINT} mt-1`}>
        Public parts only: share these with verifiers (for example <code>ect verify --trust</code>). Private
        keys are never in these files.
      </p>
      <div className="mt-3 grid gap-4 lg:grid-cols-2">
        <ExportBlock
          title="Trust store (issuer-bound)"
          description={
            <>
              <code>{'{"issuers": {iss: {"keys": [...]}}}'}</code>: each key verifies only tokens from its
              issuer.
              {unbound > 0 &&
                ` ${unbound} unbound key${unbound > 1 ? 's are' : ' is'} listed under "keys" (matched by kid only).`}
            </>
          }
          text={trustText}
          filename="ect-trust-store.json"
          testId="export-trust"
        />
        <ExportBlock
          title="JWKS"
          description={
            <>
              <code>{'{"keys": [...]}'}</code>: every public key, without issuer bindings (a verifier using it
              checks the kid only).
            </>
          }
          text={jwksText}
          filename="ect-jwks.json"
          testId="export-jwks"
        />
      </div>
    </section>
  );
}

function ExportBlock({
  title,
  description,
  text,
  filename,
  testId,
}: {
  title: string;
  description: ReactNode;
  text: string;
  filename: string;
  testId: string;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="flex min-w-0 flex-col gap-2" data-testid={testId}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={id} className="text-sm font-semibold">
          {title}
        </h3>
        <div className="flex gap-2">
          <CopyButton value={text} what={title} />
          <Button aria-label={`Download ${title}`} onClick={() => downloadText(filename, text)}>
            Download
          </Button>
        </div>
      </div>
      <p className={HINT}>{description}</p>
      <pre className={PRE} data-testid={`${testId}-json`} tabIndex={0} aria-label={`${title} JSON`}>
        <VisibleText text={text} multiline />
      </pre>
    </section>
  );
}

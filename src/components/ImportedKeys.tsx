import type { ImportKeysResult, StoredKey } from '../storage/keys.ts';
import { keyTypeName } from '../storage/keyFormats.ts';
import { VisibleText } from './VisibleText.tsx';

const KIND_WORDS: Record<ImportKeysResult['kind'], string> = {
  jwk: 'a JWK',
  jwks: 'a JWKS',
  'trust-store': 'a trust store',
  keygen: '`ect keygen` output',
  pem: 'PEM',
};

/** One line on what a key import did: "Imported 2 keys (1 can sign) from a trust store." */
export function importSummary(r: ImportKeysResult): string {
  const parts: string[] = [];
  if (r.added.length) {
    const signing = r.added.filter((k) => k.privateKey).length;
    parts.push(
      `Imported ${r.added.length} key${r.added.length > 1 ? 's' : ''}${
        signing ? ` (${signing} can sign)` : ''
      } from ${KIND_WORDS[r.kind]}.`,
    );
  }
  if (r.completed.length) {
    parts.push(
      `Added the private part to ${r.completed.length} key${r.completed.length > 1 ? 's' : ''} already stored: ${
        r.completed.length > 1 ? 'they' : 'it'
      } can sign now.`,
    );
  }
  if (!parts.length) return 'Nothing new: every key in it is already stored.';
  if (r.already.length) parts.push(`${r.already.length} already stored.`);
  return parts.join(' ');
}

function KeyLine({ k, what }: { k: StoredKey; what: string }) {
  return (
    <li data-testid="imported-key" data-kid={k.kid}>
      <span className="font-semibold">{what}</span> <code className="font-mono text-xs">kid</code>{' '}
      <span className="font-mono">
        <VisibleText text={k.kid} />
      </span>
      {' · '}
      {k.issuer ? (
        <>
          bound to{' '}
          <span className="font-mono">
            <VisibleText text={k.issuer} />
          </span>
        </>
      ) : (
        'unbound (matched by kid only)'
      )}
      {' · '}
      {keyTypeName(k.publicJwk)}, {k.alg ?? 'ES256'}
      {' · '}
      {k.privateKey
        ? `can sign (${k.privateKey.extractable ? 'extractable' : 'non-extractable'})`
        : 'verifies only'}
    </li>
  );
}

/** The keys an import added or completed, one line each: kid, issuer, type, algorithm, what it can do. */
export function ImportedKeysList({ result }: { result: ImportKeysResult }) {
  if (!result.added.length && !result.completed.length) return null;
  return (
    <ul className="mt-1 flex list-disc flex-col gap-0.5 pl-5 text-sm" aria-label="What the import added">
      {result.added.map((k) => (
        <KeyLine key={k.id} k={k} what="added" />
      ))}
      {result.completed.map((k) => (
        <KeyLine key={k.id} k={k} what="private part added to" />
      ))}
      {result.kind === 'pem' && result.added.some((k) => /^[\w-]{43}$/.test(k.kid)) && (
        <li className="list-none">
          PEM carries no kid: a key imported without one is named by its RFC 7638 thumbprint, which the
          tokens&apos; header <code>kid</code> must then carry.
        </li>
      )}
    </ul>
  );
}

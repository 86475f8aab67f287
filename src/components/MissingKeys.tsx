/**
 * A ledger imported before its keys fails entry after entry with `unknown_key`: this says so once,
 * above the entries, grouped by the issuer and kid that are missing, with the action that adds
 * each key (and a pointer to Keys & trust). The audit runs again as soon as a key is added.
 */
import { useMemo } from 'react';
import type { AuditReport } from 'wimse-ect';
import { useRouter } from '../state/router.ts';
import { TrustKeyAction, trustTarget } from './TrustKey.tsx';
import { VisibleText } from './VisibleText.tsx';

const SHOWN = 5;

export function missingKeyGroups(audit: AuditReport): { issuer: string; kid: string; count: number }[] {
  const groups = new Map<string, { issuer: string; kid: string; count: number }>();
  for (const n of audit.nodes) {
    if (!n.codes.includes('unknown_key')) continue;
    const t = trustTarget(n.report.header, n.report.payload);
    const key = `${t.issuer}\u0000${t.kid}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { ...t, count: 1 });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export function MissingKeysNotice({ audit }: { audit: AuditReport | null }) {
  const navigate = useRouter((s) => s.navigate);
  const groups = useMemo(() => (audit ? missingKeyGroups(audit) : []), [audit]);
  if (!groups.length) return null;
  const total = groups.reduce((n, g) => n + g.count, 0);
  return (
    <section
      aria-label="Missing keys"
      data-testid="missing-keys"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p>
        <span className="font-semibold">
          {total.toLocaleString('en')} entr{total === 1 ? 'y fails' : 'ies fail'} with{' '}
          <code className="font-mono">unknown_key</code>
        </span>
        : your keyring has no key for{' '}
        {groups.length === 1 ? 'their issuer' : `${groups.length} issuer/kid pairs`}, so their signatures
        cannot be checked. Add the issuers&apos; public keys (a JWK, JWKS, trust store or PEM) and the ledger
        is audited again; or import them all on{' '}
        <a
          href="#/keys"
          className="font-medium underline underline-offset-2"
          onClick={(e) => {
            e.preventDefault();
            navigate('keys');
          }}
        >
          Keys &amp; trust
        </a>
        .
      </p>
      <ul className="mt-2 flex flex-col gap-1.5">
        {groups.slice(0, SHOWN).map((g) => (
          <li key={`${g.issuer}\u0000${g.kid}`} className="flex flex-wrap items-center gap-2">
            <TrustKeyAction code="unknown_key" issuer={g.issuer} kid={g.kid} className="py-0.5 text-xs" />
            <span className="min-w-0 break-all">
              <code className="font-mono">
                <VisibleText text={g.issuer || '(no iss)'} />
              </code>
              , kid{' '}
              <code className="font-mono">
                <VisibleText text={g.kid || '(none)'} />
              </code>
              : {g.count.toLocaleString('en')} entr{g.count === 1 ? 'y' : 'ies'}
            </span>
          </li>
        ))}
        {groups.length > SHOWN && <li>… and {groups.length - SHOWN} more issuer/kid pairs.</li>}
      </ul>
    </section>
  );
}

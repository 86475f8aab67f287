/**
 * The parts of the Ledger tab's entry detail (EntryDetail.tsx): the verdict badge, a code's
 * explanation, the fields, hashes and receipt, links to other entries, and where a taint comes from.
 */
import type { ReactNode } from 'react';
import { decodeJsonPart, explain, type AuditReport, type ErrorCode, type Violation } from 'wimse-ect';
import { CodeLink } from '../../components/CodeLink.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import type { EntryRecord } from '../../storage/ledger.ts';
import { short } from './format.ts';
import { useLedgerView } from './store.ts';

export function Verdict({ node }: { node: AuditReport['nodes'][number] | undefined }) {
  if (!node) return <span className="text-sm text-slate-600 dark:text-slate-400">auditing…</span>;
  const [cls, text] = !node.valid
    ? ['bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200', 'invalid']
    : node.tainted
      ? ['bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200', 'tainted']
      : ['bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200', 'valid'];
  return (
    <span
      className={`rounded px-2 py-0.5 font-mono text-xs font-semibold ${cls}`}
      data-testid="entry-verdict"
    >
      {text}
    </span>
  );
}

export function CodeExplanation({ code, violations }: { code: ErrorCode; violations: Violation[] }) {
  const x = explain(code);
  return (
    <div
      className="rounded-md border border-red-200 bg-red-50/70 p-3 text-sm dark:border-red-900 dark:bg-red-950/30"
      data-testid="code-explanation"
      data-code={code}
    >
      <p className="flex flex-wrap items-baseline gap-2">
        <code className="rounded bg-red-100 px-1.5 font-mono text-xs font-semibold text-red-900 dark:bg-red-900/60 dark:text-red-100">
          <CodeLink code={code} />
        </code>
        <span className="font-semibold">{x.title}</span>
        <span className="text-xs text-slate-500 dark:text-slate-400">
          {x.profileSection} · draft: {x.draftSection}
        </span>
      </p>
      {violations.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-red-900 dark:text-red-200">
          {violations.map((v, k) => (
            <li key={k}>
              <VisibleText text={v.message} />
              {v.pred && (
                <>
                  {' '}
                  (edge to pred{' '}
                  <code className="font-mono text-xs">
                    <VisibleText text={v.pred} />
                  </code>
                  )
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <dl className="mt-2 grid gap-1 sm:grid-cols-[4rem_1fr]">
        <dt className="font-semibold">What</dt>
        <dd>{x.what}</dd>
        <dt className="font-semibold">Why</dt>
        <dd>{x.why}</dd>
        <dt className="font-semibold">Fix</dt>
        <dd>{x.fix}</dd>
      </dl>
    </div>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

export function Hash({ value, what }: { value: string; what: string }) {
  return (
    <span className="flex flex-wrap items-center gap-2">
      <code className="font-mono text-xs break-all">{value}</code>
      <CopyButton value={value} what={what} />
    </span>
  );
}

export function Receipt({ receipt, fingerprint }: { receipt: string; fingerprint: string | null }) {
  const parts = receipt.split('.');
  const header = parts[0] ? decodeJsonPart(parts[0]) : null;
  const payload = parts[1] ? decodeJsonPart(parts[1]) : null;
  return (
    <div className="flex flex-col gap-1">
      <span className="flex flex-wrap items-center gap-2">
        <span className="rounded bg-violet-100 px-1 font-mono text-[11px] font-semibold text-violet-900 dark:bg-violet-950 dark:text-violet-200">
          L3
        </span>
        ES256 receipt
        {header?.ok && typeof header.value.kid === 'string' && (
          <>
            {' '}
            by ledger key <code className="font-mono text-xs">{header.value.kid}</code>
          </>
        )}
        <CopyButton value={receipt} what="receipt" />
      </span>
      {payload?.ok && (
        <code className="font-mono text-xs break-all text-slate-700 dark:text-slate-300">
          {JSON.stringify(payload.value)}
        </code>
      )}
      <span className="text-xs text-slate-600 dark:text-slate-400">
        Checked with the chain under the ledger key
        {fingerprint ? (
          <>
            {' '}
            (fingerprint <code className="font-mono">{short(fingerprint, 12)}</code>)
          </>
        ) : null}
        : it must sign this entry's sequence number, entry hash, jti and append time. What it shows above is
        as signed, not checked.
      </span>
    </div>
  );
}

export function EntryLink({
  entries,
  index,
  audit,
}: {
  entries: readonly EntryRecord[];
  index: number;
  audit: AuditReport | null;
}) {
  const open = useLedgerView((s) => s.open);
  const e = entries[index];
  if (!e) return null;
  const codes = audit?.nodes[index]?.codes ?? [];
  return (
    <button
      type="button"
      className="font-mono text-xs text-sky-800 underline hover:text-sky-950 dark:text-sky-300 dark:hover:text-sky-100"
      onClick={() => open(e.seq)}
      title={codes.length ? codes.join(', ') : undefined}
    >
      #{e.seq} (<VisibleText text={short(e.jti)} />
      {codes.length ? `, ${codes.join(', ')}` : ''})
    </button>
  );
}

/** The nearest invalid ancestors of a tainted node (where the taint comes from), at most 10. */
export function invalidAncestors(audit: AuditReport, start: number): number[] {
  const parents = new Map<number, number[]>();
  for (const e of audit.edges) {
    if (e.to === null) continue;
    const list = parents.get(e.from);
    if (list) list.push(e.to);
    else parents.set(e.from, [e.to]);
  }
  const seen = new Set<number>([start]);
  const queue = [start];
  const found: number[] = [];
  for (let q = 0; q < queue.length && found.length < 10; q++) {
    for (const p of parents.get(queue[q]!) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (!audit.nodes[p]!.valid) found.push(p);
      else queue.push(p);
    }
  }
  return found;
}

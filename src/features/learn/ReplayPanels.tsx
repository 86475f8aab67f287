/** The replay's side panels: the entry just added (and why it is judged so), the chain head, the ledger so far. */
import { GENESIS_HASH, type AuditReport, explain } from 'wimse-ect';
import { CodeLink } from '../../components/CodeLink.tsx';
import { HeaderRow } from '../../components/HeaderRow.tsx';
import type { EntryRecord } from '../../storage/ledger.ts';
import type { ReplayStatus } from './replayModel.ts';
import { ROWS_SHOWN, short, STATUS } from './replayStyle.ts';

export function Added({
  k,
  sub,
  entries,
  arrivals,
}: {
  k: number;
  sub: AuditReport;
  entries: EntryRecord[];
  arrivals: Map<string, number>;
}) {
  const box =
    'flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900';
  if (k === 0) {
    return (
      <section aria-label="Entry just added" className={box} data-testid="replay-added" data-status="none">
        <h3 className="font-semibold">Entry just added</h3>
        <p className="text-slate-600 dark:text-slate-400">None yet.</p>
      </section>
    );
  }
  const node = sub.nodes[k - 1]!;
  const entry = entries[k - 1]!;
  const payload = node.report.payload;
  const act = typeof payload?.exec_act === 'string' ? payload.exec_act : null;
  const iss = typeof payload?.iss === 'string' ? payload.iss : null;
  const status: ReplayStatus = !node.valid ? 'invalid' : node.tainted ? 'tainted' : 'valid';
  const own = sub.violations.filter((v) => v.index === k - 1);
  const missing = own.filter((v) => v.code === 'parent_not_found' && v.pred !== undefined);
  return (
    <section
      aria-label="Entry just added"
      className={box}
      data-testid="replay-added"
      data-status={status}
      data-codes={node.codes.join(' ')}
    >
      <h3 className="font-semibold">Entry just added</h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        <dt className="text-slate-600 dark:text-slate-400">seq</dt>
        <dd className="font-mono">{entry.seq}</dd>
        <dt className="text-slate-600 dark:text-slate-400">jti</dt>
        <dd className="font-mono text-xs break-all">{node.jti ?? '(none)'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">exec_act</dt>
        <dd className="font-mono">{act ?? '—'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">issuer</dt>
        <dd className="text-xs break-all">{iss ?? '—'}</dd>
        <dt className="text-slate-600 dark:text-slate-400">verdict</dt>
        <dd className={`font-semibold ${STATUS[status].text}`} data-testid="replay-verdict">
          {STATUS[status].mark} {status === 'tainted' ? 'valid, but tainted' : STATUS[status].word}
          {node.codes.length > 0 && ': '}
          {node.codes.map((c, i) => (
            <span key={c}>
              {i > 0 && ', '}
              <code className="font-mono">
                <CodeLink code={c} />
              </code>
            </span>
          ))}
        </dd>
      </dl>
      {own.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-xs text-red-900 dark:text-red-200">
          {own.map((v, i) => (
            <li key={i}>
              {explain(v.code).title}: {v.message}
            </li>
          ))}
        </ul>
      )}
      {missing.map((v) => {
        const at = arrivals.get(v.pred!);
        return (
          <p key={v.pred} className="text-xs text-slate-700 dark:text-slate-300" data-testid="replay-arrives">
            {at !== undefined && at >= k
              ? `Its parent ${short(v.pred!, 13)} arrives later, as entry ${at + 1}: step on to watch the violation go away.`
              : `Its parent ${short(v.pred!, 13)} is not in this ledger at all.`}
          </p>
        );
      })}
      {status === 'tainted' && (
        <p className="text-xs text-amber-900 dark:text-amber-200">
          Valid itself, but it builds on an invalid task, so an auditor cannot rely on its lineage yet.
        </p>
      )}
    </section>
  );
}

export function ChainHead({ k, entries }: { k: number; entries: EntryRecord[] }) {
  const head = k === 0 ? GENESIS_HASH : entries[k - 1]!.entryHash;
  const prev = k === 0 ? null : entries[k - 1]!.prevHash;
  return (
    <section
      aria-label="Chain head"
      className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
      data-testid="replay-head"
    >
      <h3 className="font-semibold">Chain head after {k === 1 ? '1 entry' : `${k} entries`}</h3>
      <p className="font-mono text-xs break-all" data-testid="replay-head-hash">
        {head}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {k === 0
          ? 'Before the first entry the chain starts from 64 zeros.'
          : `entry_hash of entry ${k} = SHA-256(previous hash ${prev!.slice(0, 10)}… ‖ the token). Change any earlier token and every hash from there on changes.`}
      </p>
    </section>
  );
}

export function LedgerSoFar({ k, sub, entries }: { k: number; sub: AuditReport; entries: EntryRecord[] }) {
  const from = Math.max(0, k - ROWS_SHOWN);
  const rows = entries.slice(from, k);
  return (
    <section
      aria-label="Ledger so far"
      className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <h3 className="font-semibold">Ledger so far</h3>
      {k === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No entry yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left text-xs">
            <thead className="text-slate-500 dark:text-slate-400">
              <HeaderRow
                columns={['seq', 'jti', 'exec_act', `verdict (first ${k})`, 'entry_hash']}
                cellClassName="px-2 py-1 font-semibold"
              />
            </thead>
            <tbody>
              {from > 0 && (
                <tr>
                  <td colSpan={5} className="px-2 py-1 text-slate-500 dark:text-slate-400">
                    … {from.toLocaleString('en')} earlier {from === 1 ? 'entry' : 'entries'}
                  </td>
                </tr>
              )}
              {rows.map((e, i) => {
                const node = sub.nodes[from + i]!;
                const status: ReplayStatus = !node.valid ? 'invalid' : node.tainted ? 'tainted' : 'valid';
                const newest = from + i === k - 1;
                return (
                  <tr
                    key={e.seq}
                    data-testid="replay-row"
                    data-status={status}
                    className={`border-t border-slate-100 dark:border-slate-800 ${
                      newest ? 'bg-sky-50 dark:bg-sky-950/40' : ''
                    }`}
                  >
                    <td className="px-2 py-1 font-mono">{e.seq}</td>
                    <td className="px-2 py-1 font-mono" title={e.jti}>
                      {short(e.jti, 13)}
                    </td>
                    <td className="px-2 py-1 font-mono">{e.exec_act ?? '—'}</td>
                    <td className={`px-2 py-1 font-semibold ${STATUS[status].text}`}>
                      {STATUS[status].mark} {STATUS[status].word}
                      {node.codes.length > 0 && ` (${node.codes.join(', ')})`}
                    </td>
                    <td
                      className="px-2 py-1 font-mono text-slate-600 dark:text-slate-400"
                      title={e.entryHash}
                    >
                      {e.entryHash.slice(0, 12)}…
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

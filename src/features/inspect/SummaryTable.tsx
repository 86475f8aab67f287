/**
 * One row per pasted token, for multi-token pastes: verdict, code, action, issuer, and a button
 * that opens the token's card. The list of cards below shows a page at a time; this shows all
 * that were verified.
 */
import { memo } from 'react';
import { HeaderRow } from '../../components/HeaderRow.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';

export interface SummaryRow {
  index: number;
  status: 'valid' | 'invalid' | 'undecodable' | 'pending';
  code: string | null;
  action: string | null;
  issuer: string | null;
  /** What the token is when it is a JWT of another kind: "an OAuth 2.0 access token". */
  foreign: string | null;
}

const VERDICT = {
  valid: ['✓ valid', 'text-emerald-800 dark:text-emerald-300'],
  invalid: ['✗ invalid', 'text-red-800 dark:text-red-300'],
  undecodable: ['✗ not decodable', 'text-red-800 dark:text-red-300'],
  pending: ['verifying…', 'text-slate-600 dark:text-slate-400'],
} as const;

export const SummaryTable = memo(function SummaryTable({
  rows,
  onShow,
}: {
  rows: readonly SummaryRow[];
  onShow: (index: number) => void;
}) {
  return (
    <div
      className="max-h-[28rem] overflow-auto rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
      data-testid="summary-table"
      tabIndex={0}
      role="region"
      aria-label="Every token, one row each"
    >
      <table className="w-full min-w-[36rem] text-left text-sm">
        <thead className="sticky top-0 bg-slate-100 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">
          <HeaderRow
            columns={[
              '#',
              'Verdict',
              'Code',
              'Action',
              'Issuer',
              <span key="d" className="sr-only">
                Details
              </span>,
            ]}
            cellClassName="px-2 py-1 font-semibold"
          />
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.index}
              className="border-t border-slate-100 dark:border-slate-800"
              data-testid="summary-row"
              data-status={r.status}
            >
              <td className="px-2 py-0.5 font-mono text-xs text-slate-600 dark:text-slate-400">
                {r.index + 1}
              </td>
              <td className={`px-2 py-0.5 whitespace-nowrap ${VERDICT[r.status][1]}`}>
                {VERDICT[r.status][0]}
              </td>
              <td className="px-2 py-0.5 font-mono text-xs">
                {r.code}
                {r.foreign && (
                  <span className="block font-sans text-slate-600 dark:text-slate-400">
                    not an ECT: {r.foreign}
                  </span>
                )}
              </td>
              <td className="max-w-48 truncate px-2 py-0.5 font-mono text-xs">
                {r.action !== null && <VisibleText text={r.action} />}
              </td>
              <td className="max-w-64 truncate px-2 py-0.5 text-xs">
                {r.issuer !== null && <VisibleText text={r.issuer} />}
              </td>
              <td className="px-2 py-0.5">
                <button
                  type="button"
                  className="text-xs text-sky-800 underline underline-offset-2 dark:text-sky-300"
                  onClick={() => onShow(r.index)}
                >
                  {/* The name starts with the visible word (WCAG 2.5.3, label in name). */}
                  details<span className="sr-only"> of token {r.index + 1}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

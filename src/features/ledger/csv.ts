/**
 * The ledger table's rows as CSV (RFC 4180): one line per entry shown, in the
 * order shown. Values are untrusted: a cell that a spreadsheet would run as a
 * formula (starting with = + - @, a tab or a carriage return) is prefixed with
 * an apostrophe, and invisible or direction-changing characters are written as
 * visible \uXXXX escapes, as on screen and in the graph's SVG export.
 */
import { visibleString } from '../../components/visible.ts';
import type { Row } from './rows.ts';

export const CSV_COLUMNS = [
  'seq',
  'appended_at',
  'jti',
  'wid',
  'iss',
  'exec_act',
  'iat',
  'iat_utc',
  'status',
  'codes',
  'ledger_problems',
  'pred',
  'receipt',
] as const;

const iso = (seconds: number | null) => {
  if (seconds === null) return '';
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
};

export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let s = typeof value === 'string' ? visibleString(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function rowsToCsv(rows: readonly Row[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.seq,
        iso(r.appendedAt / 1000),
        r.jti,
        r.wid,
        r.iss,
        r.act,
        r.iat,
        iso(r.iat),
        r.status,
        r.codes.join(' '),
        r.ledger.join(' '),
        r.pred.join(' '),
        r.receipt,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The ledger table's order: ledger order (seq) by default, or by a column,
 * ascending or descending; ties keep ledger order. Pure.
 */
import type { Row, RowStatus } from './rows.ts';

export const SORT_KEYS = ['seq', 'appended', 'jti', 'wid', 'iss', 'act', 'iat', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** Ascending by status puts the problems first. */
const STATUS_RANK: Record<RowStatus, number> = { invalid: 0, tainted: 1, pending: 2, valid: 3 };

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compare(key: SortKey): (a: Row, b: Row) => number {
  switch (key) {
    case 'seq':
      return (a, b) => a.seq - b.seq;
    case 'appended':
      return (a, b) => a.appendedAt - b.appendedAt;
    case 'iat':
      // Entries without an iat go last either way round.
      return (a, b) => (a.iat === null ? (b.iat === null ? 0 : 1) : b.iat === null ? -1 : a.iat - b.iat);
    case 'status':
      return (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.codes.length - b.codes.length;
    default:
      return (a, b) => text(a[key], b[key]);
  }
}

/** The rows in the order asked for (a new array; `rows` itself for ledger order). */
export function sortRows(rows: readonly Row[], sort: Sort | null): readonly Row[] {
  if (!sort || (sort.key === 'seq' && sort.dir === 'asc')) return rows;
  const cmp = compare(sort.key);
  const sign = sort.dir === 'asc' ? 1 : -1;
  const nullsLast = sort.key === 'iat';
  return [...rows].sort((a, b) => {
    if (nullsLast && (a.iat === null) !== (b.iat === null)) return a.iat === null ? 1 : -1;
    return sign * cmp(a, b) || a.seq - b.seq;
  });
}

/** The next sort when a column header is clicked: ascending, descending, back to ledger order. */
export function nextSort(current: Sort | null, key: SortKey): Sort | null {
  if (current?.key !== key) return { key, dir: 'asc' };
  if (current.dir === 'asc') return { key, dir: 'desc' };
  return null;
}

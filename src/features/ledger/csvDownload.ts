/** Hands the rows shown to the browser as a CSV download: made in the page, nothing leaves it. */
import { rowsToCsv } from './csv.ts';
import type { Row } from './rows.ts';

export function downloadCsv(rows: readonly Row[]): void {
  const url = URL.createObjectURL(new Blob([rowsToCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `ect-ledger-${new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '')}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

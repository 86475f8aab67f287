import type { ReactNode } from 'react';

/**
 * The header row of a small table: one `<th scope="col">` per column, all with the same classes
 * (the tables of Inspect's summary, Learn's replay and Simulate's ledger).
 */
export function HeaderRow({
  columns,
  cellClassName,
}: {
  columns: readonly ReactNode[];
  cellClassName: string;
}) {
  return (
    <tr>
      {columns.map((c, i) => (
        <th key={i} scope="col" className={cellClassName}>
          {c}
        </th>
      ))}
    </tr>
  );
}

import { ExampleKeyPill, useExampleKeyMatcher } from '../../components/ExampleKey.tsx';
import type { ExampleAgent } from '../../state/exampleAgents.ts';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { explain, type ErrorCode } from 'wimse-ect';
import { LedgerProblemBadge } from '../../components/LedgerProblems.tsx';
import { formatCount, formatIat, formatLocal, formatLocalShort, short } from './format.ts';
import { nextSort, type SortKey } from './order.ts';
import type { Row } from './rows.ts';
import { useLedgerView } from './store.ts';

const ROW_HEIGHT = 36;
/**
 * seq, appended, jti, wid, iss, exec_act, iat, status, receipt. The status column holds the longest
 * code (parent_not_found, 16 characters of 11 px mono: 106 px) beside the "⚠ test key" mark (78 px):
 * at 10rem the mark was cut off in half the demo ledger's rows, so it gets 14rem at least.
 */
const COLUMNS =
  '4.5rem 9.5rem 6.5rem 6.5rem minmax(8rem,1.2fr) minmax(7rem,1fr) 10.5rem minmax(14rem,1.6fr) 2.75rem';
const HEADERS = ['seq', 'appended', 'jti', 'wid', 'iss', 'exec_act', 'iat (UTC)', 'status', 'L3'];
/** The order each column sorts by (L3: none). */
const SORT_BY: (SortKey | null)[] = ['seq', 'appended', 'jti', 'wid', 'iss', 'act', 'iat', 'status', null];

/**
 * The ledger's entries, virtualized: only the rows in view are in the DOM, so 100,000 entries
 * scroll as smoothly as 10. A grid with row navigation: Up/Down, Page Up/Down, Home/End move
 * the selection (the detail panel follows); Tab leaves the table.
 */
export function LedgerTable({
  rows,
  total,
  preparing = false,
  breakSeq,
}: {
  rows: readonly Row[];
  total: number;
  /** No rows yet: a large ledger's are being made (useRows). */
  preparing?: boolean;
  /** The first entry with a ledger problem, if any: later entries are no longer proven. */
  breakSeq: number | null;
}) {
  const selectedSeq = useLedgerView((s) => s.selectedSeq);
  const sort = useLedgerView((s) => s.sort);
  // Sorted by another column, a row's place is looked up; in ledger order, searched.
  const placeOf = useMemo(() => (sort ? new Map(rows.map((r, i) => [r.seq, i])) : null), [rows, sort]);
  const select = useLedgerView((s) => s.select);
  const open = useLedgerView((s) => s.open);
  const scrollRef = useRef<HTMLDivElement>(null);
  const exampleOf = useExampleKeyMatcher();
  const focusAfterMove = useRef(false);

  // The React Compiler cannot memoize around TanStack Virtual; this app does not use the compiler.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i]!.seq,
    // React 19 warns about flushSync inside a render; a frame of delay is not visible.
    useFlushSync: false,
  });

  const selectedPos =
    selectedSeq === null ? -1 : placeOf ? (placeOf.get(selectedSeq) ?? -1) : findPos(rows, selectedSeq);

  // Bring the selected entry into view (a click on "Show entry #k", a link from the graph, keys).
  useEffect(() => {
    if (selectedPos < 0) return;
    virtualizer.scrollToIndex(selectedPos, { align: 'auto' });
    if (focusAfterMove.current) {
      focusAfterMove.current = false;
      requestAnimationFrame(() => {
        scrollRef.current?.querySelector<HTMLElement>(`[data-pos="${selectedPos}"]`)?.focus();
      });
    }
  }, [selectedPos, virtualizer]);

  const move = (pos: number) => {
    if (!rows.length) return;
    const clamped = Math.max(0, Math.min(rows.length - 1, pos));
    focusAfterMove.current = true;
    select(rows[clamped]!.seq);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const at = selectedPos < 0 ? -1 : selectedPos;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(at + 1),
      ArrowUp: () => move(at - 1),
      PageDown: () => move(at + page),
      PageUp: () => move(at - page),
      Home: () => move(0),
      End: () => move(rows.length - 1),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  // The one row that Tab lands on: the selected one when in view, else the first rendered.
  const items = virtualizer.getVirtualItems();
  const tabbable =
    selectedPos >= 0 && items.some((v) => v.index === selectedPos) ? selectedPos : (items[0]?.index ?? -1);

  return (
    <div
      role="grid"
      aria-label="Ledger entries"
      aria-rowcount={rows.length + 1}
      aria-colcount={HEADERS.length}
      aria-readonly="true"
      data-testid="ledger-table"
      className="overflow-hidden rounded-lg border border-slate-200 bg-white text-sm dark:border-slate-800 dark:bg-slate-900"
      onKeyDown={onKeyDown}
    >
      <div className="overflow-x-auto">
        <div className="min-w-[68rem]">
          <div
            role="row"
            aria-rowindex={1}
            className="grid border-b border-slate-200 bg-slate-50 text-xs font-semibold text-slate-600 dark:border-slate-800 dark:bg-slate-800/60 dark:text-slate-300"
            style={{ gridTemplateColumns: COLUMNS }}
          >
            {HEADERS.map((h, c) => {
              const key = SORT_BY[c]!;
              const on = sort?.key === key;
              return (
                <div
                  key={h}
                  role="columnheader"
                  aria-sort={on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  className="truncate px-2 py-2"
                >
                  {key === null ? (
                    <abbr title="Receipt signed by the ledger key (L3)">L3</abbr>
                  ) : (
                    <button
                      type="button"
                      onClick={() => useLedgerView.getState().setSort(nextSort(sort, key))}
                      title={`Sort by ${h}${on ? (sort.dir === 'asc' ? ', descending' : ': back to ledger order') : ''}`}
                      className="inline-flex items-center gap-0.5 font-semibold hover:text-slate-900 dark:hover:text-white"
                    >
                      {h}
                      <span aria-hidden="true">{on ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                    </button>
                  )}
                </div>
              );
            })}
          </div>
          <div
            ref={scrollRef}
            // Tall enough to fill the viewport below the page's header once scrolled to.
            className="max-h-[max(16rem,calc(100dvh-11rem))] overflow-y-auto"
            data-testid="ledger-scroll"
          >
            {rows.length === 0 ? (
              <p className="p-4 text-slate-600 dark:text-slate-400" role="status">
                {preparing
                  ? `Preparing the table’s ${formatCount(total)} rows…`
                  : `No entry matches these filters (${formatCount(total)} in the ledger).`}
              </p>
            ) : (
              <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                {items.map((v) => {
                  const row = rows[v.index]!;
                  return (
                    <LedgerRow
                      key={v.key}
                      row={row}
                      pos={v.index}
                      top={v.start}
                      selected={row.seq === selectedSeq}
                      tabbable={v.index === tabbable}
                      chainBreak={row.ledger.length > 0}
                      unproven={breakSeq !== null && row.seq > breakSeq}
                      exampleAgent={exampleOf(row.signer ?? undefined)}
                      onOpen={open}
                    />
                  );
                })}
              </div>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

/** Position of `seq` in `rows` (sorted by seq): binary search, as rows may be filtered. */
function findPos(rows: readonly Row[], seq: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = rows[mid]!.seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const LedgerRow = memo(function LedgerRow({
  row,
  pos,
  top,
  selected,
  tabbable,
  chainBreak,
  unproven,
  exampleAgent,
  onOpen,
}: {
  row: Row;
  pos: number;
  top: number;
  selected: boolean;
  tabbable: boolean;
  chainBreak: boolean;
  unproven: boolean;
  /** The example agent whose published key signed it, if one did. */
  exampleAgent: ExampleAgent | null;
  onOpen: (seq: number) => void;
}) {
  const tone = chainBreak
    ? 'bg-red-100 ring-2 ring-red-500 ring-inset dark:bg-red-950/60'
    : selected
      ? 'bg-sky-100 dark:bg-sky-950/70'
      : row.status === 'invalid'
        ? 'bg-red-50/60 hover:bg-red-50 dark:bg-red-950/20 dark:hover:bg-red-950/40'
        : 'hover:bg-slate-50 dark:hover:bg-slate-800/50';
  return (
    <div
      role="row"
      aria-rowindex={pos + 2}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      data-pos={pos}
      data-testid="ledger-row"
      data-seq={row.seq}
      data-jti={row.jti}
      data-status={row.status}
      data-codes={row.codes.join(' ')}
      data-example-key={exampleAgent ? 'true' : undefined}
      data-chain-break={chainBreak ? 'true' : undefined}
      data-ledger-problems={row.ledger.length ? row.ledger.join(' ') : undefined}
      onClick={() => onOpen(row.seq)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(row.seq);
        }
      }}
      className={`absolute inset-x-0 grid cursor-pointer items-center focus-visible:-outline-offset-2 border-b border-slate-100 dark:border-slate-800 ${tone} ${
        unproven ? 'text-slate-500 dark:text-slate-400' : ''
      } ${selected ? 'shadow-[inset_4px_0_0_0_var(--color-sky-600)] dark:shadow-[inset_4px_0_0_0_var(--color-sky-400)]' : ''}`}
      style={{ gridTemplateColumns: COLUMNS, height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
    >
      <div role="gridcell" className="px-2 text-right font-mono tabular-nums">
        {chainBreak && (
          <span
            className="mr-1 text-red-700 dark:text-red-300"
            title={`Ledger problem here: ${row.ledger.join(', ')}`}
          >
            ⚠
          </span>
        )}
        #{row.seq}
        <StatusMark status={row.status} />
      </div>
      <div
        role="gridcell"
        className="truncate px-2 font-mono text-xs tabular-nums"
        title={formatLocal(row.appendedAt)}
      >
        {formatLocalShort(row.appendedAt)}
      </div>
      <div role="gridcell" className="truncate px-2 font-mono text-xs" title={visibleString(row.jti)}>
        {short(row.jti) ? (
          <VisibleText text={short(row.jti)} />
        ) : (
          <span className="text-red-700 dark:text-red-300">(none)</span>
        )}
      </div>
      <div
        role="gridcell"
        className="truncate px-2 font-mono text-xs"
        title={row.wid ? visibleString(row.wid) : 'no workflow id'}
      >
        {short(row.wid) ? <VisibleText text={short(row.wid)} /> : <span className="text-slate-400">–</span>}
      </div>
      <div role="gridcell" className="truncate px-2 text-xs" title={visibleString(row.iss)}>
        <VisibleText text={tail(row.iss.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''), 24)} />
      </div>
      <div role="gridcell" className="truncate px-2 font-mono text-xs" title={visibleString(row.act)}>
        <VisibleText text={row.act} />
      </div>
      <div role="gridcell" className="truncate px-2 font-mono text-xs tabular-nums">
        {formatIat(row.iat)}
      </div>
      <div
        role="gridcell"
        className="flex min-w-0 items-center gap-1 overflow-hidden px-2"
        data-testid="row-status"
      >
        <StatusBadges row={row} chainBreak={chainBreak} />
        {exampleAgent && <ExampleKeyPill agent={exampleAgent} compact />}
      </div>
      <div role="gridcell" className="px-2 text-center">
        {row.receipt ? (
          <span
            className="rounded bg-violet-100 px-1 font-mono text-[11px] font-semibold text-violet-900 dark:bg-violet-950 dark:text-violet-200"
            title="This entry has a receipt signed by the ledger key (L3)"
          >
            L3
          </span>
        ) : (
          <span className="sr-only">no receipt</span>
        )}
      </div>
    </div>
  );
});

/**
 * The verdict as a mark beside the sequence number, on narrow screens only: there the status
 * column is further right than the screen (the table scrolls sideways to it).
 */
function StatusMark({ status }: { status: Row['status'] }) {
  const [mark, cls] =
    status === 'valid'
      ? ['✓', 'text-emerald-700 dark:text-emerald-300']
      : status === 'tainted'
        ? ['!', 'text-amber-700 dark:text-amber-300']
        : status === 'invalid'
          ? ['✗', 'text-red-700 dark:text-red-300']
          : ['…', 'text-slate-500'];
  return (
    <span className={`ml-1 font-sans font-bold sm:hidden ${cls}`} data-testid="row-mark" title={status}>
      <span aria-hidden="true">{mark}</span>
      <span className="sr-only">{status}</span>
    </span>
  );
}

/** The end of a long value ("…ple.com/agent/a"): for issuers the distinguishing part is last. */
function tail(value: string, max: number): string {
  return value.length > max ? `…${value.slice(value.length - max + 1)}` : value;
}

const pill = 'inline-flex shrink-0 items-center rounded px-1.5 py-px font-mono text-[11px] font-semibold';

function StatusBadges({ row, chainBreak }: { row: Row; chainBreak: boolean }) {
  const out = [];
  if (chainBreak)
    for (const code of row.ledger) out.push(<LedgerProblemBadge key={`l:${code}`} code={code} />);
  if (row.status === 'pending') {
    out.push(
      <span key="p" className="text-xs text-slate-600 dark:text-slate-400">
        auditing…
      </span>,
    );
  } else if (row.status === 'valid') {
    out.push(
      <span
        key="v"
        className={`${pill} bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200`}
        data-testid="status-valid"
      >
        valid
      </span>,
    );
  } else if (row.status === 'tainted') {
    out.push(
      <span
        key="t"
        className={`${pill} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200`}
        title="Valid itself, but downstream of an invalid entry"
        data-testid="status-tainted"
      >
        tainted
      </span>,
    );
  } else {
    const shown = row.codes.slice(0, 2);
    for (const c of shown) out.push(<CodeBadge key={c} code={c} />);
    if (row.codes.length > shown.length) {
      out.push(
        <span key="more" className="text-xs text-slate-600 dark:text-slate-400" title={row.codes.join(', ')}>
          +{row.codes.length - shown.length}
        </span>,
      );
    }
  }
  return <>{out}</>;
}

function CodeBadge({ code }: { code: ErrorCode }) {
  return (
    <span
      className={`${pill} bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200`}
      title={explain(code).title}
      data-testid="status-code"
      data-code={code}
    >
      {code}
    </span>
  );
}

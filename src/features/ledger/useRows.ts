/**
 * The Ledger table's rows and filter-menu counts, made from the ledger's entries, the audit and the
 * ledger check. A small ledger's are made in the render, as they always were. A large one's are
 * made between paints, a slice at a time: at 50,000 entries making them was a 120-220 ms task of
 * the page's first render (Chromium, load 6), about 1 s at 250,000 (issue 17: no task over
 * 200 ms). Meanwhile the table keeps showing the rows it had for this ledger (their verdicts a
 * step behind), or says it is preparing them.
 */
import { useEffect, useMemo, useState } from 'react';
import type { AuditReport, LedgerProblem } from 'wimse-ect';
import { yieldToPage } from '../../lib/yieldToPage.ts';
import type { EntryRecord } from '../../storage/ledger.ts';
import { buildRows, FacetCounter, facets, fillRows, type Facets, type Row } from './rows.ts';

/** Up to this many entries, rows are made in the render (about 12 ms at 5,000); the 10,000-token e2e test takes the sliced path. */
export const SYNC_ROWS = 5_000;
/** Rows made between two looks at the clock. */
const STEP = 1000;
/** Work between two paints. */
const SLICE_MS = 30;

export interface TableRows {
  rows: readonly Row[];
  facets: Facets;
  /** The rows of the entries as they are now are still being made. */
  preparing: boolean;
}

type Problems = ReadonlyMap<number, readonly LedgerProblem[]>;

interface Built {
  ledgerId: string | null;
  entries: readonly EntryRecord[];
  audit: AuditReport | null;
  problems: Problems;
  rows: Row[];
  facets: Facets;
}

const NO_ROWS: TableRows = { rows: [], facets: facets([]), preparing: true };

/** Makes the rows and counts a slice at a time; null when `stop.stopped` was set meanwhile. */
async function buildInSlices(
  ledgerId: string | null,
  entries: readonly EntryRecord[],
  audit: AuditReport | null,
  problems: Problems,
  stop: { stopped: boolean },
): Promise<Built | null> {
  const rows = new Array<Row>(entries.length);
  const counter = new FacetCounter();
  let since = performance.now();
  for (let from = 0; from < entries.length; from += STEP) {
    const to = Math.min(entries.length, from + STEP);
    fillRows(rows, entries, audit, problems, from, to);
    counter.add(rows, from, to);
    if (performance.now() - since > SLICE_MS) {
      await yieldToPage();
      if (stop.stopped) return null;
      since = performance.now();
    }
  }
  return { ledgerId, entries, audit, problems, rows, facets: counter.result() };
}

export function useRows(
  ledgerId: string | null,
  entries: readonly EntryRecord[],
  audit: AuditReport | null,
  problems: Problems,
): TableRows {
  const large = entries.length > SYNC_ROWS;
  const now = useMemo<TableRows | null>(() => {
    if (large) return null;
    const rows = buildRows(entries, audit, problems);
    return { rows, facets: facets(rows), preparing: false };
  }, [large, entries, audit, problems]);

  const [built, setBuilt] = useState<Built | null>(null);
  useEffect(() => {
    if (!large) return;
    const stop = { stopped: false };
    void buildInSlices(ledgerId, entries, audit, problems, stop).then((b) => {
      if (b) setBuilt(b);
    });
    return () => {
      stop.stopped = true;
    };
  }, [large, ledgerId, entries, audit, problems]);

  if (now) return now;
  if (built && built.ledgerId === ledgerId) {
    const current = built.entries === entries && built.audit === audit && built.problems === problems;
    return { rows: built.rows, facets: built.facets, preparing: !current };
  }
  return NO_ROWS;
}

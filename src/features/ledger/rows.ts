/**
 * The ledger table's rows: one per entry, with the audit's verdict for the node at the same
 * position (audit.nodes[i] is entries[i]) and lowercase copies of the searchable fields, made
 * once per ledger/audit change so that filtering 100,000 rows on every keystroke is a plain
 * linear scan.
 */
import type { AuditReport, ErrorCode, LedgerProblem, LedgerProblemCode } from 'wimse-ect';
import type { EntryRecord } from '../../storage/ledger.ts';

export type RowStatus = 'valid' | 'tainted' | 'invalid' | 'pending';

export interface Row {
  /** Position in the ledger's entries and in the audit's nodes. */
  index: number;
  seq: number;
  appendedAt: number;
  jti: string;
  wid: string;
  iss: string;
  act: string;
  iat: number | null;
  receipt: boolean;
  status: RowStatus;
  codes: readonly ErrorCode[];
  /** The trusted key whose signature check passed (kid, issuer), once audited. */
  signer: { kid: string; issuer: string | null } | null;
  /** The ledger check's problems at this entry (chain, sequence, receipt, checkpoint), by code. */
  ledger: readonly LedgerProblemCode[];
  /** The predecessor ids the entry names. */
  pred: readonly string[];
  /** Lowercase jti, iss, exec_act, wid, pred, violation and ledger codes, for the free-text search. */
  hay: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const NONE: readonly LedgerProblemCode[] = [];

/** The table's rows of `entries`, with the audit's verdicts and the ledger check's problems. */
export function buildRows(
  entries: readonly EntryRecord[],
  audit: AuditReport | null,
  problems: ReadonlyMap<number, readonly LedgerProblem[]> = new Map(),
): Row[] {
  const rows = new Array<Row>(entries.length);
  fillRows(rows, entries, audit, problems, 0, entries.length);
  return rows;
}

/** Makes rows[from..to) (buildRows a part at a time: useRows slices a large ledger's). */
export function fillRows(
  rows: Row[],
  entries: readonly EntryRecord[],
  audit: AuditReport | null,
  problems: ReadonlyMap<number, readonly LedgerProblem[]>,
  from: number,
  to: number,
): void {
  const nodes = audit && audit.nodes.length === entries.length ? audit.nodes : null;
  for (let i = from; i < to; i++) {
    const e = entries[i]!;
    const c = e.claims;
    const node = nodes?.[i];
    const jti = e.jti || str(c.jti);
    const iss = str(c.iss);
    const act = str(c.exec_act);
    const wid = str(c.wid);
    // -01 names its predecessors in `pred`, -00 in `par`.
    const links = Array.isArray(c.pred) ? c.pred : Array.isArray(c.par) ? c.par : [];
    const pred = links.filter((p): p is string => typeof p === 'string');
    const codes = node?.codes ?? [];
    const ledger = ledgerCodes(problems.get(e.seq));
    rows[i] = {
      index: i,
      seq: e.seq,
      appendedAt: e.appendedAt,
      jti,
      wid,
      iss,
      act,
      iat: typeof c.iat === 'number' ? c.iat : null,
      receipt: e.receipt !== undefined,
      status: !node ? 'pending' : !node.valid ? 'invalid' : node.tainted ? 'tainted' : 'valid',
      codes,
      signer: node?.report?.key ?? null,
      ledger,
      pred,
      hay: `${jti}\n${iss}\n${act}\n${wid}\n${pred.join('\n')}\n${codes.join('\n')}\n${ledger.join('\n')}`.toLowerCase(),
    };
  }
}

function ledgerCodes(list: readonly LedgerProblem[] | undefined): readonly LedgerProblemCode[] {
  return list?.length ? [...new Set(list.map((p) => p.code))] : NONE;
}

export interface Filters {
  /** Free text: any part of jti, iss, exec_act, wid, a pred entry or a violation code. */
  q: string;
  wid: string;
  iss: string;
  act: string;
  /** '' (any), 'valid' (valid and not tainted), 'tainted', 'invalid', or 'code:<code>'. */
  status: string;
  /** iat bounds, Unix seconds; null for open. */
  from: number | null;
  to: number | null;
}

export const NO_FILTERS: Filters = { q: '', wid: '', iss: '', act: '', status: '', from: null, to: null };

export function isFiltered(f: Filters): boolean {
  return (
    f.q.trim() !== '' ||
    f.wid !== '' ||
    f.iss !== '' ||
    f.act !== '' ||
    f.status !== '' ||
    f.from !== null ||
    f.to !== null
  );
}

/** The rows that pass every filter, in ledger order. Returns `rows` itself when nothing filters. */
export function filterRows(rows: readonly Row[], f: Filters): readonly Row[] {
  if (!isFiltered(f)) return rows;
  const q = f.q.trim().toLowerCase();
  const code = f.status.startsWith('code:') ? f.status.slice(5) : null;
  const out: Row[] = [];
  for (const r of rows) {
    if (q && !r.hay.includes(q)) continue;
    if (f.wid && r.wid !== f.wid) continue;
    if (f.iss && r.iss !== f.iss) continue;
    if (f.act && r.act !== f.act) continue;
    if (code) {
      if (!r.codes.includes(code as ErrorCode)) continue;
    } else if (f.status && r.status !== f.status) continue;
    if (f.from !== null && (r.iat === null || r.iat < f.from)) continue;
    if (f.to !== null && (r.iat === null || r.iat > f.to)) continue;
    out.push(r);
  }
  return out;
}

export interface Facets {
  wid: [string, number][];
  iss: [string, number][];
  act: [string, number][];
  status: Record<RowStatus, number>;
  codes: [ErrorCode, number][];
}

/** Ties in alphabetical order: one Collator, since String#localeCompare sets one up per call. */
const collator = new Intl.Collator('en');
/** Above this many distinct values, a menu's ties keep the ledger's order (see byCount). */
const SORT_ALPHABETICALLY = 5000;

/**
 * Values by count, most frequent first. A menu shows the first few hundred; a ledger of 250,000
 * workflows has 250,000 values, which a comparison sort took 0.7-1.4 s to order (Node, load 7):
 * past SORT_ALPHABETICALLY they are bucketed by count instead, ties in the order first seen.
 */
function byCount(m: Map<string, number>): [string, number][] {
  const all = [...m];
  if (all.length <= SORT_ALPHABETICALLY)
    return all.sort((a, b) => b[1] - a[1] || collator.compare(a[0], b[0]));
  let most = 0;
  for (const [, n] of all) if (n > most) most = n;
  // Where each count's values start in the output, the largest count first.
  const start = new Int32Array(most + 2);
  for (const [, n] of all) start[most - n + 1]!++;
  for (let c = 1; c <= most + 1; c++) start[c]! += start[c - 1]!;
  const out = new Array<[string, number]>(all.length);
  for (const pair of all) out[start[most - pair[1]]!++] = pair;
  return out;
}

/** Counts the rows' values for the filter menus, a part at a time (see facets). */
export class FacetCounter {
  readonly #wid = new Map<string, number>();
  readonly #iss = new Map<string, number>();
  readonly #act = new Map<string, number>();
  readonly #codes = new Map<string, number>();
  readonly #status: Record<RowStatus, number> = { valid: 0, tainted: 0, invalid: 0, pending: 0 };

  add(rows: readonly Row[], from = 0, to = rows.length): void {
    const bump = (m: Map<string, number>, k: string) => {
      if (k) m.set(k, (m.get(k) ?? 0) + 1);
    };
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      bump(this.#wid, r.wid);
      bump(this.#iss, r.iss);
      bump(this.#act, r.act);
      this.#status[r.status]++;
      for (const c of r.codes) bump(this.#codes, c);
    }
  }

  result(): Facets {
    return {
      wid: byCount(this.#wid),
      iss: byCount(this.#iss),
      act: byCount(this.#act),
      status: { ...this.#status },
      codes: byCount(this.#codes) as [ErrorCode, number][],
    };
  }
}

/** Distinct values (most frequent first) and counts, for the filter menus. */
export function facets(rows: readonly Row[]): Facets {
  const counter = new FacetCounter();
  counter.add(rows);
  return counter.result();
}

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
  /** Lowercase jti, iss, exec_act and wid, for the free-text search. */
  hay: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const NONE: readonly LedgerProblemCode[] = [];

export function buildRows(
  entries: readonly EntryRecord[],
  audit: AuditReport | null,
  problems: ReadonlyMap<number, readonly LedgerProblem[]> = new Map(),
): Row[] {
  const nodes = audit && audit.nodes.length === entries.length ? audit.nodes : null;
  const rows = new Array<Row>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const c = e.claims;
    const node = nodes?.[i];
    const jti = e.jti || str(c.jti);
    const iss = str(c.iss);
    const act = str(c.exec_act);
    const wid = str(c.wid);
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
      codes: node?.codes ?? [],
      signer: node?.report?.key ?? null,
      ledger: ledgerCodes(problems.get(e.seq)),
      hay: `${jti}\n${iss}\n${act}\n${wid}`.toLowerCase(),
    };
  }
  return rows;
}

function ledgerCodes(list: readonly LedgerProblem[] | undefined): readonly LedgerProblemCode[] {
  return list?.length ? [...new Set(list.map((p) => p.code))] : NONE;
}

export interface Filters {
  /** Free text: a jti prefix, or any part of iss, exec_act, jti, wid. */
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

const byCount = (m: Map<string, number>): [string, number][] =>
  [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** Distinct values (most frequent first) and counts, for the filter menus. */
export function facets(rows: readonly Row[]): Facets {
  const wid = new Map<string, number>();
  const iss = new Map<string, number>();
  const act = new Map<string, number>();
  const codes = new Map<string, number>();
  const status: Record<RowStatus, number> = { valid: 0, tainted: 0, invalid: 0, pending: 0 };
  const bump = (m: Map<string, number>, k: string) => {
    if (k) m.set(k, (m.get(k) ?? 0) + 1);
  };
  for (const r of rows) {
    bump(wid, r.wid);
    bump(iss, r.iss);
    bump(act, r.act);
    status[r.status]++;
    for (const c of r.codes) bump(codes, c);
  }
  return {
    wid: byCount(wid),
    iss: byCount(iss),
    act: byCount(act),
    status,
    codes: byCount(codes) as [ErrorCode, number][],
  };
}

/**
 * The PostgreSQL ledger's rows: the text and JSON a column can hold, the INSERT's literal values, and
 * an entry read back (its claims decoded from the stored token, never from the claims column).
 */
import type { LedgerEntry } from '../chain.ts';
import { decodeToken } from '../decode.ts';

export interface Row {
  seq: string;
  token: string;
  jti: string;
  appended_at: string;
  prev_hash: string;
  entry_hash: string;
  receipt: string | null;
}

/** The columns an entry is read from. */
export const COLUMNS = 'seq, token, jti, appended_at, prev_hash, entry_hash, receipt';

/**
 * Text PostgreSQL can hold (no NUL, no lone surrogate), for the column copies and their look-ups;
 * the token itself is base64url. Results are re-checked against the decoded token.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const pgText = (s: string) => s.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
export const optText = (v: unknown) => (typeof v === 'string' ? pgText(v) : null);
/** JSON for a jsonb column: jsonb refuses \u0000 and lone surrogates, which JSON.stringify escapes. */
export const pgJson = (v: unknown) =>
  JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi, '$1\\ufffd');

export function toEntry(r: Row): LedgerEntry {
  const d = decodeToken(r.token);
  const claims = d.ok ? d.decoded.payload : {};
  const entry: LedgerEntry = {
    seq: Number(r.seq),
    token: r.token,
    jti: typeof claims.jti === 'string' ? claims.jti : r.jti,
    claims,
    appendedAt: Number(r.appended_at),
    prevHash: r.prev_hash,
    entryHash: r.entry_hash,
  };
  if (r.receipt !== null) entry.receipt = r.receipt;
  return entry;
}

/**
 * One entry as the literal row of an INSERT ... VALUES (with `lit`, the connection's escapeLiteral
 * or NULL): the append sends its INSERT and COMMIT as one simple query, which takes no parameters.
 */
export function insertRow(e: LedgerEntry, lit: (v: string | null) => string): string {
  return `(${e.seq},${lit(pgText(e.jti))},${lit(optText(e.claims.wid))},${lit(optText(e.claims.iss))},${lit(
    optText(e.claims.exec_act),
  )},${lit(e.token)},${lit(pgJson(e.claims))}::jsonb,${Math.round(e.appendedAt)},${lit(e.prevHash)},${lit(
    e.entryHash,
  )},${lit(e.receipt ?? null)})`;
}

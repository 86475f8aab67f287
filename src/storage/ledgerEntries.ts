/**
 * A ledger entry as IndexedDB stores it (StoredEntry, several to a SegmentRecord) and as the app
 * reads it (EntryRecord): the conversions both ways, and the migration of version-2 records.
 * Split from ledger.ts, which keeps the transactions.
 */
import { decodeToken, jsonDeeperThan, type LedgerEntry } from 'wimse-ect';

/** An entry as read: the core's entry plus the ledger it belongs to and copies of some claims. */
export interface EntryRecord extends LedgerEntry {
  ledgerId: string;
  wid?: string;
  iss?: string;
  exec_act?: string;
}

/** An entry as stored in its segment (its sequence number is the segment's firstSeq + its index). */
export interface StoredEntry {
  token: string;
  claims: Record<string, unknown>;
  appendedAt: number;
  prevHash: string;
  entryHash: string;
  receipt?: string;
  /**
   * Set when `claims` is stored empty and the claims are decoded from `token` instead: every entry
   * written since session 6 (see `stored`), and before that claims nested too deep to store.
   */
  claimsInToken?: true;
  /** Copies of the token's claims, stored since session 6 with `claimsInToken` (see `stored`). */
  jti?: string;
  wid?: string;
  iss?: string;
  exec_act?: string;
}

/** One IndexedDB record: consecutive entries of one ledger, firstSeq to lastSeq. */
export interface SegmentRecord {
  ledgerId: string;
  firstSeq: number;
  lastSeq: number;
  entries: StoredEntry[];
}

/** A record of the version-2 `entries` table (one per entry), read once to migrate it. */
export interface V2EntryRecord extends EntryRecord {
  claimsInToken?: true;
}

/** Entries per segment: large enough that the per-record cost vanishes, small enough to read a part. */
export const SEGMENT_SIZE = 1000;

/**
 * The entry as stored: its token and a few copies of its claims, not the claims as an object.
 * The claims are in the token, and every reader that shows them decodes it anyway (the ledger
 * check does, and replaces the copy read); an object per entry made IndexedDB's structured clone
 * the largest cost of the import's write and of the opening's read, and its garbage the largest of
 * the GC (issue 17, profiled at 100,000 entries: Dexie's add 3.7 s of the import's main thread,
 * load 5). It also keeps a hostile token nested 10,000 levels deep out of the structured clone,
 * which recursed over it and failed the whole batch.
 */
export function stored(e: LedgerEntry): StoredEntry {
  const out: StoredEntry = {
    token: e.token,
    claims: {},
    appendedAt: e.appendedAt,
    prevHash: e.prevHash,
    entryHash: e.entryHash,
    claimsInToken: true,
    jti: e.jti,
  };
  if (e.receipt !== undefined) out.receipt = e.receipt;
  for (const k of ['wid', 'iss', 'exec_act'] as const)
    if (typeof e.claims[k] === 'string') out[k] = e.claims[k] as string;
  return out;
}

/**
 * Claims nested deeper than this are not kept by a migration: IndexedDB's structured clone
 * recurses, and a hostile token nested 10,000 levels deep overflows it and fails the whole batch.
 */
const MAX_STORED_DEPTH = 64;

/**
 * A version-2 record as migrated: with its stored claims as they are (the ledger check compares
 * them with the token, so a copy edited before the migration is still found).
 */
function migrated(e: V2EntryRecord): StoredEntry {
  const deep = e.claimsInToken === true || jsonDeeperThan(e.claims, MAX_STORED_DEPTH);
  const out: StoredEntry = {
    token: e.token,
    claims: deep ? {} : e.claims,
    appendedAt: e.appendedAt,
    prevHash: e.prevHash,
    entryHash: e.entryHash,
  };
  if (e.receipt !== undefined) out.receipt = e.receipt;
  if (deep) out.claimsInToken = true;
  return out;
}

const claimsOf = (token: string): Record<string, unknown> => {
  const d = decodeToken(token);
  return d.ok ? d.decoded.payload : {};
};

/**
 * The claims of an entry read for the ledger check (`entriesToCheck`) until the check sets them
 * from its token: frozen and empty, and no stored copy for the check to compare.
 */
export const CLAIMS_NOT_READ: Record<string, unknown> = Object.freeze({});

/**
 * The stored copy of an entry's claims, for the ledger check (`checkLedger`'s `storedClaims`):
 * none when the entry's claims are to be decoded from its token, which a comparison cannot fault
 * and would decode a second time.
 */
export function storedClaims(e: object): Record<string, unknown> | undefined {
  const claims = (e as { claims?: Record<string, unknown> }).claims;
  return claims === CLAIMS_NOT_READ ? undefined : claims;
}

/**
 * The entry as read. Stored since session 6 without its claims (see `stored`): they are decoded
 * from its token, unless `decode` is false (the ledger check decodes every token anyway: decoding
 * here too cost about 20 µs an entry, and an object per entry held until the check replaced it).
 */
export function record(ledgerId: string, seq: number, s: StoredEntry, decode: boolean): EntryRecord {
  const tokenOnly = s.claimsInToken === true && isEmpty(s.claims);
  const claims = !tokenOnly ? s.claims : decode ? claimsOf(s.token) : CLAIMS_NOT_READ;
  const e: EntryRecord = {
    ledgerId,
    seq,
    token: s.token,
    jti: tokenOnly && typeof s.jti === 'string' ? s.jti : typeof claims.jti === 'string' ? claims.jti : '',
    claims,
    appendedAt: s.appendedAt,
    prevHash: s.prevHash,
    entryHash: s.entryHash,
  };
  if (s.receipt !== undefined) e.receipt = s.receipt;
  if (tokenOnly && typeof s.jti === 'string') {
    // Session 6's copies, stored beside the token.
    if (typeof s.wid === 'string') e.wid = s.wid;
    if (typeof s.iss === 'string') e.iss = s.iss;
    if (typeof s.exec_act === 'string') e.exec_act = s.exec_act;
  } else copyClaims(e);
  return e;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

export function copyClaims(e: EntryRecord): void {
  for (const k of ['wid', 'iss', 'exec_act'] as const)
    if (typeof e.claims[k] === 'string') e[k] = e.claims[k];
}

/**
 * Version-2 entry records (sorted by ledger and sequence number) as segments: consecutive entries
 * of a ledger, SEGMENT_SIZE at most, a new segment wherever the sequence numbers jump (so an
 * edited database migrates as it is, and the chain check still finds the gap).
 */
export function segmentsOf(rows: readonly V2EntryRecord[]): SegmentRecord[] {
  const out: SegmentRecord[] = [];
  let seg: SegmentRecord | undefined;
  for (const row of rows) {
    if (
      !seg ||
      seg.ledgerId !== row.ledgerId ||
      seg.lastSeq + 1 !== row.seq ||
      seg.entries.length >= SEGMENT_SIZE
    ) {
      seg = { ledgerId: row.ledgerId, firstSeq: row.seq, lastSeq: row.seq - 1, entries: [] };
      out.push(seg);
    }
    seg.entries.push(migrated(row));
    seg.lastSeq = row.seq;
  }
  return out;
}

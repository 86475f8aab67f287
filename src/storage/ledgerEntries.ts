/**
 * A ledger entry as the app reads it (EntryRecord), and as IndexedDB stored it up to version 4 of
 * the database (StoredEntry, several to a V4SegmentRecord): the migrations of version-2 records
 * into that form and of that form into version 5's columns (segmentColumns.ts).
 */
import { decodeToken, jsonDeeperThan, type LedgerEntry } from 'wimse-ect';
import { columnsOf, HASH_LENGTH, type ColumnEntry, type SegmentRecord } from './segmentColumns.ts';

/** An entry as read: the core's entry plus the ledger it belongs to and copies of some claims. */
export interface EntryRecord extends LedgerEntry {
  ledgerId: string;
  wid?: string;
  iss?: string;
  exec_act?: string;
}

/** An entry as version 4 stored it in its segment (its sequence number is the segment's firstSeq + its index). */
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

/** One IndexedDB record up to version 4: consecutive entries of one ledger, firstSeq to lastSeq. */
export interface V4SegmentRecord {
  ledgerId: string;
  firstSeq: number;
  lastSeq: number;
  entries: StoredEntry[];
}

/** A record of the version-2 `entries` table (one per entry), read once to migrate it. */
export interface V2EntryRecord extends EntryRecord {
  claimsInToken?: true;
}

/** Entries per segment up to version 4 (and in the version-3 migration, which writes that form). */
export const V4_SEGMENT_SIZE = 1000;

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

export function copyClaims(e: EntryRecord): void {
  for (const k of ['wid', 'iss', 'exec_act'] as const)
    if (typeof e.claims[k] === 'string') e[k] = e.claims[k];
}

/**
 * Version-2 entry records (sorted by ledger and sequence number) as segments: consecutive entries
 * of a ledger, V4_SEGMENT_SIZE at most, a new segment wherever the sequence numbers jump (so an
 * edited database migrates as it is, and the chain check still finds the gap).
 */
export function segmentsOf(rows: readonly V2EntryRecord[]): V4SegmentRecord[] {
  const out: V4SegmentRecord[] = [];
  let seg: V4SegmentRecord | undefined;
  for (const row of rows) {
    if (
      !seg ||
      seg.ledgerId !== row.ledgerId ||
      seg.lastSeq + 1 !== row.seq ||
      seg.entries.length >= V4_SEGMENT_SIZE
    ) {
      seg = { ledgerId: row.ledgerId, firstSeq: row.seq, lastSeq: row.seq - 1, entries: [] };
      out.push(seg);
    }
    seg.entries.push(migrated(row));
    seg.lastSeq = row.seq;
  }
  return out;
}

/** The 64 characters stored for a hash: a hash edited to anything else is kept as a stand-in that no hash equals. */
const hashOf = (h: unknown): string =>
  typeof h === 'string' && h.length === HASH_LENGTH ? h : '!'.repeat(HASH_LENGTH);

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function claimsOf(token: string): Record<string, unknown> {
  const d = decodeToken(token);
  return d.ok ? d.decoded.payload : {};
}

/**
 * A version-4 segment as columns (the version-5 migration), whatever its entries hold: an entry
 * edited by hand keeps its values where a column can hold them (a hash that is not 64 characters
 * becomes a stand-in no hash equals, a time that is not a number NaN), so the check still finds it.
 * An entry's stored claims (migrated from version 2) are kept as they are; an entry stored
 * without copies of its claims (claims nested too deep, before session 6) gets them from its
 * token, as reading it did.
 */
export function fromV4(seg: V4SegmentRecord): SegmentRecord {
  const entries: ColumnEntry[] = [];
  const kept: Record<number, Record<string, unknown>> = {};
  const list: unknown[] = Array.isArray(seg.entries) ? seg.entries : [];
  list.forEach((raw, i) => {
    const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<StoredEntry>;
    const token = typeof s.token === 'string' ? s.token : '';
    const claims = typeof s.claims === 'object' && s.claims !== null ? s.claims : {};
    const tokenOnly = s.claimsInToken === true && isEmpty(claims);
    if (!tokenOnly) kept[i] = claims;
    const e: ColumnEntry = {
      token,
      appendedAt: typeof s.appendedAt === 'number' ? s.appendedAt : NaN,
      prevHash: hashOf(s.prevHash),
      entryHash: hashOf(s.entryHash),
      jti: '',
    };
    if (typeof s.receipt === 'string') e.receipt = s.receipt;
    if (tokenOnly) {
      const copies: Partial<StoredEntry> = typeof s.jti === 'string' ? s : claimsOf(token);
      e.jti = typeof copies.jti === 'string' ? copies.jti : '';
      for (const k of ['wid', 'iss', 'exec_act'] as const)
        if (typeof copies[k] === 'string') e[k] = copies[k];
    }
    entries.push(e);
  });
  return { ...columnsOf(seg.ledgerId, seg.firstSeq, entries, kept), lastSeq: seg.lastSeq };
}

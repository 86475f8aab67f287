/**
 * The audit ledger on IndexedDB (ECT-PROFILE.md section 8): several ledgers,
 * each append-only and hash-chained, with receipts when it has a key.
 *
 * Entries are stored several to a record ("segments" of up to SEGMENT_SIZE consecutive entries,
 * keyed [ledgerId, firstSeq]): Chromium's IndexedDB costs about as much per record as hashing an
 * entry, so one record per entry made the write of a large import slower than its verification.
 * Reads turn segments back into one EntryRecord per entry. Since version 5 of the database a segment
 * is columns (segmentColumns.ts): the tokens, copies of jti, wid, iss and exec_act, hashes, times
 * and receipts, each column one value; the claims are decoded from the token when read; a segment
 * edited into another shape is read as far as it can be and reported (segmentRead.ts). Lookups by
 * claim scan the ledger (the app holds all of it in memory anyway).
 *
 * Hashing is synchronous (src/lib/entryHash.ts); signing receipts is an asynchronous WebCrypto
 * call, which an IndexedDB transaction does not wait for by itself (it would commit early): the
 * transaction is kept open across them with Dexie.waitFor, and the batch is
 * hashed a segment at a time, each segment written while the next is hashed. The
 * transaction first checks that the head is still the one this tab knows; if
 * another tab appended meanwhile, we reload and start again (read-write transactions on one store
 * run one after another, so two tabs' segments can never overlap; a segment starting at a
 * sequence number already written fails with a ConstraintError, and the append retries). One
 * transaction per batch: a batch is either all in or not at all.
 */
import { Dexie } from 'dexie';
import type { JWK } from 'jose';
import {
  createCheckpoint,
  GENESIS_HASH,
  MemoryTaskStore,
  taskRecord,
  verifyChain,
  type ChainReport,
  type Ledger,
  type LedgerEntry,
  type LedgerQuery,
  type TaskRecord,
} from 'wimse-ect';
import type { WorkbenchDb } from './db.ts';
import type { EntryRecord } from './ledgerEntries.ts';
import type { LedgerMeta } from './ledgerCatalog.ts';
import { columnsOf, SEGMENT_SIZE } from './segmentColumns.ts';
import { readSegment, withDamage, type SegmentDamage } from './segmentRead.ts';

export {
  CLAIMS_NOT_READ,
  segmentsOf,
  storedClaims,
  type EntryRecord,
  type StoredEntry,
  type V2EntryRecord,
  type V4SegmentRecord,
} from './ledgerEntries.ts';
export { SEGMENT_SIZE, type SegmentRecord } from './segmentColumns.ts';
export { LedgerCatalog, removeOrphanSegments, type LedgerMeta } from './ledgerCatalog.ts';
export { withDamage, type SegmentDamage } from './segmentRead.ts';
export type { AppendOptions } from './ledgerAppend.ts';

/** What a read found: the entries, and what is wrong with the segments they were read from. */
export interface EntriesRead {
  entries: EntryRecord[];
  damage: SegmentDamage[];
}

/** Reads and writes of this many entries or more leave a User Timing measure (`ect.ledger.*`). */
const MEASURED = 10_000;

/** Segments read per request. */
const READ_SEGMENTS = 10;
import { prepareEntries, type AppendOptions } from './ledgerAppend.ts';

/** The ledger was deleted (in this tab or another) before an append could be written. */
export class LedgerDeletedError extends Error {
  constructor(name: string) {
    super(
      `the ledger “${name}” was deleted (perhaps in another tab) before this import was written: nothing was written`,
    );
    this.name = 'LedgerDeletedError';
  }
}

export class LedgerConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerConflictError';
  }
}

const MAX_RETRIES = 20;

export class IndexedDbLedger implements Ledger {
  readonly #db: WorkbenchDb;
  readonly #meta: LedgerMeta;
  /**
   * The task records of the entries this tab knows, for the DAG rules (read from memory, not the
   * database); null until first asked for. Opening a ledger read every entry for them, and the
   * audit that follows read every entry again: 100,000 entries read twice (issue 17).
   */
  #tasks: MemoryTaskStore | null = null;
  #tasksLoaded: Promise<MemoryTaskStore> | null = null;
  #head = { seq: 0, hash: GENESIS_HASH };
  /** Appends from this tab run one after another. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(db: WorkbenchDb, meta: LedgerMeta) {
    this.#db = db;
    this.#meta = meta;
  }

  /** Opens a ledger: its head, read from its last segment (its task records are read when first needed). */
  static async open(db: WorkbenchDb, id: string): Promise<IndexedDbLedger> {
    const meta = await db.ledgers.get(id);
    if (!meta) throw new Error(`no ledger with id ${JSON.stringify(id)}`);
    const ledger = new IndexedDbLedger(db, meta);
    const seq = await ledger.#storedHead();
    if (seq > 0) {
      const last = (await ledger.#read(seq, seq)).entries[0];
      if (last) ledger.#head = { seq: last.seq, hash: last.entryHash };
    }
    return ledger;
  }

  get id(): string {
    return this.#meta.id;
  }

  get name(): string {
    return this.#meta.name;
  }

  async tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]> {
    return (await this.#taskStore()).tasks(jtis);
  }

  /** The task records of the entries up to the head, read once (after this tab's appends and refreshes queued before). */
  #taskStore(): Promise<MemoryTaskStore> {
    if (!this.#tasksLoaded) {
      const load = this.#tail.then(async () => {
        const store = new MemoryTaskStore();
        for (const e of (await this.#read(1, this.#head.seq)).entries) {
          const rec = taskRecord(e.claims);
          if (rec) store.add(rec);
        }
        this.#tasks = store;
        return store;
      });
      this.#tail = load.catch(() => undefined);
      this.#tasksLoaded = load;
      load.catch(() => {
        this.#tasksLoaded = null; // try again when next asked
      });
    }
    return this.#tasksLoaded;
  }

  /** The last entry this tab knows of (0 and the genesis hash when empty). */
  get head(): { seq: number; hash: string } {
    return this.#head;
  }

  get signsReceipts(): boolean {
    return this.#meta.key !== undefined;
  }

  get publicKey(): JWK | undefined {
    return this.#meta.key?.publicJwk;
  }

  /** The entries from `from` to `to` (inclusive), read from the segments that hold them. */
  async #read(from = 1, to = Number.MAX_SAFE_INTEGER, decode = true): Promise<EntriesRead> {
    const out: EntryRecord[] = [];
    const damage: SegmentDamage[] = [];
    // A few segments per request: the page decodes each answer in one task, and 250 segments
    // (250,000 entries) in one answer were a task of seconds (issue 17).
    // Each request starts at the last lastSeq read (segments edited behind the store's back may
    // share one), skipping the segments already read there.
    let lower = from;
    const readAtLower = new Set<number>();
    const t0 = performance.now();
    let decoding = 0;
    for (;;) {
      const limit = READ_SEGMENTS + readAtLower.size;
      const segments = await this.#db.segments
        .where('[ledgerId+lastSeq]')
        .between([this.id, lower], [this.id, Infinity], true, true)
        .until((s) => s.firstSeq > to)
        .limit(limit)
        .toArray();
      const d0 = performance.now();
      for (const s of segments) {
        if (s.lastSeq === lower && readAtLower.has(s.firstSeq)) continue;
        const d = readSegment(s, this.id, from, to, decode, out);
        if (d) damage.push(d);
      }
      decoding += performance.now() - d0;
      if (segments.length < limit) break;
      const last = segments[segments.length - 1]!.lastSeq;
      if (last !== lower) readAtLower.clear();
      lower = last;
      for (const s of segments) if (s.lastSeq === last) readAtLower.add(s.firstSeq);
    }
    if (out.length >= MEASURED) {
      // For DevTools and the bench: a large read's time, and this thread's part of it.
      performance.measure('ect.ledger.read', { start: t0, end: performance.now() });
      performance.measure('ect.ledger.read_decode', { start: t0, duration: decoding });
    }
    return { entries: out, damage };
  }

  /** The last sequence number stored (0 when the ledger is empty), read from the index alone. */
  async #storedHead(): Promise<number> {
    const keys = await this.#db.segments
      .where('[ledgerId+lastSeq]')
      .between([this.id, -Infinity], [this.id, Infinity], true, true)
      .reverse()
      .limit(1)
      .keys();
    const last = keys[0] as unknown as [string, number] | undefined;
    return last?.[1] ?? 0;
  }

  /**
   * Reads entries appended since we last looked (by another tab, or before open). Queued behind this
   * tab's appends, so a refresh never reads a batch between its commit and the head update (which
   * would index that batch twice).
   */
  refresh(): Promise<number> {
    const run = this.#tail.then(() => this.#refresh());
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #refresh(): Promise<number> {
    const { entries: fresh } = await this.#read(this.#head.seq + 1);
    for (const e of fresh) {
      const rec = this.#tasks && taskRecord(e.claims);
      if (rec) this.#tasks!.add(rec);
      this.#head = { seq: e.seq, hash: e.entryHash };
    }
    return fresh.length;
  }

  append(token: string, claims: Record<string, unknown>, opts: AppendOptions = {}): Promise<LedgerEntry> {
    return this.appendBatch([{ token, claims }], opts).then((entries) => entries[0]!);
  }

  /**
   * Appends tokens the caller has verified, all in one transaction (all or nothing).
   * `signal` cancels the append until its last entry is prepared (the promise then rejects with
   * the signal's reason and nothing is written); `onProgress` reports the hashing (and signing)
   * of the batch, written as it goes and committed once all of it is prepared.
   */
  appendBatch(
    items: readonly { token: string; claims: Record<string, unknown> }[],
    opts: AppendOptions = {},
  ): Promise<EntryRecord[]> {
    const run = this.#tail.then(() => this.#appendBatch(items, opts.now ?? Date.now(), opts));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #appendBatch(
    items: readonly { token: string; claims: Record<string, unknown> }[],
    now: number,
    opts: AppendOptions,
  ): Promise<EntryRecord[]> {
    if (!items.length) return [];
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const base = this.#head;
      opts.signal?.throwIfAborted();
      let batch: EntryRecord[];
      try {
        // The ledger's record is in the transaction's scope: a delete (which takes both stores)
        // runs wholly before it, and is then seen here, or wholly after it, and then takes the
        // batch with it. Never a batch written under a ledger that no longer exists.
        batch = await this.#db.transaction('rw', this.#db.ledgers, this.#db.segments, async () => {
          if (!(await this.#db.ledgers.get(this.id))) throw new LedgerDeletedError(this.name);
          if ((await this.#storedHead()) !== base.seq) throw new StaleHead();
          return this.#write(items, base, now, opts);
        });
      } catch (e) {
        const stale = e instanceof StaleHead || (e instanceof Error && e.name === 'ConstraintError');
        if (!stale) throw e;
        await this.#refresh(); // another tab appended first: chain onto its entries
        continue;
      }
      for (const e of batch) {
        const rec = this.#tasks && taskRecord(e.claims);
        if (rec) this.#tasks!.add(rec);
      }
      const end = batch[batch.length - 1]!;
      this.#head = { seq: end.seq, hash: end.entryHash };
      return batch;
    }
    throw new LedgerConflictError(
      `the ledger kept changing under this append (${MAX_RETRIES} tries); nothing was written`,
    );
  }

  /**
   * Inside the transaction: the batch is hashed (and signed) a segment at a time, each segment
   * handed to IndexedDB while the next is prepared, so the database writes while this thread
   * hashes. Dexie.waitFor keeps the transaction open across those WebCrypto calls.
   */
  async #write(
    items: readonly { token: string; claims: Record<string, unknown> }[],
    base: { seq: number; hash: string },
    now: number,
    opts: AppendOptions,
  ): Promise<EntryRecord[]> {
    const out: EntryRecord[] = [];
    const writes: Promise<unknown>[] = [];
    let prev = base.hash;
    const t0 = performance.now();
    let storing = 0;
    try {
      for (let start = 0; start < items.length; start += SEGMENT_SIZE) {
        const end = Math.min(items.length, start + SEGMENT_SIZE);
        const chunk = await Dexie.waitFor(
          prepareEntries(this.id, this.#meta.key, items, start, end, base.seq, prev, now, opts),
        );
        prev = chunk[chunk.length - 1]!.entryHash;
        for (const e of chunk) out.push(e);
        const s0 = performance.now();
        // IndexedDB clones the record within this call: its cost is this thread's.
        const write = this.#db.segments.add(columnsOf(this.id, chunk[0]!.seq, chunk));
        storing += performance.now() - s0;
        write.catch(() => undefined); // awaited below; the transaction fails with it anyway
        writes.push(write);
      }
      if (items.length >= MEASURED)
        performance.measure('ect.ledger.write_store', { start: t0, duration: storing });
      opts.onProgress?.(items.length, items.length);
      await Promise.all(writes);
    } catch (e) {
      // A write that failed is the cause (a quota error, an abort): what came after it in the
      // finished transaction fails only because of it.
      for (const r of await Promise.allSettled(writes)) if (r.status === 'rejected') throw r.reason;
      throw e;
    }
    return out;
  }

  async size(): Promise<number> {
    return this.#storedHead();
  }

  async entries(from = 1, to = Number.MAX_SAFE_INTEGER): Promise<EntryRecord[]> {
    return (await this.#read(from, to)).entries;
  }

  /**
   * The entries from `from` on, for the ledger check: their claims CLAIMS_NOT_READ where only the
   * token is stored, until the check's `onClaims` sets them (pass `storedClaims` to the check);
   * and what is wrong with the segments they are stored in, which the check cannot see (add it to
   * its report: `withDamage`).
   */
  entriesToCheck(from = 1): Promise<EntriesRead> {
    return this.#read(from, Number.MAX_SAFE_INTEGER, false);
  }

  async byJti(jti: string): Promise<EntryRecord[]> {
    return (await this.entries()).filter((e) => e.jti === jti);
  }

  async query(q: LedgerQuery): Promise<EntryRecord[]> {
    return (await this.entries()).filter(
      (e) =>
        (q.wid === undefined || e.wid === q.wid) &&
        (q.iss === undefined || e.iss === q.iss) &&
        (q.exec_act === undefined || e.exec_act === q.exec_act) &&
        (q.from === undefined || e.appendedAt >= q.from) &&
        (q.to === undefined || e.appendedAt <= q.to),
    );
  }

  /** The core's ledger check over every entry as stored, receipts under the key the ledger declares, with the segments' damage. */
  async verifyChain(): Promise<ChainReport> {
    const { entries, damage } = await this.#read();
    return withDamage(await verifyChain(entries, this.#meta.key?.publicJwk), damage);
  }

  /**
   * A checkpoint of the ledger at `size` entries with head `head`, signed by the ledger key (null
   * for a ledger without one). Sign only a state the check found intact.
   */
  checkpoint(size: number, head: string): Promise<string> | null {
    return this.#meta.key ? createCheckpoint({ size, head }, this.#meta.key) : null;
  }
}

class StaleHead extends Error {}

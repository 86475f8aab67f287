/**
 * The audit ledger on IndexedDB (ECT-PROFILE.md section 8): several ledgers,
 * each append-only and hash-chained, with receipts when it has a key.
 *
 * Hashing and signing are asynchronous WebCrypto calls, which IndexedDB
 * transactions cannot wait for (they would commit early). So a batch is
 * prepared outside the transaction against the head we know, and the
 * transaction only checks that the head is still that one before writing
 * the whole batch; if another tab appended meanwhile, we reload and prepare
 * again. One transaction per batch: a batch is either all in or not at all.
 */
import { Dexie } from 'dexie';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import {
  computeEntryHash,
  GENESIS_HASH,
  MemoryTaskIndex,
  signReceipt,
  taskRecord,
  verifyChain,
  type ChainReport,
  type Ledger,
  type LedgerEntry,
  type LedgerKey,
  type LedgerQuery,
  type TaskIndex,
} from '../ect/index.ts';
import type { WorkbenchDb } from './db.ts';

export interface LedgerMeta {
  id: string;
  name: string;
  createdAt: number;
  /** The ledger's own signing key: with it, every append gets a receipt (L3). */
  key?: LedgerKey;
}

/** A stored entry: the core's entry plus the ledger it belongs to and indexed claim copies. */
export interface EntryRecord extends LedgerEntry {
  ledgerId: string;
  wid?: string;
  iss?: string;
  exec_act?: string;
}

export class LedgerConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerConflictError';
  }
}

const MAX_RETRIES = 20;
const PROGRESS_EVERY = 250;

export interface AppendOptions {
  /** Unix milliseconds recorded as the append time (default: now). */
  now?: number;
  /** Cancels the append until its write starts; nothing is written then. */
  signal?: AbortSignal;
  /** Progress of preparing the batch (hashes, receipts), before the one write. */
  onProgress?: (done: number, total: number) => void;
}

export class IndexedDbLedger implements Ledger {
  readonly #db: WorkbenchDb;
  readonly #meta: LedgerMeta;
  #index = new MemoryTaskIndex();
  #head = { seq: 0, hash: GENESIS_HASH };
  /** Appends from this tab run one after another. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(db: WorkbenchDb, meta: LedgerMeta) {
    this.#db = db;
    this.#meta = meta;
  }

  /** Opens a ledger and loads its task index (the DAG rules need it synchronously). */
  static async open(db: WorkbenchDb, id: string): Promise<IndexedDbLedger> {
    const meta = await db.ledgers.get(id);
    if (!meta) throw new Error(`no ledger with id ${JSON.stringify(id)}`);
    const ledger = new IndexedDbLedger(db, meta);
    await ledger.#refresh();
    return ledger;
  }

  get id(): string {
    return this.#meta.id;
  }

  get name(): string {
    return this.#meta.name;
  }

  get index(): TaskIndex {
    return this.#index;
  }

  get signsReceipts(): boolean {
    return this.#meta.key !== undefined;
  }

  get publicKey(): JWK | undefined {
    return this.#meta.key?.publicJwk;
  }

  #range(from = 1, to = Number.MAX_SAFE_INTEGER) {
    return this.#db.entries.where('[ledgerId+seq]').between([this.id, from], [this.id, to], true, true);
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
    const fresh = await this.#range(this.#head.seq + 1).toArray();
    for (const e of fresh) {
      const rec = taskRecord(e.claims);
      if (rec) this.#index.add(rec);
      this.#head = { seq: e.seq, hash: e.entryHash };
    }
    return fresh.length;
  }

  append(token: string, claims: Record<string, unknown>, opts: AppendOptions = {}): Promise<LedgerEntry> {
    return this.appendBatch([{ token, claims }], opts).then((entries) => entries[0]!);
  }

  /**
   * Appends tokens the caller has verified, all in one transaction (all or nothing).
   * `signal` cancels the append until the write starts (the promise then rejects with the
   * signal's reason and nothing is written); `onProgress` reports the hashing (and signing)
   * of the batch, which comes before the write.
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
      const batch = await this.#prepare(items, base, now, opts);
      opts.signal?.throwIfAborted();
      try {
        await this.#db.transaction('rw', this.#db.entries, async () => {
          const last = await this.#range().last();
          if ((last?.seq ?? 0) !== base.seq) throw new StaleHead();
          await this.#db.entries.bulkAdd(batch);
        });
      } catch (e) {
        const stale =
          e instanceof StaleHead ||
          (e instanceof Dexie.BulkError && e.failures.some((f) => f.name === 'ConstraintError'));
        if (!stale) throw e;
        await this.#refresh(); // another tab appended first: chain onto its entries
        continue;
      }
      for (const e of batch) {
        const rec = taskRecord(e.claims);
        if (rec) this.#index.add(rec);
      }
      const end = batch[batch.length - 1]!;
      this.#head = { seq: end.seq, hash: end.entryHash };
      return batch;
    }
    throw new LedgerConflictError(
      `the ledger kept changing under this append (${MAX_RETRIES} tries); nothing was written`,
    );
  }

  async #prepare(
    items: readonly { token: string; claims: Record<string, unknown> }[],
    base: { seq: number; hash: string },
    now: number,
    opts: AppendOptions,
  ): Promise<EntryRecord[]> {
    const out: EntryRecord[] = [];
    let prev = base.hash;
    for (let i = 0; i < items.length; i++) {
      if (i % PROGRESS_EVERY === 0) {
        opts.signal?.throwIfAborted();
        if (i) opts.onProgress?.(i, items.length);
      }
      const { token, claims } = items[i]!;
      const entry: EntryRecord = {
        ledgerId: this.id,
        seq: base.seq + i + 1,
        token,
        jti: typeof claims.jti === 'string' ? claims.jti : '',
        claims,
        appendedAt: now,
        prevHash: prev,
        entryHash: await computeEntryHash(prev, token),
      };
      for (const k of ['wid', 'iss', 'exec_act'] as const)
        if (typeof claims[k] === 'string') entry[k] = claims[k];
      if (this.#meta.key) entry.receipt = await signReceipt(entry, this.#meta.key);
      out.push(entry);
      prev = entry.entryHash;
    }
    opts.onProgress?.(items.length, items.length);
    return out;
  }

  async size(): Promise<number> {
    return this.#range().count();
  }

  async entries(from = 1, to = Number.MAX_SAFE_INTEGER): Promise<EntryRecord[]> {
    return this.#range(from, to).toArray();
  }

  async byJti(jti: string): Promise<EntryRecord[]> {
    return this.#db.entries.where('[ledgerId+jti]').equals([this.id, jti]).toArray();
  }

  async query(q: LedgerQuery): Promise<EntryRecord[]> {
    // Use the most selective index given, then filter on the rest.
    let coll;
    if (q.wid !== undefined) coll = this.#db.entries.where('[ledgerId+wid]').equals([this.id, q.wid]);
    else if (q.iss !== undefined) coll = this.#db.entries.where('[ledgerId+iss]').equals([this.id, q.iss]);
    else if (q.exec_act !== undefined)
      coll = this.#db.entries.where('[ledgerId+exec_act]').equals([this.id, q.exec_act]);
    else {
      coll = this.#db.entries
        .where('[ledgerId+appendedAt]')
        .between([this.id, q.from ?? -Infinity], [this.id, q.to ?? Infinity], true, true);
    }
    const rows = await coll.toArray();
    return rows
      .filter(
        (e) =>
          (q.wid === undefined || e.wid === q.wid) &&
          (q.iss === undefined || e.iss === q.iss) &&
          (q.exec_act === undefined || e.exec_act === q.exec_act) &&
          (q.from === undefined || e.appendedAt >= q.from) &&
          (q.to === undefined || e.appendedAt <= q.to),
      )
      .sort((a, b) => a.seq - b.seq);
  }

  async verifyChain(): Promise<ChainReport> {
    const key = this.#meta.key ? await publicCryptoKey(this.#meta.key.publicJwk) : undefined;
    return verifyChain(await this.entries(), key);
  }
}

class StaleHead extends Error {}

async function publicCryptoKey(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK(jwk, 'ES256')) as CryptoKey;
}

/** The list of ledgers: create, rename, delete (with their entries). */
export class LedgerCatalog {
  constructor(private readonly db: WorkbenchDb) {}

  list(): Promise<LedgerMeta[]> {
    return this.db.ledgers.orderBy('createdAt').toArray();
  }

  async create(name: string, opts: { key?: LedgerKey } = {}): Promise<LedgerMeta> {
    const meta: LedgerMeta = {
      id: crypto.randomUUID(),
      name: name.trim() || 'Untitled ledger',
      createdAt: Date.now(),
    };
    if (opts.key) meta.key = opts.key;
    await this.db.ledgers.add(meta);
    return meta;
  }

  async rename(id: string, name: string): Promise<void> {
    await this.db.ledgers.update(id, { name: name.trim() });
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction('rw', this.db.ledgers, this.db.entries, async () => {
      await this.db.entries.where('[ledgerId+seq]').between([id, Dexie.minKey], [id, Dexie.maxKey]).delete();
      await this.db.ledgers.delete(id);
    });
  }
}

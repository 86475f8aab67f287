/**
 * The audit ledger interface (ECT-PROFILE.md section 8) and its in-memory
 * implementation. The IndexedDB ledger of the app implements the same
 * interface in src/storage/.
 */
import { computeEntryHash, GENESIS_HASH, signReceipt, type LedgerEntry, type LedgerKey } from './chain.ts';
import { verifyChain, type ChainReport } from './ledgerCheck.ts';
import { MemoryTaskStore, taskRecord, type TaskRecord, type TaskStore } from './dag.ts';

/** What {@link Ledger.query} selects: every given field must match. */
export interface LedgerQuery {
  wid?: string;
  iss?: string;
  exec_act?: string;
  /** Appended at or after, Unix ms. */
  from?: number;
  /** Appended at or before, Unix ms. */
  to?: number;
}

/**
 * The audit ledger (ECT-PROFILE.md section 8): append-only, hash-chained, with signed receipts
 * when it has a key. Asynchronous, so that a database can back it. It is also the store of
 * accepted tasks for the DAG rules ({@link TaskStore}): `verifyToken` uses it as such when given
 * no `store`.
 */
export interface Ledger extends TaskStore {
  /** True when every append returns a signed receipt (what makes a token L3). */
  readonly signsReceipts: boolean;
  /** Appends a token that the caller has verified; returns the entry with its hash (and receipt). */
  append(token: string, claims: Record<string, unknown>, opts?: { now?: number }): Promise<LedgerEntry>;
  /** The number of entries. */
  size(): Promise<number>;
  /** All entries in order, or those with `from <= seq <= to`. */
  entries(from?: number, to?: number): Promise<LedgerEntry[]>;
  /** The entries of the tasks with this `jti` (several when copies were appended). */
  byJti(jti: string): Promise<LedgerEntry[]>;
  /** The entries matching every field of `q`, in order. */
  query(q: LedgerQuery): Promise<LedgerEntry[]>;
  /** The hash chain, sequence and receipts checked (ledgerCheck.ts): every problem at its entry. */
  verifyChain(): Promise<ChainReport>;
}

/** Whether an entry matches every field of a {@link LedgerQuery}. */
export function matchesQuery(e: LedgerEntry, q: LedgerQuery): boolean {
  const c = e.claims;
  return (
    (q.wid === undefined || c.wid === q.wid) &&
    (q.iss === undefined || c.iss === q.iss) &&
    (q.exec_act === undefined || c.exec_act === q.exec_act) &&
    (q.from === undefined || e.appendedAt >= q.from) &&
    (q.to === undefined || e.appendedAt <= q.to)
  );
}

/**
 * The in-memory {@link Ledger}, the default: hash chain, receipts when given a key (then its
 * entries are L3), look-ups, and the task store for the DAG rules.
 */
export class MemoryLedger implements Ledger {
  readonly #entries: LedgerEntry[] = [];
  readonly #tasks = new MemoryTaskStore();
  readonly #key: LedgerKey | undefined;
  /** Appends are chained one after another even when callers do not await. */
  #tail: Promise<unknown> = Promise.resolve();

  /** `key`: the ledger's own signing key; with it, every append returns a signed receipt. */
  constructor(opts: { key?: LedgerKey } = {}) {
    this.#key = opts.key;
  }

  tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]> {
    return this.#tasks.tasks(jtis);
  }

  /** What {@link MemoryLedger.tasks} resolves to, at once: for callers in a synchronous context. */
  tasksNow(jtis: readonly string[]): TaskRecord[] {
    return this.#tasks.tasksNow(jtis);
  }

  get signsReceipts(): boolean {
    return this.#key !== undefined;
  }

  append(token: string, claims: Record<string, unknown>, opts: { now?: number } = {}): Promise<LedgerEntry> {
    const run = this.#tail.then(() => this.#append(token, claims, opts.now ?? Date.now()));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #append(token: string, claims: Record<string, unknown>, now: number): Promise<LedgerEntry> {
    const prevHash = this.#entries.at(-1)?.entryHash ?? GENESIS_HASH;
    const entry: LedgerEntry = {
      seq: this.#entries.length + 1,
      token,
      jti: typeof claims.jti === 'string' ? claims.jti : '',
      claims,
      appendedAt: now,
      prevHash,
      entryHash: await computeEntryHash(prevHash, token),
    };
    if (this.#key) entry.receipt = await signReceipt(entry, this.#key);
    this.#entries.push(entry);
    const rec = taskRecord(claims);
    if (rec) this.#tasks.add(rec);
    return entry;
  }

  async size(): Promise<number> {
    return this.#entries.length;
  }

  async entries(from = 1, to = Number.MAX_SAFE_INTEGER): Promise<LedgerEntry[]> {
    return this.#entries.slice(Math.max(0, from - 1), Math.max(0, to));
  }

  async byJti(jti: string): Promise<LedgerEntry[]> {
    return this.#entries.filter((e) => e.jti === jti);
  }

  async query(q: LedgerQuery): Promise<LedgerEntry[]> {
    return this.#entries.filter((e) => matchesQuery(e, q));
  }

  /** The one ledger check (ledgerCheck.ts) over every entry, receipts under the ledger's key. */
  verifyChain(): Promise<ChainReport> {
    return verifyChain(this.#entries, this.#key?.publicJwk);
  }
}

/**
 * The workbench's IndexedDB database (through Dexie). Everything the app
 * keeps lives here, in the user's browser only. Each table's record type is
 * declared beside the code that owns it; schema changes add a version.
 */
import { Dexie, type DexieOptions, type EntityTable, type Table } from 'dexie';
import type { StoredKey } from './keys.ts';
import { removeOrphanSegments, type LedgerMeta } from './ledgerCatalog.ts';
import { segmentsOf, type SegmentRecord, type V2EntryRecord, type V4SegmentRecord } from './ledger.ts';
import { fromV4 } from './ledgerEntries.ts';

export interface MetaRecord {
  key: string;
  value: unknown;
}

export class WorkbenchDb extends Dexie {
  keys!: EntityTable<StoredKey, 'id'>;
  meta!: EntityTable<MetaRecord, 'key'>;
  ledgers!: EntityTable<LedgerMeta, 'id'>;
  /**
   * A ledger's entries, several to a record (IndexedDB's cost is per record, not per byte): primary
   * key [ledgerId, firstSeq], so two tabs can never both write a segment starting at one sequence
   * number; [ledgerId+lastSeq] finds the segments holding a range, and the head.
   */
  segments!: Table<SegmentRecord, [string, number]>;

  /** `options` lets unit tests pass fake-indexeddb's `indexedDB` and `IDBKeyRange`. */
  constructor(name = 'ect-workbench', options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      keys: 'id, kid, issuer, createdAt',
      meta: 'key',
    });
    this.version(2).stores({
      ledgers: 'id, name, createdAt',
      entries:
        '[ledgerId+seq], [ledgerId+jti], [ledgerId+wid], [ledgerId+iss], [ledgerId+exec_act], [ledgerId+appendedAt]',
    });
    // Version 3: one record per entry (five compound indexes each) became segments of entries.
    this.version(3)
      .stores({ entries: null, segments: '[ledgerId+firstSeq], [ledgerId+lastSeq]' })
      .upgrade(async (tx) => {
        const rows = await tx.table<V2EntryRecord>('entries').orderBy('[ledgerId+seq]').toArray();
        await tx.table<V4SegmentRecord>('segments').bulkAdd(segmentsOf(rows));
      });
    // Version 4: entries of ledgers that no longer exist are removed. Before it, a ledger deleted in
    // one tab while another imported into it kept the import's segments, invisible and undeletable.
    this.version(4)
      .stores({})
      .upgrade((tx) => removeOrphanSegments(tx.table('ledgers'), tx.table('segments')));
    // Version 5: a segment's entries as columns (segmentColumns.ts), not an object each: IndexedDB's
    // structured clone costs per value, and 1,000 entries were ~11,000 values a record (issue 17).
    // A record that is not version 4's form (edited by hand) is left as it is: reading it says so.
    this.version(5)
      .stores({})
      .upgrade((tx) =>
        tx
          .table<V4SegmentRecord | SegmentRecord>('segments')
          .toCollection()
          .modify((seg, ctx) => {
            if ('entries' in seg && Array.isArray(seg.entries) && !('tokens' in seg)) ctx.value = fromV4(seg);
          }),
      );
  }
}

let shared: WorkbenchDb | undefined;
const blockedListeners = new Set<(blocked: boolean) => void>();

/**
 * Called with true when opening (upgrading) the database waits for another tab that still holds
 * an older version open, and with false once it opened. Without this the app would just wait.
 */
export function onDatabaseBlocked(listener: (blocked: boolean) => void): () => void {
  blockedListeners.add(listener);
  return () => blockedListeners.delete(listener);
}

/** The app's one database connection, opened on first use. */
export function workbenchDb(): WorkbenchDb {
  if (!shared) {
    shared = new WorkbenchDb();
    shared.on('blocked', () => blockedListeners.forEach((l) => l(true)));
    shared.on('ready', () => blockedListeners.forEach((l) => l(false)));
  }
  return shared;
}

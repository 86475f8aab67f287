/**
 * The list of ledgers (create, rename, delete with their entries) and the clean-up of entries left
 * without their ledger. Split from ledger.ts, which keeps one ledger's entries.
 */
import type { Table } from 'dexie';
import type { LedgerKey } from 'wimse-ect';
import type { WorkbenchDb } from './db.ts';
import type { SegmentRecord } from './segmentColumns.ts';

export interface LedgerMeta {
  id: string;
  name: string;
  createdAt: number;
  /** The ledger's own signing key: with it, every append gets a receipt (L3). */
  key?: LedgerKey;
}

/**
 * Deletes the segments of ledgers that no longer exist (what an import racing a delete left before
 * version 4 of the database); returns how many. Reads primary keys only, not the entries.
 */
export async function removeOrphanSegments(
  ledgers: { toCollection(): { primaryKeys(): PromiseLike<string[]> } },
  segments: Table<SegmentRecord, [string, number]>,
): Promise<number> {
  const known = new Set(await ledgers.toCollection().primaryKeys());
  const keys = await segments.toCollection().primaryKeys();
  const orphans = keys.filter(([ledgerId]) => !known.has(ledgerId));
  if (orphans.length) await segments.bulkDelete(orphans);
  return orphans.length;
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
    await this.db.transaction('rw', this.db.ledgers, this.db.segments, async () => {
      await this.db.segments
        .where('[ledgerId+firstSeq]')
        .between([id, -Infinity], [id, Infinity], true, true)
        .delete();
      await this.db.ledgers.delete(id);
    });
  }
}

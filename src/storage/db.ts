/**
 * The workbench's IndexedDB database (through Dexie). Everything the app
 * keeps lives here, in the user's browser only. Each table's record type is
 * declared beside the code that owns it; schema changes add a version.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { StoredKey } from './keys.ts';

export interface MetaRecord {
  key: string;
  value: unknown;
}

export class WorkbenchDb extends Dexie {
  keys!: EntityTable<StoredKey, 'id'>;
  meta!: EntityTable<MetaRecord, 'key'>;

  constructor(name = 'ect-workbench') {
    super(name);
    this.version(1).stores({
      keys: 'id, kid, issuer, createdAt',
      meta: 'key',
    });
  }
}

let shared: WorkbenchDb | undefined;

/** The app's one database connection, opened on first use. */
export function workbenchDb(): WorkbenchDb {
  shared ??= new WorkbenchDb();
  return shared;
}

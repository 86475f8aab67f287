/**
 * The ledgers: the app-wide view of the IndexedDB ledgers (src/storage/ledger.ts),
 * the one that is open, its entries, its chain check and its whole-set audit.
 * The Ledger tab imports into it; the Graph tab draws its audit.
 */
import { create } from 'zustand';
import {
  auditTokens,
  decodeToken,
  generateSigningKey,
  serializeTrustStore,
  splitInput,
  type AuditReport,
  type ChainReport,
} from '../ect/index.ts';
import { workbenchDb } from '../storage/db.ts';
import { IndexedDbLedger, LedgerCatalog, type EntryRecord, type LedgerMeta } from '../storage/ledger.ts';
import { useKeyring } from './keyring.ts';
import { useVerifierSettings } from './verifierSettings.ts';

export interface ImportProgress {
  phase: 'reading' | 'hashing' | 'writing' | 'auditing';
  done: number;
  total: number;
}

export interface ImportResult {
  added: number;
  /** Pieces of the input that are not tokens at all (kept out of the ledger), with why. */
  skipped: { index: number; message: string }[];
}

/** The export bundle: everything needed to re-check a ledger offline (`ect audit` reads it too). */
export interface LedgerBundle {
  format: 'ect-workbench-ledger';
  version: 1;
  name: string;
  exportedAt: string;
  head: { seq: number; entryHash: string };
  /** Public keys of the trust store at export time. */
  trust: unknown;
  ledgerKey?: unknown;
  entries: {
    seq: number;
    token: string;
    appendedAt: number;
    prevHash: string;
    entryHash: string;
    receipt?: string;
  }[];
}

export interface LedgersState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  ledgers: LedgerMeta[];
  currentId: string | null;
  entries: EntryRecord[];
  chain: ChainReport | null;
  audit: AuditReport | null;
  progress: ImportProgress | null;
  load(): Promise<void>;
  select(id: string): Promise<void>;
  create(name: string, opts?: { signReceipts?: boolean }): Promise<LedgerMeta>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
  /**
   * Appends every token of `text` (any input form, or a bundle) to the open
   * ledger in one transaction: all or nothing. Cancellable until the write.
   */
  importText(text: string, opts?: { signal?: AbortSignal }): Promise<ImportResult>;
  /** Re-reads the entries (another tab may have appended), re-checks the chain and re-audits. */
  refresh(): Promise<void>;
  exportBundle(): Promise<LedgerBundle>;
}

const catalog = () => new LedgerCatalog(workbenchDb());
let open: IndexedDbLedger | null = null;

export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled: nothing was written');
    this.name = 'ImportCancelled';
  }
}

export const useLedgers = create<LedgersState>()((set, get) => {
  const fail = (e: unknown) => {
    set({ error: e instanceof Error ? e.message : String(e) });
    throw e;
  };

  const reaudit = async () => {
    if (!open) return set({ entries: [], chain: null, audit: null });
    await open.refresh();
    const entries = await open.entries();
    const chain = await open.verifyChain();
    set({ entries, chain, progress: { phase: 'auditing', done: 0, total: entries.length } });
    const { settings } = useVerifierSettings.getState();
    const audit = await auditTokens(
      entries.map((e) => e.token),
      {
        trust: useKeyring.getState().trust,
        settings,
        onProgress: (done, total) => {
          if (done % 500 === 0 || done === total) set({ progress: { phase: 'auditing', done, total } });
        },
      },
    );
    set({ audit, progress: null });
  };

  return {
    status: 'idle',
    error: null,
    ledgers: [],
    currentId: null,
    entries: [],
    chain: null,
    audit: null,
    progress: null,

    async load() {
      set({ status: 'loading' });
      try {
        let ledgers = await catalog().list();
        if (!ledgers.length) ledgers = [await catalog().create('My first ledger')];
        set({ ledgers, status: 'ready', error: null });
        const current = get().currentId;
        await get().select(current && ledgers.some((l) => l.id === current) ? current : ledgers[0]!.id);
      } catch (e) {
        set({
          status: 'error',
          error: `the ledgers (IndexedDB) could not be opened: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    },

    async select(id) {
      try {
        open = await IndexedDbLedger.open(workbenchDb(), id);
        set({ currentId: id, audit: null, chain: null, entries: [], error: null });
        await reaudit();
      } catch (e) {
        fail(e);
      }
    },

    async create(name, opts = {}) {
      try {
        let key;
        if (opts.signReceipts) {
          const k = await generateSigningKey({ kid: `ledger-${crypto.randomUUID().slice(0, 8)}` });
          key = { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
        }
        const meta = await catalog().create(name, key ? { key } : {});
        set({ ledgers: await catalog().list() });
        await get().select(meta.id);
        return meta;
      } catch (e) {
        return fail(e);
      }
    },

    async rename(id, name) {
      await catalog().rename(id, name).catch(fail);
      set({ ledgers: await catalog().list() });
    },

    async remove(id) {
      await catalog().remove(id).catch(fail);
      if (get().currentId === id) set({ currentId: null });
      await get().load();
    },

    async importText(text, opts = {}) {
      if (!open) throw new Error('no ledger is open');
      const ledger = open;
      const check = () => {
        if (opts.signal?.aborted) throw new ImportCancelled();
      };
      try {
        const { tokens } = splitInput(text);
        set({ progress: { phase: 'reading', done: 0, total: tokens.length }, error: null });
        const items: { token: string; claims: Record<string, unknown> }[] = [];
        const skipped: ImportResult['skipped'] = [];
        for (let i = 0; i < tokens.length; i++) {
          const d = decodeToken(tokens[i]!);
          // Tokens that decode are kept whatever their defects (the audit shows them);
          // text that is not a token at all has no place in a ledger.
          if (d.ok) items.push({ token: d.decoded.token, claims: d.decoded.payload });
          else skipped.push({ index: i, message: d.problem.message });
          if (i % 1000 === 999) {
            set({ progress: { phase: 'reading', done: i + 1, total: tokens.length } });
            await new Promise((r) => setTimeout(r, 0));
            check();
          }
        }
        check();
        set({ progress: { phase: 'writing', done: 0, total: items.length } });
        await ledger.appendBatch(items);
        set({ progress: { phase: 'writing', done: items.length, total: items.length } });
        await reaudit();
        return { added: items.length, skipped };
      } catch (e) {
        set({ progress: null });
        return fail(e);
      }
    },

    refresh: () => reaudit().catch(fail),

    async exportBundle() {
      if (!open) throw new Error('no ledger is open');
      const entries = await open.entries();
      const meta = get().ledgers.find((l) => l.id === open!.id);
      const last = entries[entries.length - 1];
      return {
        format: 'ect-workbench-ledger',
        version: 1,
        name: meta?.name ?? open.name,
        exportedAt: new Date().toISOString(),
        head: { seq: last?.seq ?? 0, entryHash: last?.entryHash ?? '0'.repeat(64) },
        trust: serializeTrustStore(useKeyring.getState().trust),
        ...(open.publicKey ? { ledgerKey: open.publicKey } : {}),
        entries: entries.map((e) => ({
          seq: e.seq,
          token: e.token,
          appendedAt: e.appendedAt,
          prevHash: e.prevHash,
          entryHash: e.entryHash,
          ...(e.receipt ? { receipt: e.receipt } : {}),
        })),
      };
    },
  };
});

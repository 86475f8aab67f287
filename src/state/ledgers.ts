/**
 * The ledgers: the app-wide view of the IndexedDB ledgers (src/storage/ledger.ts),
 * the one that is open, its entries, its chain check and its whole-set audit.
 * The Ledger tab imports into it; the Graph tab draws its audit.
 */
import { create } from 'zustand';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import {
  auditReports,
  computeEntryHash,
  decodeToken,
  GENESIS_HASH,
  verifyReceipt,
  generateSigningKey,
  serializeTrustStore,
  splitInput,
  type AuditReport,
  type ChainBreak,
  type ChainReport,
  type JsonObject,
  type Settings,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import { workbenchDb } from '../storage/db.ts';
import { MIN_FOR_WORKERS, verifyStoredReports, verifyWorkerCount } from '../workers/verifyPool.ts';
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
  /**
   * Cheap check for appends by another tab: reads only entries past the known head and
   * re-audits when there are any. Returns whether anything was new. Does nothing while an
   * import runs.
   */
  sync(): Promise<boolean>;
  exportBundle(): Promise<LedgerBundle>;
}

const catalog = () => new LedgerCatalog(workbenchDb());

const CURRENT_LEDGER_KEY = 'currentLedgerId';
async function rememberedLedger(): Promise<string | null> {
  const rec = await workbenchDb().meta.get(CURRENT_LEDGER_KEY);
  return typeof rec?.value === 'string' ? rec.value : null;
}
/** Best effort: failing to remember which ledger was open loses nothing. */
function rememberLedger(id: string): void {
  void workbenchDb()
    .meta.put({ key: CURRENT_LEDGER_KEY, value: id })
    .catch(() => undefined);
}
let open: IndexedDbLedger | null = null;

export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled: nothing was written');
    this.name = 'ImportCancelled';
  }
}

/**
 * Lets the page paint and take input between chunks of work: a message round trip, not
 * setTimeout(0), which browsers stretch to 4 ms once timers nest.
 */
function yieldToPage(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Resolves once the keyring has loaded (or failed to): auditing before that would trust no key. */
function keyringSettled(): Promise<void> {
  return new Promise((resolve) => {
    if (useKeyring.getState().status !== 'loading') return resolve();
    const unsubscribe = useKeyring.subscribe((s) => {
      if (s.status === 'loading') return;
      unsubscribe();
      resolve();
    });
  });
}

/**
 * Verification reports of the last audit, by token, for one trust store and one set of settings:
 * re-auditing after an import verifies only the new tokens (the DAG half is cheap).
 */
let reportCache: { trust: TrustStore; settings: Settings; reports: Map<string, VerificationReport> } | null =
  null;

/**
 * The chain report of `entries` given the report of its first `from` entries: the same checks as
 * the core's verifyChain (sequence, link to the previous hash, hash of the token, receipt), run
 * only on the new entries. Entries in `own` were hashed (and receipted) by this tab from these
 * very tokens: their links are checked, their hashes not recomputed.
 */
async function extendChain(
  prev: ChainReport,
  entries: readonly EntryRecord[],
  from: number,
  own: readonly EntryRecord[],
  publicJwk: JWK | undefined,
): Promise<ChainReport> {
  const length = entries.length;
  const head = entries[length - 1]?.entryHash ?? GENESIS_HASH;
  if (!prev.ok) return { ...prev, length, head }; // the first break stays where it is
  const mine = new Map(own.map((e) => [e.seq, e]));
  let key: CryptoKey | undefined;
  let prevHash = prev.head;
  for (let i = from; i < length; i++) {
    const e = entries[i]!;
    const broken = (reason: ChainBreak['reason'], message: string): ChainReport => ({
      ok: false,
      length,
      head,
      firstBreak: { seq: e.seq, reason, message },
    });
    if (e.seq !== i + 1) return broken('seq_gap', `entry ${i + 1} carries sequence number ${e.seq}`);
    if (e.prevHash !== prevHash) {
      return broken(
        'prev_mismatch',
        `entry ${e.seq} points to previous hash ${e.prevHash.slice(0, 12)}…, but entry ${e.seq - 1} hashes to ${prevHash.slice(0, 12)}…`,
      );
    }
    const m = mine.get(e.seq);
    const ours = m && m.token === e.token && m.prevHash === e.prevHash && m.entryHash === e.entryHash;
    if (!ours) {
      const expected = await computeEntryHash(prevHash, e.token);
      if (expected !== e.entryHash) {
        return broken(
          'hash_mismatch',
          `entry ${e.seq} (jti ${e.jti}) was changed after it was appended: its token hashes to ${expected.slice(0, 12)}…, not ${e.entryHash.slice(0, 12)}…`,
        );
      }
    }
    if (publicJwk && e.receipt !== undefined && !(ours && m.receipt === e.receipt)) {
      key ??= (await importJWK(publicJwk, 'ES256')) as CryptoKey;
      const r = await verifyReceipt(e.receipt, key);
      if (!r || r.seq !== e.seq || r.entry_hash !== e.entryHash) {
        return broken(
          'receipt_invalid',
          `entry ${e.seq}'s receipt does not verify under the ledger key or does not match the entry`,
        );
      }
    }
    prevHash = e.entryHash;
  }
  return { ok: true, length, head: prevHash };
}

export const useLedgers = create<LedgersState>()((set, get) => {
  const fail = (e: unknown) => {
    // A cancelled import is the user's choice, not an error to display.
    if (!(e instanceof ImportCancelled)) set({ error: e instanceof Error ? e.message : String(e) });
    throw e;
  };

  /** The latest audit run: an older one that is still running stops writing the state. */
  let auditRun = 0;
  /** Aborts the verification of the audit run that a newer one replaces. */
  let auditAbort = new AbortController();
  const nextAuditRun = () => {
    auditAbort.abort();
    auditAbort = new AbortController();
    return ++auditRun;
  };
  let importing = false;

  /**
   * Reads the entries, checks the chain, audits. `append`: the entries shown are still those of
   * the ledger (it only grew: an import, another tab), so only the new entries are read and
   * chained on; `own` are entries this tab hashed itself a moment ago (not hashed again).
   * Otherwise (opening a ledger, Re-check) everything is read and recomputed from storage.
   */
  const reaudit = async (opts: { append?: boolean; own?: readonly EntryRecord[] } = {}) => {
    const run = nextAuditRun();
    const { signal } = auditAbort;
    const ledger = open;
    const current = () => run === auditRun && open === ledger;
    if (!ledger) return set({ entries: [], chain: null, audit: null, progress: null });
    await ledger.refresh();
    const { entries: shown, chain: shownChain, currentId } = get();
    let entries: EntryRecord[];
    let chain: ChainReport;
    if (
      opts.append &&
      currentId === ledger.id &&
      shownChain !== null &&
      shownChain.length === shown.length &&
      (shown.at(-1)?.seq ?? 0) === shown.length
    ) {
      // Entries this tab has just written need not be read back, unless another tab appended too.
      const own = opts.own ?? [];
      const ownAreNew =
        own.length > 0 && own[0]!.seq === shown.length + 1 && own.at(-1)!.seq === ledger.head.seq;
      const fresh = ownAreNew ? own : await ledger.entries(shown.length + 1);
      entries = fresh.length ? shown.concat(fresh) : shown;
      if (!current()) return;
      set({ progress: { phase: 'auditing', done: 0, total: entries.length } });
      chain = await extendChain(shownChain, entries, shown.length, opts.own ?? [], ledger.publicKey);
    } else {
      entries = await ledger.entries();
      if (!current()) return;
      set({ progress: { phase: 'auditing', done: 0, total: entries.length } });
      chain = await ledger.verifyChain();
    }
    if (!current()) return;
    set({ entries, chain });
    await keyringSettled();
    const { trust } = useKeyring.getState();
    const { settings } = useVerifierSettings.getState();
    const cache =
      reportCache && reportCache.trust === trust && reportCache.settings === settings
        ? reportCache.reports
        : new Map<string, VerificationReport>();
    const reports: VerificationReport[] = new Array<VerificationReport>(entries.length);
    const missing: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      const report = cache.get(entries[i]!.token);
      if (report) reports[i] = report;
      else missing.push(i);
    }
    if (missing.length) {
      const known = entries.length - missing.length;
      let fresh: VerificationReport[];
      try {
        // On every core (src/workers/), or here for a few tokens.
        fresh = await verifyStoredReports(
          missing.map((i) => entries[i]!.token),
          {
            trust,
            settings,
            signal,
            onProgress: (done) => {
              if (current())
                set({ progress: { phase: 'auditing', done: known + done, total: entries.length } });
            },
          },
        );
      } catch (e) {
        if (!current()) return; // replaced by a newer audit
        throw e;
      }
      missing.forEach((i, k) => (reports[i] = fresh[k]!));
    }
    if (!current()) return;
    reportCache = { trust, settings, reports: new Map(reports.map((r) => [r.token, r])) };
    set({ audit: auditReports(reports, settings), progress: null });
  };

  // A key added or removed, or a setting changed, changes the audit.
  useKeyring.subscribe((s, prev) => {
    if (open && !importing && s.trust !== prev.trust && prev.status === 'ready')
      void reaudit({ append: true }).catch(fail);
  });
  useVerifierSettings.subscribe((s, prev) => {
    if (open && !importing && s.settings !== prev.settings) void reaudit({ append: true }).catch(fail);
  });

  let loading: Promise<void> | null = null;

  return {
    status: 'idle',
    error: null,
    ledgers: [],
    currentId: null,
    entries: [],
    chain: null,
    audit: null,
    progress: null,

    load() {
      // One load at a time: two at once (React's StrictMode runs effects twice) would each find no
      // ledger on a first visit and create two "My first ledger"s.
      loading ??= (async () => {
        set({ status: 'loading' });
        try {
          let ledgers = await catalog().list();
          if (!ledgers.length) ledgers = [await catalog().create('My first ledger')];
          set({ ledgers, status: 'ready', error: null });
          // The ledger open before, in this tab or (after a reload) the last one opened in any tab.
          const current = get().currentId ?? (await rememberedLedger());
          await get().select(current && ledgers.some((l) => l.id === current) ? current : ledgers[0]!.id);
        } catch (e) {
          set({
            status: 'error',
            error: `the ledgers (IndexedDB) could not be opened: ${e instanceof Error ? e.message : String(e)}`,
          });
        }
      })().finally(() => {
        loading = null;
      });
      return loading;
    },

    async select(id) {
      try {
        const ledger = await IndexedDbLedger.open(workbenchDb(), id);
        open = ledger;
        set({ currentId: id, audit: null, chain: null, entries: [], error: null, progress: null });
        rememberLedger(id);
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
      importing = true;
      // An audit still running is stopped (its progress would mix with the import's); the import
      // audits again when it is written, and a failed or cancelled import resumes the audit.
      const interrupted = get().progress !== null;
      nextAuditRun();
      // Verification of a large import starts at once, in the workers, while this thread decodes,
      // hashes and writes; the audit after the write then finds every report made.
      const early = new AbortController();
      try {
        const { tokens } = splitInput(text);
        set({ progress: { phase: 'reading', done: 0, total: tokens.length }, error: null });
        let verified: Promise<VerificationReport[]> | null = null;
        let verifiedDone = 0;
        const payloads: (JsonObject | undefined)[] = new Array<JsonObject | undefined>(tokens.length);
        await keyringSettled();
        const { trust } = useKeyring.getState();
        const { settings } = useVerifierSettings.getState();
        if (tokens.length >= MIN_FOR_WORKERS && verifyWorkerCount() > 0) {
          verified = verifyStoredReports(tokens, {
            trust,
            settings,
            payloads, // filled in below, long before the workers are done (or decoded there)
            signal: early.signal,
            onProgress: (done) => (verifiedDone = done),
          });
          verified.catch(() => undefined); // awaited below, unless the import fails first
        }
        const items: { token: string; claims: Record<string, unknown> }[] = [];
        const skipped: ImportResult['skipped'] = [];
        for (let i = 0; i < tokens.length; i++) {
          const d = decodeToken(tokens[i]!);
          // Tokens that decode are kept whatever their defects (the audit shows them);
          // text that is not a token at all has no place in a ledger.
          if (d.ok) {
            items.push({ token: d.decoded.token, claims: d.decoded.payload });
            payloads[i] = d.decoded.payload;
          } else skipped.push({ index: i, message: d.problem.message });
          if (i % 1000 === 999) {
            set({ progress: { phase: 'reading', done: i + 1, total: tokens.length } });
            await yieldToPage();
            check();
          }
        }
        check();
        let written: EntryRecord[] = [];
        if (items.length) {
          set({ progress: { phase: 'hashing', done: 0, total: items.length } });
          try {
            written = await ledger.appendBatch(items, {
              ...(opts.signal ? { signal: opts.signal } : {}),
              onProgress: (done, total) =>
                set({ progress: { phase: done === total ? 'writing' : 'hashing', done, total } }),
            });
          } catch (e) {
            // Aborted before the write: the storage wrote nothing.
            if (opts.signal?.aborted) throw new ImportCancelled();
            throw e;
          }
        }
        if (verified) {
          set({ progress: { phase: 'auditing', done: verifiedDone, total: tokens.length } });
          const tick = setInterval(
            () => set({ progress: { phase: 'auditing', done: verifiedDone, total: tokens.length } }),
            100,
          );
          const reports = await verified.finally(() => clearInterval(tick));
          // Kept for the audit below, unless the keys or settings changed meanwhile.
          if (useKeyring.getState().trust === trust && useVerifierSettings.getState().settings === settings) {
            if (!reportCache || reportCache.trust !== trust || reportCache.settings !== settings)
              reportCache = { trust, settings, reports: new Map() };
            for (const r of reports) reportCache.reports.set(r.token, r);
          }
        }
        importing = false;
        await reaudit({ append: true, own: written });
        return { added: items.length, skipped };
      } catch (e) {
        early.abort();
        set({ progress: null });
        importing = false;
        if (interrupted || !get().audit) void reaudit().catch(() => undefined);
        return fail(e);
      } finally {
        importing = false;
      }
    },

    refresh: () => reaudit().catch(fail),

    async sync() {
      if (!open || importing) return false;
      const ledger = open;
      try {
        const fresh = await ledger.refresh();
        if (!fresh || open !== ledger || importing) return false;
        await reaudit({ append: true });
        return true;
      } catch (e) {
        return fail(e);
      }
    },

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

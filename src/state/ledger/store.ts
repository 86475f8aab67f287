/**
 * The ledgers: the app-wide view of the IndexedDB ledgers (src/storage/ledger.ts), the one that is
 * open, its entries, its ledger check and its whole-set audit. The Ledger tab imports into it; the
 * Graph tab draws it. Every write action announces the change to the other tabs
 * (../ledgerChannel.ts). The work is in audit.ts, import.ts, sync.ts and anchor.ts.
 */
import { create } from 'zustand';
import { generateSigningKey } from 'wimse-ect';
import { workbenchDb } from '../../storage/db.ts';
import { LedgerCatalog } from '../../storage/ledger.ts';
import { useKeyring } from '../keyring.ts';
import { announceLedgerChange } from '../ledgerChannel.ts';
import { useVerifierSettings } from '../verifierSettings.ts';
import { exportBundle, ledgerKey, pinCheckpoint, unpinCheckpoint } from './anchor.ts';
import { makeAuditor } from './audit.ts';
import { NO_PROBLEMS, type LedgerContext, type LedgersState } from './context.ts';
import { ImportCancelled, importText } from './import.ts';
import { openLedger, recheck, sync } from './sync.ts';
import { forgetVerdicts } from './verdicts.ts';

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

export const useLedgers = create<LedgersState>()((set, get) => {
  const ctx: LedgerContext = {
    get,
    set,
    open: null,
    opening: null,
    importing: false,
    pinned: null,
    base: null,
  };
  const auditor = makeAuditor(ctx);
  const fail = (e: unknown) => {
    // A cancelled import is the user's choice, not an error to display.
    if (!(e instanceof ImportCancelled)) set({ error: e instanceof Error ? e.message : String(e) });
    throw e;
  };

  // A key added or removed, or a setting changed, changes the audit.
  useKeyring.subscribe((s, prev) => {
    if (ctx.open && !ctx.importing && s.trust !== prev.trust && prev.status === 'ready')
      void auditor.reaudit({ append: true }).catch(fail);
  });
  useVerifierSettings.subscribe((s, prev) => {
    if (ctx.open && !ctx.importing && s.settings !== prev.settings)
      void auditor.reaudit({ append: true }).catch(fail);
  });

  let loading: Promise<void> | null = null;

  return {
    status: 'idle',
    error: null,
    ledgers: [],
    currentId: null,
    entries: [],
    chain: null,
    problems: NO_PROBLEMS,
    audit: null,
    progress: null,
    keyFingerprint: null,
    checkpoint: null,
    pinned: null,

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
        ctx.pinned = null;
        set({
          currentId: id,
          audit: null,
          chain: null,
          problems: NO_PROBLEMS,
          entries: [],
          error: null,
          progress: null,
          checkpoint: null,
          pinned: null,
          keyFingerprint: null,
        });
        // Another select may start before this one's IndexedDB read returns: the last one chosen wins.
        const opening = openLedger(ctx, id, () => get().currentId === id);
        ctx.opening = opening;
        try {
          await opening;
        } finally {
          if (ctx.opening === opening) ctx.opening = null;
        }
        if (get().currentId !== id) return;
        rememberLedger(id);
        await auditor.reaudit();
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
        announceLedgerChange(null);
        set({ ledgers: await catalog().list() });
        await get().select(meta.id);
        return meta;
      } catch (e) {
        return fail(e);
      }
    },

    async rename(id, name) {
      await catalog().rename(id, name).catch(fail);
      announceLedgerChange(null);
      set({ ledgers: await catalog().list() });
    },

    async remove(id) {
      await catalog().remove(id).catch(fail);
      await forgetVerdicts(id);
      announceLedgerChange(null);
      if (get().currentId === id) {
        ctx.open = null;
        set({ currentId: null });
      }
      await get().load();
    },

    async importText(text, opts = {}) {
      try {
        // The user imports into the ledger on screen: one just created or chosen may still be
        // opening (seen at load 30: "Added 10 entries" went to the ledger open before).
        while (ctx.opening) await ctx.opening.catch(() => undefined);
        if (ctx.open?.id !== get().currentId)
          throw new Error('the chosen ledger could not be opened; choose it again, then import');
        const result = await importText(ctx, auditor, text, opts);
        if (result.added) announceLedgerChange(get().currentId);
        return result;
      } catch (e) {
        return fail(e);
      }
    },

    refresh: () => recheck(ctx, auditor).catch(fail),

    async sync() {
      try {
        return await sync(ctx, auditor);
      } catch (e) {
        return fail(e);
      }
    },

    exportBundle: () => exportBundle(ctx),
    ledgerKey: () => ledgerKey(ctx),
    pinCheckpoint: (text) => pinCheckpoint(ctx, auditor, text),
    unpinCheckpoint: () => unpinCheckpoint(ctx, auditor).catch(fail),
  };
});

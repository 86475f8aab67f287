/**
 * The keyring: the app-wide view of the key store (src/storage/keys.ts) and
 * the trust store derived from it. Features read it through `useKeyring`;
 * every change is written to IndexedDB first, then reflected here.
 */
import type { JWK } from 'jose';
import { create } from 'zustand';
import type { TrustStore } from 'wimse-ect';
import { workbenchDb } from '../storage/db.ts';
import {
  KeyStore,
  trustStoreOf,
  type ImportKeysOptions,
  type ImportKeysResult,
  type ImportResult,
  type StoredKey,
} from '../storage/keys.ts';
import { EXAMPLE_AGENTS, exampleAgentOfJwk } from './exampleAgents.ts';

const SEEDED_FLAG = 'keyring.exampleAgentsSeeded';
/** 'pending' from the first visit's seeding until the user keeps or removes the example agents. */
const CHOICE_KEY = 'keyring.exampleAgentsChoice';

export interface KeyringState {
  status: 'loading' | 'ready' | 'error';
  /** What went wrong last (loading, generating, importing), for the UI to show. */
  error: string | null;
  keys: StoredKey[];
  /** Derived from `keys`: what verification trusts. */
  trust: TrustStore;
  load(): Promise<void>;
  generate(opts: {
    name: string;
    issuer: string | null;
    kid?: string;
    extractable?: boolean;
  }): Promise<StoredKey>;
  importPublic(text: string, opts?: { issuer?: string | null; name?: string }): Promise<ImportResult>;
  /** Imports any key text (JWK, JWKS, trust store, keygen output, PEM), private keys included. */
  importKeys(text: string, opts?: ImportKeysOptions): Promise<ImportKeysResult>;
  update(id: string, patch: { name?: string; issuer?: string | null }): Promise<void>;
  remove(id: string): Promise<void>;
  exportPrivateJwk(id: string): Promise<JWK>;
  /** Adds the example agents (again), e.g. after the user deleted them. */
  addExampleAgents(): Promise<void>;
  /**
   * Whether the first visit's seeding of the example agents still waits for the user's choice
   * (keep them, or remove them and start clean): the app asks, visibly, until answered.
   */
  exampleChoicePending: boolean;
  /** Keeps the example agents: the question is answered. */
  keepExampleAgents(): Promise<void>;
  /** Removes every key holding a published example key (whatever its kid or origin). */
  removeExampleAgents(): Promise<void>;
}

let store: KeyStore | undefined;
let loading: Promise<void> | undefined;
const keyStore = () => (store ??= new KeyStore(workbenchDb()));

export const useKeyring = create<KeyringState>()((set) => {
  const refresh = async () => {
    const keys = await keyStore().list();
    set({ keys, trust: trustStoreOf(keys), status: 'ready' });
  };
  /** Runs a change, refreshes the view, and records (then rethrows) a failure. */
  const change = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      set({ error: null });
      return result;
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      await refresh().catch(() => undefined);
    }
  };
  const seedExamples = async () => {
    const existing = new Set((await keyStore().list()).map((k) => k.kid));
    for (const a of EXAMPLE_AGENTS) {
      if (!existing.has(a.jwk.kid!)) {
        await keyStore().addPrivateJwk(a.jwk, { name: a.name, issuer: a.issuer, origin: 'example' });
      }
    }
  };
  return {
    status: 'loading',
    error: null,
    keys: [],
    trust: trustStoreOf([]),
    load() {
      // Concurrent calls share one run (React's StrictMode mounts effects twice in development):
      // two runs at once would both see an empty store and seed the example agents twice.
      loading ??= (async () => {
        try {
          const db = workbenchDb();
          // First visit: seed the example agents once, so the examples verify out of the box, and
          // ask (visibly, until answered) whether to keep them: their keys are published.
          if (!(await db.meta.get(SEEDED_FLAG))) {
            await seedExamples();
            await db.meta.bulkPut([
              { key: SEEDED_FLAG, value: true },
              { key: CHOICE_KEY, value: 'pending' },
            ]);
          }
          set({ exampleChoicePending: (await db.meta.get(CHOICE_KEY))?.value === 'pending' });
          await refresh();
        } catch (e) {
          set({
            status: 'error',
            error: `The key store (IndexedDB) could not be opened: ${describeStorageError(e)}.`,
          });
        }
      })().finally(() => {
        loading = undefined;
      });
      return loading;
    },
    generate: (opts) => change(() => keyStore().generate(opts)),
    importPublic: (text, opts) => change(() => keyStore().importPublic(text, opts)),
    importKeys: (text, opts) => change(() => keyStore().importKeys(text, opts)),
    update: (id, patch) => change(() => keyStore().update(id, patch)),
    remove: (id) => change(() => keyStore().remove(id)),
    exportPrivateJwk: (id) => change(() => keyStore().exportPrivateJwk(id)),
    addExampleAgents: () => change(seedExamples),
    exampleChoicePending: false,
    keepExampleAgents: () =>
      change(async () => {
        await workbenchDb().meta.put({ key: CHOICE_KEY, value: 'kept' });
        set({ exampleChoicePending: false });
      }),
    removeExampleAgents: () =>
      change(async () => {
        for (const k of await keyStore().list()) {
          if (exampleAgentOfJwk(k.publicJwk)) await keyStore().remove(k.id);
        }
        await workbenchDb().meta.put({ key: CHOICE_KEY, value: 'removed' });
        set({ exampleChoicePending: false });
      }),
  };
});

/** Why IndexedDB failed, in words (Dexie's own messages point to web pages). */
export function describeStorageError(e: unknown): string {
  const err = e as { name?: string; message?: string; inner?: { name?: string; message?: string } } | null;
  const names = [err?.name, err?.inner?.name];
  if (names.includes('MissingAPIError')) {
    return 'this browser offers no IndexedDB here (it may be turned off, or blocked in this private window)';
  }
  if (names.includes('QuotaExceededError')) return 'the storage quota for this site is used up';
  if (names.includes('InvalidStateError') || names.includes('SecurityError')) {
    return 'the browser refuses IndexedDB to this page (private windows and strict privacy settings do)';
  }
  if (names.includes('VersionError')) {
    return 'the stored data was written by a newer version of the workbench; reload to get it';
  }
  return err?.inner?.message ?? err?.message ?? String(e);
}

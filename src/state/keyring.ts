/**
 * The keyring: the app-wide view of the key store (src/storage/keys.ts) and
 * the trust store derived from it. Features read it through `useKeyring`;
 * every change is written to IndexedDB first, then reflected here.
 */
import type { JWK } from 'jose';
import { create } from 'zustand';
import type { TrustStore } from '../ect/index.ts';
import { workbenchDb } from '../storage/db.ts';
import { KeyStore, trustStoreOf, type StoredKey } from '../storage/keys.ts';
import { EXAMPLE_AGENTS } from './exampleAgents.ts';

const SEEDED_FLAG = 'keyring.exampleAgentsSeeded';

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
  importPublic(text: string, opts?: { issuer?: string | null; name?: string }): Promise<StoredKey[]>;
  update(id: string, patch: { name?: string; issuer?: string | null }): Promise<void>;
  remove(id: string): Promise<void>;
  exportPrivateJwk(id: string): Promise<JWK>;
  /** Adds the example agents (again), e.g. after the user deleted them. */
  addExampleAgents(): Promise<void>;
}

let store: KeyStore | undefined;
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
    async load() {
      try {
        const db = workbenchDb();
        // First visit: seed the example agents once, so the examples verify out of the box.
        if (!(await db.meta.get(SEEDED_FLAG))) {
          await seedExamples();
          await db.meta.put({ key: SEEDED_FLAG, value: true });
        }
        await refresh();
      } catch (e) {
        set({
          status: 'error',
          error: `the key store (IndexedDB) could not be opened: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    },
    generate: (opts) => change(() => keyStore().generate(opts)),
    importPublic: (text, opts) => change(() => keyStore().importPublic(text, opts)),
    update: (id, patch) => change(() => keyStore().update(id, patch)),
    remove: (id) => change(() => keyStore().remove(id)),
    exportPrivateJwk: (id) => change(() => keyStore().exportPrivateJwk(id)),
    addExampleAgents: () => change(seedExamples),
  };
});

/**
 * Helpers for the tamper-evidence e2e tests (issue #12): an L3 ledger made through the UI, and the
 * edits an attacker with access to the page's IndexedDB makes to it (as devtools or a script in the
 * page would), including recomputing hashes and re-signing receipts with a key of their own.
 */
import { readFileSync } from 'node:fs';
import { expect, type Download, type Page } from '@playwright/test';
import {
  installSegmentCodec,
  type PageEntry,
  type PageSegment,
  type SegmentCodec,
} from './segment-helpers.ts';

export async function openLedgerPage(page: Page) {
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-page')).toBeVisible();
}

/** Creates a ledger (with its own key when `l3`) through the New ledger dialog, and opens it. */
export async function createLedger(page: Page, name: string, l3 = true) {
  await page.getByRole('button', { name: 'New ledger…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New ledger' });
  await dialog.getByLabel('Name').fill(name);
  if (l3) await dialog.getByLabel(/Sign receipts/).check();
  await dialog.getByRole('button', { name: 'Create ledger' }).click();
  // The dialog closes once the new ledger is open; until then the ledger on screen (and the
  // one an import goes into) is the one open before, empty too.
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('ledger-empty')).toBeVisible();
}

export async function importJson(page: Page, name: string, value: unknown) {
  await page.getByTestId('ledger-file-input').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  });
}

/** The text of a file the page downloads when `click` runs. */
export async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
  return readFileSync((await download.path())!, 'utf8');
}

export const row = (page: Page, seq: number) => page.locator(`[data-testid="ledger-row"][data-seq="${seq}"]`);

/** The ledger problems the table shows, by sequence number ("3:receipt_missing"). */
export async function tableProblems(page: Page): Promise<string[]> {
  const rows = await page
    .locator('[data-testid="ledger-row"][data-ledger-problems]')
    .evaluateAll((els) =>
      els.map((el) => `${el.getAttribute('data-seq')}:${el.getAttribute('data-ledger-problems')}`),
    );
  return rows.sort((a, b) => parseInt(a) - parseInt(b));
}

export type Edit =
  | { kind: 'delete-receipt'; seq: number }
  | { kind: 'shift-time'; seq: number; ms: number }
  | { kind: 'forge-claims'; seq: number; claims: Record<string, unknown> }
  | { kind: 'swap-rehash'; seq: number; token: string; stripReceipts: boolean }
  | { kind: 'truncate'; count: number }
  | { kind: 'swap-key'; seq: number; token: string }
  /** A column of the first segment given the wrong type: its end offsets as a plain array. */
  | { kind: 'retype-column'; column: 'receipt' | 'jti' };

/**
 * Edits the stored entries of the ledger named `ledger` straight in IndexedDB, as an attacker
 * would: with hashes recomputed, claim copies kept in step with the tokens, and (swap-key) the
 * ledger's key replaced by one of the attacker's with every receipt re-signed.
 */
export async function tamper(page: Page, ledgerName: string, change: Edit): Promise<void> {
  await installSegmentCodec(page);
  await page.evaluate(
    async ({ ledger, edit }) => {
      const codec = (globalThis as unknown as { ectSegments: SegmentCodec }).ectSegments;
      type Meta = {
        id: string;
        name: string;
        key?: { kid: string; privateKey: CryptoKey; publicJwk: JsonWebKey };
      };
      const req = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('ect-workbench');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const b64url = (bytes: Uint8Array) =>
        btoa(String.fromCharCode(...bytes))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      const text = (s: string) => new TextEncoder().encode(s);
      const sha256 = async (s: string) =>
        [...new Uint8Array(await crypto.subtle.digest('SHA-256', text(s)))]
          .map((b) => b.toString(16).padStart(2, '0'))
          .join('');
      const payloadOf = (token: string) =>
        JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
          string,
          unknown
        >;

      const metas = await req(
        db.transaction('ledgers').objectStore('ledgers').getAll() as IDBRequest<Meta[]>,
      );
      const meta = metas.find((m) => m.name === ledger);
      if (!meta) throw new Error(`no ledger named ${ledger}`);
      const all = await req(
        db.transaction('segments').objectStore('segments').getAll() as IDBRequest<PageSegment[]>,
      );
      // Each segment's entries as objects to edit (written back as columns below).
      const segments = all
        .filter((s) => s.ledgerId === meta.id)
        .sort((a, b) => a.firstSeq - b.firstSeq)
        .map((s) => ({ record: s, entries: codec.entries(s) }));
      const entries: PageEntry[] = segments.flatMap((s) => s.entries);
      const at = (seq: number) => entries[seq - 1]!;
      const rehash = async (from: number) => {
        for (let seq = from; seq <= entries.length; seq++) {
          const e = at(seq);
          e.prevHash = seq === 1 ? '0'.repeat(64) : at(seq - 1).entryHash;
          e.entryHash = await sha256(e.prevHash + e.token);
        }
      };
      // The copies of the claims kept in step with the new token.
      const swap = (seq: number, token: string) => {
        const e = at(seq);
        const claims = payloadOf(token);
        e.token = token;
        e.jti = typeof claims.jti === 'string' ? claims.jti : '';
        for (const k of ['wid', 'iss', 'exec_act'] as const)
          if (typeof claims[k] === 'string') e[k] = claims[k];
          else delete e[k];
      };
      let newMeta: Meta | null = null;

      if (edit.kind === 'delete-receipt') delete at(edit.seq).receipt;
      else if (edit.kind === 'shift-time') at(edit.seq).appendedAt += edit.ms;
      else if (edit.kind === 'forge-claims') at(edit.seq).claims = { ...at(edit.seq).claims, ...edit.claims };
      else if (edit.kind === 'swap-rehash') {
        swap(edit.seq, edit.token);
        await rehash(edit.seq);
        if (edit.stripReceipts) for (let seq = edit.seq; seq <= entries.length; seq++) delete at(seq).receipt;
      } else if (edit.kind === 'truncate') {
        const last = segments.at(-1)!;
        last.entries.splice(last.entries.length - edit.count, edit.count);
      } else if (edit.kind === 'swap-key') {
        swap(edit.seq, edit.token);
        await rehash(edit.seq);
        const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
          'sign',
          'verify',
        ]);
        const kid = meta.key!.kid; // the same kid: only the key material differs
        const publicJwk = {
          ...(await crypto.subtle.exportKey('jwk', pair.publicKey)),
          kid,
          alg: 'ES256',
          use: 'sig',
        };
        for (const [i, e] of entries.entries()) {
          const header = b64url(text(JSON.stringify({ alg: 'ES256', typ: 'ect-receipt+jwt', kid })));
          const claims = {
            seq: i + 1,
            entry_hash: e.entryHash,
            appended_at: Math.floor(e.appendedAt / 1000),
            jti: payloadOf(e.token).jti,
          };
          const payload = b64url(text(JSON.stringify(claims)));
          const sig = await crypto.subtle.sign(
            { name: 'ECDSA', hash: 'SHA-256' },
            pair.privateKey,
            text(`${header}.${payload}`),
          );
          e.receipt = `${header}.${payload}.${b64url(new Uint8Array(sig))}`;
        }
        newMeta = { ...meta, key: { kid, privateKey: pair.privateKey, publicJwk } };
      }

      const tx = db.transaction(['ledgers', 'segments'], 'readwrite');
      const store = tx.objectStore('segments');
      for (const [i, s] of segments.entries()) {
        if (!s.entries.length) {
          store.delete([s.record.ledgerId, s.record.firstSeq]);
          continue;
        }
        const record = codec.record(s.record, s.entries);
        if (edit.kind === 'retype-column' && i === 0) {
          const c = record[edit.column] as { text: string; ends: Uint32Array };
          record[edit.column] = { text: c.text, ends: Array.from(c.ends) };
        }
        store.put(record);
      }
      if (newMeta) tx.objectStore('ledgers').put(newMeta);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { ledger: ledgerName, edit: change },
  );
}

/** Segments whose ledger no longer exists, read straight from IndexedDB. */
export async function orphanSegments(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('ect-workbench');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAllKeys();
        r.onsuccess = () => resolve(r.result as T[]);
        r.onerror = () => reject(r.error);
      });
    const ledgers = new Set(await all<string>('ledgers'));
    const segments = await all<[string, number]>('segments');
    db.close();
    return segments.filter(([id]) => !ledgers.has(id)).length;
  });
}

import type { Page } from '@playwright/test';
import { installSegmentCodec, type PageSegment, type SegmentCodec } from './segment-helpers.ts';

/** What the table shows: per jti, the sorted list of "status:codes" of its rows. */
export async function tableVerdicts(page: Page): Promise<Record<string, string[]>> {
  const rows = await page
    .getByTestId('ledger-row')
    .evaluateAll((els) =>
      els.map((el) => [
        el.getAttribute('data-jti')!,
        `${el.getAttribute('data-status')}:${el.getAttribute('data-codes')}`,
      ]),
    );
  const out: Record<string, string[]> = {};
  for (const [jti, v] of rows) (out[jti!] ??= []).push(v!);
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

/**
 * Rewrites entry `seq`'s token straight in IndexedDB, as devtools would (its payload's exec_act
 * changed, the hashes left as they were); returns its jti.
 */
export async function changeStoredToken(page: Page, seq: number): Promise<string> {
  await installSegmentCodec(page);
  return page.evaluate(
    (at) =>
      new Promise<string>((resolve, reject) => {
        const codec = (globalThis as unknown as { ectSegments: SegmentCodec }).ectSegments;
        const open = indexedDB.open('ect-workbench');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('segments', 'readwrite');
          const store = tx.objectStore('segments');
          const cursor = store.openCursor();
          let jti = '';
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (!c) return;
            // Entries are stored several to a record, as columns: entry #at is entries[at - firstSeq].
            const segment = c.value as PageSegment;
            const entries = codec.entries(segment);
            const entry = entries[at - segment.firstSeq];
            if (entry) {
              const [h, p, s] = entry.token.split('.');
              const payload = JSON.parse(atob(p!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
                string,
                unknown
              >;
              payload.exec_act = 'something_else';
              const b64 = btoa(JSON.stringify(payload))
                .replace(/\+/g, '-')
                .replace(/\//g, '_')
                .replace(/=+$/, '');
              jti = entry.jti; // the jti is stored beside the token
              entry.token = `${h}.${b64}.${s}`;
              c.update(codec.record(segment, entries));
            }
            c.continue();
          };
          tx.oncomplete = () => {
            db.close();
            resolve(jti);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    seq,
  );
}

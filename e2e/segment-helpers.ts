/**
 * The stored form of a ledger's entries (IndexedDB version 5: a segment's entries as columns, see
 * src/storage/segmentColumns.ts), for the e2e tests that edit IndexedDB as devtools would: a
 * segment read into an entry object each, and entries written back as columns. Installed in the
 * page (page.evaluate cannot take functions as arguments), each helper installs it first.
 */
import type { Page } from '@playwright/test';
import type { EditableEntry } from '../src/storage/testSegments.ts';

/** An entry of a stored segment, as plain values; `claims` is a stored copy (only migrated entries have one). */
export type PageEntry = EditableEntry;

/** A stored segment record: its key fields and its columns (left opaque here). */
export interface PageSegment {
  ledgerId: string;
  firstSeq: number;
  lastSeq: number;
  [column: string]: unknown;
}

export interface SegmentCodec {
  entries(segment: PageSegment): PageEntry[];
  /** `entries` as the record of a segment starting at `segment.firstSeq` (lastSeq follows their count). */
  record(segment: PageSegment, entries: PageEntry[]): PageSegment;
}

/** In the page: globalThis.ectSegments, a SegmentCodec. Self-contained: Playwright sends its source. */
function install() {
  type Text = { text: string; ends: Uint32Array };
  const BITS = { receipt: 1, wid: 2, iss: 4, exec_act: 8 } as const;
  const COPIES = ['wid', 'iss', 'exec_act'] as const;
  const piece = (c: Text, i: number) => c.text.slice(i ? c.ends[i - 1]! : 0, c.ends[i]!);
  const column = (n: number, at: (i: number) => string | undefined): Text => {
    const ends = new Uint32Array(n);
    let text = '';
    for (let i = 0; i < n; i++) {
      text += at(i) ?? '';
      ends[i] = text.length;
    }
    return { text, ends };
  };
  const codec: SegmentCodec = {
    entries(s) {
      const tokens = s.tokens as string[];
      const hashes = s.hashes as string;
      const present = s.present as Uint8Array;
      const claims = s.claims as Record<number, Record<string, unknown>> | undefined;
      return tokens.map((token, i) => {
        const e: PageEntry = {
          token,
          appendedAt: (s.appendedAt as Float64Array)[i]!,
          prevHash: hashes.slice(i * 128, i * 128 + 64),
          entryHash: hashes.slice(i * 128 + 64, i * 128 + 128),
          jti: piece(s.jti as Text, i),
        };
        if (present[i]! & BITS.receipt) e.receipt = piece(s.receipt as Text, i);
        for (const k of COPIES) if (present[i]! & BITS[k]) e[k] = piece(s[k] as Text, i);
        if (claims?.[i]) e.claims = claims[i];
        return e;
      });
    },
    record(s, entries) {
      const n = entries.length;
      const out: PageSegment = {
        ledgerId: s.ledgerId,
        firstSeq: s.firstSeq,
        lastSeq: s.firstSeq + n - 1,
        tokens: entries.map((e) => e.token),
        hashes: entries.map((e) => e.prevHash + e.entryHash).join(''),
        appendedAt: Float64Array.from(entries, (e) => e.appendedAt),
        present: Uint8Array.from(entries, (e) => {
          let bits = e.receipt !== undefined ? BITS.receipt : 0;
          for (const k of COPIES) if (e[k] !== undefined) bits |= BITS[k];
          return bits;
        }),
        receipt: column(n, (i) => entries[i]!.receipt),
        jti: column(n, (i) => entries[i]!.jti),
        wid: column(n, (i) => entries[i]!.wid),
        iss: column(n, (i) => entries[i]!.iss),
        exec_act: column(n, (i) => entries[i]!.exec_act),
      };
      const claims: Record<number, Record<string, unknown>> = {};
      entries.forEach((e, i) => {
        if (e.claims) claims[i] = e.claims;
      });
      if (Object.keys(claims).length) out.claims = claims;
      return out;
    },
  };
  (globalThis as unknown as { ectSegments: SegmentCodec }).ectSegments = codec;
}

/** Makes globalThis.ectSegments available to the page's next evaluate calls (until it navigates). */
export async function installSegmentCodec(page: Page): Promise<void> {
  await page.evaluate(install);
}

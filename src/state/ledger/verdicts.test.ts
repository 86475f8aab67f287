/**
 * A ledger's verdicts kept with it (verdicts.ts): opening it again in a new page shows the same
 * verdicts without verifying any token again; a token changed in storage, or another trust store,
 * is verified again. Each "new page" is a fresh copy of the app's modules over the same
 * (fake-indexeddb) database, as a reload would be.
 */
// oxlint-disable-next-line import/no-unassigned-import -- the store opens its own WorkbenchDb on the global indexedDB, which this import installs
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkbenchDb } from '../../storage/db.ts';
import { editSegment } from '../../storage/testSegments.ts';
import { EXAMPLE_AGENTS } from '../exampleAgents.ts';
import { exampleTokens } from './testTokens.ts';

/** Tokens handed to the verification (workers or this thread) since the last new page. */
const verified = vi.hoisted(() => ({ tokens: 0 }));
vi.mock('../../workers/verifyPool.ts', async (importOriginal) => {
  const pool = await importOriginal<typeof import('../../workers/verifyPool.ts')>();
  return {
    ...pool,
    verifyStoredReports: (list: readonly string[], opts: Parameters<typeof pool.verifyStoredReports>[1]) => {
      verified.tokens += list.length;
      return pool.verifyStoredReports(list, opts);
    },
  };
});

/** The token with its signature's first character changed: it no longer verifies. */
const badSignature = (t: string) => {
  const at = t.lastIndexOf('.') + 1;
  return t.slice(0, at) + (t[at] === 'A' ? 'B' : 'A') + t.slice(at + 1);
};

/** A new page: fresh modules (no verdict in memory), the ledgers loaded and `id` opened. */
async function newPage(id?: string) {
  vi.resetModules();
  verified.tokens = 0;
  const { useKeyring } = await import('../keyring.ts');
  const { useLedgers } = await import('./store.ts');
  await useKeyring.getState().load();
  await useLedgers.getState().load();
  if (id) await useLedgers.getState().select(id);
  return { store: () => useLedgers.getState(), keyring: () => useKeyring.getState() };
}

/** Verdicts shown: one letter a token, v (valid) or x (invalid). */
const shown = (audit: { nodes: readonly { valid: boolean }[] } | null) =>
  audit?.nodes.map((n) => (n.valid ? 'v' : 'x')).join('');

afterEach(() => vi.resetModules());

describe("a ledger's kept verdicts", () => {
  it('a ledger opened in a new page shows the same verdicts and verifies no token again', async () => {
    const page = await newPage();
    const list = await exampleTokens(5);
    list[3] = badSignature(list[3]!);
    const meta = await page.store().create('kept');
    await page.store().importText(list.join('\n'));
    expect(shown(page.store().audit)).toBe('vvvxv');
    expect(verified.tokens).toBe(5);
    const codes = page.store().audit!.nodes[3]!.codes;

    const again = await newPage(meta.id);
    expect(shown(again.store().audit)).toBe('vvvxv');
    expect(again.store().audit!.nodes[3]!.codes).toEqual(codes);
    expect(verified.tokens).toBe(0);
  });

  it('a second import verifies only its own tokens, and the audit shows them all', async () => {
    const page = await newPage();
    const list = await exampleTokens(5);
    await page.store().create('twice');
    await page.store().importText(list.slice(0, 3).join('\n'));
    expect(verified.tokens).toBe(3);
    verified.tokens = 0;
    await page.store().importText([list[3]!, badSignature(list[4]!)].join('\n'));
    expect(verified.tokens).toBe(2);
    expect(shown(page.store().audit)).toBe('vvvvx');
    verified.tokens = 0;
    await page.store().refresh(); // the ledger read again: every report from the cache
    expect(shown(page.store().audit)).toBe('vvvvx');
    expect(verified.tokens).toBe(0);
  });

  it('a token changed in storage is verified again: its bad signature shows, with the broken chain', async () => {
    const page = await newPage();
    const list = await exampleTokens(3);
    const meta = await page.store().create('changed');
    await page.store().importText(list.join('\n'));
    expect(shown(page.store().audit)).toBe('vvv');
    const db = new WorkbenchDb();
    await db.segments
      .where('[ledgerId+firstSeq]')
      .between([meta.id, -Infinity], [meta.id, Infinity])
      .modify((s, ctx) => {
        ctx.value = editSegment(s, (entries) => {
          entries[1]!.token = badSignature(entries[1]!.token);
        });
      });
    db.close();

    const again = await newPage(meta.id);
    expect([...again.store().problems.keys()]).toEqual([2]);
    expect(shown(again.store().audit)).toBe('vxv');
    expect(verified.tokens).toBeGreaterThan(0);
  });

  it('a kept-verdicts record cut short or edited in storage is ignored: the tokens are verified again, the same verdicts show', async () => {
    const page = await newPage();
    const meta = await page.store().create('mangled');
    await page.store().importText((await exampleTokens(3)).join('\n'));
    expect(shown(page.store().audit)).toBe('vvv');
    const mangled = [
      (v: Record<string, unknown>) => ({ ...v, valid: new Uint8Array(1) }), // cut short
      (v: Record<string, unknown>) => ({ ...v, keyIndex: new Int16Array([7, 7, 7]) }), // a key not there
      (v: Record<string, unknown>) => ({ ...v, keys: null }),
      () => 'not a record',
    ];
    for (const mangle of mangled) {
      const db = new WorkbenchDb();
      const key = `verdicts:${meta.id}`;
      const kept = (await db.meta.get(key))?.value as Record<string, unknown>;
      await db.meta.put({ key, value: mangle(kept) });
      db.close();
      verified.tokens = 0;
      const again = await newPage(meta.id);
      expect(shown(again.store().audit)).toBe('vvv');
      expect(verified.tokens).toBe(3);
    }
  });

  it('with the signing key no longer trusted, a new page verifies again and finds no key', async () => {
    const page = await newPage();
    const meta = await page.store().create('untrusted');
    await page.store().importText((await exampleTokens(2)).join('\n'));
    expect(shown(page.store().audit)).toBe('vv');

    const again = await newPage();
    const key = again.keyring().keys.find((k) => k.kid === String(EXAMPLE_AGENTS[0]!.jwk.kid));
    expect(key).toBeDefined();
    await again.keyring().remove(key!.id);
    verified.tokens = 0;
    await again.store().select(meta.id);
    expect(shown(again.store().audit)).toBe('xx');
    expect(verified.tokens).toBe(2);
  });
});

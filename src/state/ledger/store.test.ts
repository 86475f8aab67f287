/**
 * The ledgers store over a real (fake-indexeddb) database, as the app drives it: what it shows of a
 * ledger comes from the core's ledger check, a forged bundle is refused, checkpoints are signed and
 * checked, and a ledger deleted elsewhere receives nothing.
 */
// oxlint-disable-next-line import/no-unassigned-import -- the store opens its own WorkbenchDb on the global indexedDB, which this import installs
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint, type LedgerBundle } from 'wimse-ect';
import { WorkbenchDb } from '../../storage/db.ts';
import { editSegment } from '../../storage/testSegments.ts';
import { LedgerCatalog } from '../../storage/ledger.ts';
import { exampleTokens } from './testTokens.ts';
import { useKeyring } from '../keyring.ts';
import { BundleRefused } from './import.ts';
import { useLedgers } from './store.ts';

const store = () => useLedgers.getState();
/** Another tab's connection to the same database. */
const otherTab = () => new WorkbenchDb();

beforeAll(async () => {
  await useKeyring.getState().load();
  await store().load();
});

describe('the ledgers store', () => {
  it('an L3 ledger: intact, every receipt verified, a checkpoint signed; the export carries it', async () => {
    await store().create('l3', { signReceipts: true });
    const { added } = await store().importText(JSON.stringify(await exampleTokens(4)));
    expect(added).toBe(4);
    expect(store().chain).toMatchObject({ ok: true, length: 4, receipts: 4 });
    expect(store().keyFingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cp = store().checkpoint!;
    expect(cp).toMatchObject({ size: 4, head: store().chain!.head });
    expect((await readCheckpoint(cp.jws)).key).toBe(store().keyFingerprint);
    const bundle = await store().exportBundle();
    expect(bundle.checkpoint).toEqual(expect.any(String));
    expect(bundle.entries).toHaveLength(4);
    expect(store().ledgerKey()).not.toHaveProperty('d');
  });

  it('a forged bundle is refused with its problems by entry, nothing written; imported anyway on request', async () => {
    const bundle = structuredClone(await store().exportBundle()) as LedgerBundle;
    bundle.entries[1]!.token = (await exampleTokens(1))[0]!;
    await store().create('target');
    const refused = await store()
      .importText(JSON.stringify(bundle))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BundleRefused);
    expect((refused as BundleRefused).problems.map((p) => `${p.seq}:${p.code}`)).toEqual([
      '2:chain_broken',
      '2:receipt_mismatch',
    ]);
    expect(store().entries).toHaveLength(0);
    const { added } = await store().importText(JSON.stringify(bundle), { acceptBundleProblems: true });
    expect(added).toBe(4);
    expect(store().chain?.ok).toBe(true);
  });

  it('stored claims forged behind the store: the problem at its entry, the claims shown from the token', async () => {
    const id = store().currentId!;
    const original = store().entries[2]!.jti;
    const db = otherTab();
    await db.segments
      .where('[ledgerId+firstSeq]')
      .between([id, -Infinity], [id, Infinity])
      .modify((s, ctx) => {
        ctx.value = editSegment(s, (entries) => {
          entries[2]!.claims = { jti: 'forged', exec_act: 'pay' };
        });
      });
    db.close();
    await store().refresh();
    expect([...store().problems.keys()]).toEqual([3]);
    expect(store().problems.get(3)![0]!.code).toBe('chain_broken');
    expect(store().entries[2]).toMatchObject({ jti: original, exec_act: 'step_3' });
    expect(store().checkpoint).toBeNull(); // nothing is vouched for while a problem stands
  });

  it('a segment whose columns were edited into another shape: said at its entries, the ledger still shown, appends continue', async () => {
    await store().create('damaged', { signReceipts: true });
    await store().importText(JSON.stringify(await exampleTokens(4)));
    const id = store().currentId!;
    const db = otherTab();
    await db.segments
      .where('[ledgerId+firstSeq]')
      .between([id, -Infinity], [id, Infinity])
      .modify((s) => {
        s.receipt = { text: s.receipt.text, ends: Array.from(s.receipt.ends) as unknown as Uint32Array };
      });
    db.close();
    await store().refresh();
    expect(store().status).toBe('ready');
    expect(store().entries).toHaveLength(4);
    expect(store().entries[3]!.exec_act).toBe('step_4');
    const damage =
      'the stored segment of entries #1–#4 is damaged: its receipt column has end offsets that are Array, not a Uint32Array. It was changed behind the app; what could be read of it is shown, and it is kept as it is';
    expect(
      store()
        .problems.get(1)!
        .map((p) => p.message),
    ).toContain(damage);
    // The receipts it held cannot be read: each entry is said to lack one.
    expect([...store().problems.keys()]).toEqual([1, 2, 3, 4]);
    expect(store().checkpoint).toBeNull();
    // An append is checked on from there: the damage stays in the report.
    await store().importText(JSON.stringify(await exampleTokens(1)));
    expect(store().entries).toHaveLength(5);
    expect(
      store()
        .problems.get(1)!
        .map((p) => p.message),
    ).toContain(damage);
    expect(store().problems.has(5)).toBe(false);
  });

  it('checked against a checkpoint: a truncated ledger does not match it', async () => {
    await store().create('truncated', { signReceipts: true });
    await store().importText(JSON.stringify(await exampleTokens(3)));
    const kept = store().checkpoint!.jws;
    const id = store().currentId!;
    const db = otherTab();
    await db.segments
      .where('[ledgerId+firstSeq]')
      .between([id, -Infinity], [id, Infinity])
      .modify((s, ctx) => {
        ctx.value = editSegment(s, (entries) => entries.pop());
      });
    db.close();
    await store().refresh();
    expect(store().chain?.ok).toBe(true); // nothing inside shows it
    await store().pinCheckpoint(kept);
    expect(store().pinned?.problems.map((p) => p.code)).toEqual(['checkpoint_mismatch']);
    expect(store().chain?.firstBreak?.message).toContain('were removed (truncated)');
    await store().unpinCheckpoint();
    expect(store().chain?.ok).toBe(true);
  });

  it('a ledger deleted in another tab receives nothing: the import fails saying so', async () => {
    const meta = await store().create('doomed');
    const db = otherTab();
    await new LedgerCatalog(db).remove(meta.id);
    db.close();
    await expect(store().importText(JSON.stringify(await exampleTokens(2)))).rejects.toThrow(
      'the ledger “doomed” was deleted (perhaps in another tab) before this import was written: nothing was written',
    );
    const check = otherTab();
    expect(
      await check.segments
        .where('[ledgerId+firstSeq]')
        .between([meta.id, -Infinity], [meta.id, Infinity])
        .count(),
    ).toBe(0);
    check.close();
  });
  it('an import right after choosing another ledger goes into the ledger chosen, not the one open before', async () => {
    const first = await store().create('before');
    const chosen = await store().create('chosen');
    await store().select(first.id);
    const text = JSON.stringify(await exampleTokens(3));
    // select() names the ledger at once and opens it from IndexedDB after: import in between.
    const selecting = store().select(chosen.id);
    const { added } = await store().importText(text);
    await selecting;
    expect(added).toBe(3);
    expect(store().currentId).toBe(chosen.id);
    expect(store().entries).toHaveLength(3);
    await store().select(first.id);
    expect(store().entries).toHaveLength(0);
  });

  it('a file read in slices imports as its whole text does: lines cut mid-token, a bundle joined', async () => {
    const tokens = await exampleTokens(3);
    const lines = `${tokens.join('\r\n')}\nnot a token\n`;
    // Cut inside the first token, inside a CRLF, and inside the junk line.
    const cuts = [
      lines.slice(0, 40),
      lines.slice(40, tokens[0]!.length + 1),
      lines.slice(tokens[0]!.length + 1, -5),
      lines.slice(-5),
    ];
    expect(cuts.join('')).toBe(lines);
    await store().create('slices');
    const r = await store().importText(cuts);
    expect(r.added).toBe(3);
    expect(r.skipped).toEqual([{ index: 3, message: expect.stringMatching(/not|token|part/i) }]);
    expect(store().entries.map((e) => e.token)).toEqual(tokens);

    const bundle = JSON.stringify(await store().exportBundle());
    await store().create('bundle in slices');
    const b = await store().importText([bundle.slice(0, 100), bundle.slice(100)]);
    expect(b.added).toBe(3);
    expect(store().chain).toMatchObject({ ok: true, length: 3 });
  });
});

import * as fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { claims, makeAgent, NOW, sign, uuid } from '../test/fixtures.ts';
import {
  computeEntryHash,
  GENESIS_HASH,
  signReceipt,
  verifyReceipt,
  type LedgerEntry,
  type LedgerKey,
} from './chain.ts';
import { verifyChain } from './ledgerCheck.ts';
import type { JsonObject } from './decode.ts';
import { generateSigningKey } from './keys.ts';
import { MemoryLedger } from './ledger.ts';

const alice = await makeAgent('alice');
const bob = await makeAgent('bob');

/** SHA-256 hex computed independently of the core. */
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const T_MS = NOW * 1000;

interface Item {
  token: string;
  payload: JsonObject;
}

async function item(overrides: JsonObject = {}, agent = alice): Promise<Item> {
  const payload = claims(agent, overrides);
  return { token: await sign(agent, payload), payload };
}

/** A ledger holding `n` tokens, appended one second apart from T_MS. */
async function filled(
  n: number,
  ledger = new MemoryLedger(),
): Promise<{ ledger: MemoryLedger; items: Item[] }> {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const one = await item();
    items.push(one);
    await ledger.append(one.token, one.payload, { now: T_MS + i * 1000 });
  }
  return { ledger, items };
}

/** Checks the hash chain of `entries` with node:crypto, not with the core. */
function expectIndependentChain(entries: readonly LedgerEntry[]): void {
  let prev = '0'.repeat(64);
  entries.forEach((e, i) => {
    expect(e.seq).toBe(i + 1);
    expect(e.prevHash).toBe(prev);
    expect(e.entryHash).toBe(sha256(prev + e.token));
    expect(e.entryHash).toMatch(/^[0-9a-f]{64}$/);
    prev = e.entryHash;
  });
}

const copies = (entries: readonly LedgerEntry[]): LedgerEntry[] => structuredClone([...entries]);

describe('computeEntryHash', () => {
  it('is SHA-256 of the previous hash and the token as UTF-8 text, for any text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9a-f]{64}$/),
        fc.string({ unit: 'grapheme', maxLength: 2000 }),
        async (prev, token) => {
          expect(await computeEntryHash(prev, token)).toBe(sha256(prev + token));
        },
      ),
    );
  });
});

describe('MemoryLedger: appending', () => {
  it('starts empty with the genesis head', async () => {
    const ledger = new MemoryLedger();
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(await ledger.size()).toBe(0);
    expect(await ledger.entries()).toEqual([]);
    expect(await ledger.verifyChain()).toEqual({
      ok: true,
      length: 0,
      lastSeq: 0,
      head: GENESIS_HASH,
      receipts: 0,
      problems: [],
    });
  });

  it('keeps the append order with seq 1..n and the token, jti, claims and time of each', async () => {
    const { ledger, items } = await filled(5);
    const entries = await ledger.entries();
    expect(await ledger.size()).toBe(5);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries.map((e) => e.token)).toEqual(items.map((i) => i.token));
    expect(entries.map((e) => e.jti)).toEqual(items.map((i) => i.payload.jti));
    expect(entries.map((e) => e.claims)).toEqual(items.map((i) => i.payload));
    expect(entries.map((e) => e.appendedAt)).toEqual([0, 1, 2, 3, 4].map((i) => T_MS + i * 1000));
    expect(entries.every((e) => e.receipt === undefined)).toBe(true);
  });

  it('chains entry_hash = SHA-256 hex of (prev_hash + token) from 64 zeros', async () => {
    const { ledger } = await filled(4);
    const entries = await ledger.entries();
    expect(entries[0]!.prevHash).toBe('0'.repeat(64));
    expect(entries[0]!.entryHash).toBe(sha256('0'.repeat(64) + entries[0]!.token));
    expectIndependentChain(entries);
  });

  it('returns the appended entry', async () => {
    const ledger = new MemoryLedger();
    const it1 = await item();
    const entry = await ledger.append(it1.token, it1.payload, { now: T_MS });
    expect(entry).toMatchObject({ seq: 1, token: it1.token, jti: it1.payload.jti, appendedAt: T_MS });
    expect((await ledger.entries())[0]).toEqual(entry);
  });

  it('returns a range of entries by seq', async () => {
    const { ledger } = await filled(5);
    expect((await ledger.entries(2, 4)).map((e) => e.seq)).toEqual([2, 3, 4]);
    expect((await ledger.entries(4)).map((e) => e.seq)).toEqual([4, 5]);
  });

  it('keeps a valid chain when appends are not awaited one by one', async () => {
    const ledger = new MemoryLedger();
    const items = await Promise.all(Array.from({ length: 25 }, () => item()));
    const pending = items.map((one, i) => ledger.append(one.token, one.payload, { now: T_MS + i }));
    const appended = await Promise.all(pending);
    expect(appended.map((e) => e.seq)).toEqual(items.map((_, i) => i + 1));
    const entries = await ledger.entries();
    expect(entries.map((e) => e.token)).toEqual(items.map((i) => i.token));
    expectIndependentChain(entries);
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('is the task store of the DAG rules: each append adds its task record', async () => {
    const ledger = new MemoryLedger();
    const wid = uuid();
    const it1 = await item({ wid, pred: [] });
    await ledger.append(it1.token, it1.payload);
    expect(await ledger.tasks([it1.payload.jti as string, 'not-there'])).toEqual([
      { jti: it1.payload.jti, wid, pred: [], iat: it1.payload.iat },
    ]);
  });
});

describe('MemoryLedger: lookups', () => {
  it('finds entries by jti, wid, iss, exec_act and time range', async () => {
    const ledger = new MemoryLedger();
    const [w1, w2] = [uuid(), uuid()];
    const twice = uuid();
    const specs: [JsonObject, typeof alice][] = [
      [{ wid: w1, exec_act: 'review_spec', jti: twice }, alice],
      [{ wid: w1, exec_act: 'write_code' }, bob],
      [{ wid: w2, exec_act: 'review_spec' }, bob],
      [{ exec_act: 'deploy' }, alice],
      [{ wid: w2, exec_act: 'review_spec', jti: twice }, alice],
    ];
    for (const [i, [overrides, agent]] of specs.entries()) {
      const one = await item(overrides, agent);
      await ledger.append(one.token, one.payload, { now: T_MS + i * 1000 });
    }
    const seqs = (entries: LedgerEntry[]) => entries.map((e) => e.seq);

    expect(seqs(await ledger.byJti(twice))).toEqual([1, 5]);
    expect(seqs(await ledger.byJti(uuid()))).toEqual([]);
    expect(seqs(await ledger.query({ wid: w1 }))).toEqual([1, 2]);
    expect(seqs(await ledger.query({ wid: w2 }))).toEqual([3, 5]);
    expect(seqs(await ledger.query({ iss: bob.iss }))).toEqual([2, 3]);
    expect(seqs(await ledger.query({ exec_act: 'review_spec' }))).toEqual([1, 3, 5]);
    expect(seqs(await ledger.query({ from: T_MS + 1000, to: T_MS + 3000 }))).toEqual([2, 3, 4]);
    expect(seqs(await ledger.query({ from: T_MS + 3500 }))).toEqual([5]);
    expect(seqs(await ledger.query({ to: T_MS }))).toEqual([1]);
    expect(seqs(await ledger.query({ iss: alice.iss, exec_act: 'review_spec', wid: w2 }))).toEqual([5]);
    expect(seqs(await ledger.query({}))).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', async () => {
    const { ledger } = await filled(5);
    const entries = await ledger.entries();
    const report = await verifyChain(entries);
    expect(report).toEqual({
      ok: true,
      length: 5,
      lastSeq: 5,
      head: entries[4]!.entryHash,
      receipts: 0,
      problems: [],
    });
    expect(await ledger.verifyChain()).toEqual(report);
  });

  it('points at the entry whose token was edited (hash_mismatch)', async () => {
    const { ledger, items } = await filled(5);
    const copy = copies(await ledger.entries());
    copy[2]!.token = (await item()).token;
    const report = await verifyChain(copy);
    expect(report.ok).toBe(false);
    expect(report.length).toBe(5);
    expect(report.firstBreak).toMatchObject({ seq: 3, code: 'chain_broken' });
    // The ledger itself was not touched.
    expect((await ledger.verifyChain()).ok).toBe(true);
    expect((await ledger.entries())[2]!.token).toBe(items[2]!.token);
  });

  it('points at the entry whose stored hash was edited (hash_mismatch)', async () => {
    const { ledger } = await filled(3);
    const copy = copies(await ledger.entries());
    copy[1]!.entryHash = sha256('something else');
    expect((await verifyChain(copy)).firstBreak).toMatchObject({ seq: 2, code: 'chain_broken' });
  });

  it('points at the entry whose prev hash was changed (prev_mismatch)', async () => {
    const { ledger } = await filled(5);
    const copy = copies(await ledger.entries());
    copy[2]!.prevHash = sha256('another history');
    const report = await verifyChain(copy);
    expect(report.firstBreak).toMatchObject({ seq: 3, code: 'chain_broken' });
  });

  it('reports a removed entry as a seq_gap at the entry after it', async () => {
    const { ledger } = await filled(5);
    const copy = copies(await ledger.entries());
    copy.splice(2, 1);
    const report = await verifyChain(copy);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 4, code: 'sequence_gap' });
  });
});

describe('receipts', () => {
  const ledgerKey = async (kid = 'ledger-key') => {
    const k = await generateSigningKey({ kid });
    const key: LedgerKey = { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
    return { key, publicKey: k.publicKey };
  };

  it('signs a receipt for each entry that verifyReceipt accepts with the matching seq and entry_hash', async () => {
    const { key, publicKey } = await ledgerKey();
    const { ledger, items } = await filled(3, new MemoryLedger({ key }));
    const entries = await ledger.entries();
    for (const [i, e] of entries.entries()) {
      expect(typeof e.receipt).toBe('string');
      expect(await verifyReceipt(e.receipt!, publicKey)).toEqual({
        seq: i + 1,
        entry_hash: e.entryHash,
        appended_at: NOW + i,
        jti: items[i]!.payload.jti,
      });
    }
    expect((await ledger.verifyChain()).ok).toBe(true);
    expect((await verifyChain(entries, publicKey)).ok).toBe(true);
  });

  it('verifyReceipt refuses another key and garbage', async () => {
    const { key } = await ledgerKey();
    const other = await generateSigningKey({ kid: 'ledger-key' });
    const { ledger } = await filled(1, new MemoryLedger({ key }));
    const [entry] = await ledger.entries();
    expect(await verifyReceipt(entry!.receipt!, other.publicKey)).toBeNull();
    expect(await verifyReceipt('not.a.receipt', other.publicKey)).toBeNull();
  });

  it('a forged receipt fails verifyChain with receipt_invalid', async () => {
    const { key, publicKey } = await ledgerKey();
    const { ledger } = await filled(3, new MemoryLedger({ key }));
    const copy = copies(await ledger.entries());
    const forger = await ledgerKey('ledger-key'); // same kid, another key
    copy[1]!.receipt = await signReceipt(copy[1]!, forger.key);
    const report = await verifyChain(copy, publicKey);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 2, code: 'receipt_invalid' });
    expect(report.problems).toHaveLength(1);
  });

  it('a genuine receipt of another entry fails verifyChain with receipt_mismatch', async () => {
    const { key, publicKey } = await ledgerKey();
    const { ledger } = await filled(2, new MemoryLedger({ key }));
    const copy = copies(await ledger.entries());
    [copy[0]!.receipt, copy[1]!.receipt] = [copy[1]!.receipt, copy[0]!.receipt];
    expect((await verifyChain(copy, publicKey)).firstBreak).toMatchObject({
      seq: 1,
      code: 'receipt_mismatch',
    });
  });
});

/**
 * The one ledger check, against ledgers edited the way an attacker with write access to the store
 * would edit them (issue #12): each edit is found, with the right code, at the entry where it is.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claims, makeAgent, NOW, sign } from '../test/fixtures.ts';
import { computeEntryHash, GENESIS_HASH, signReceipt, type LedgerEntry, type LedgerKey } from './chain.ts';
import { createCheckpoint, readCheckpoint } from './checkpoint.ts';
import { generateSigningKey } from './keys.ts';
import { MemoryLedger } from './ledger.ts';
import { checkLedger, type LedgerCheckOptions, type LedgerCheckReport } from './ledgerCheck.ts';
import { explainLedgerProblem, LEDGER_PROBLEM_CODES } from './ledgerProblems.ts';

const alice = await makeAgent('alice');
const T_MS = NOW * 1000;

async function ledgerKey(kid = 'ledger-1'): Promise<LedgerKey> {
  const k = await generateSigningKey({ kid });
  return { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
}

const key = await ledgerKey();

/** A ledger of `n` signed tokens, one second apart; with the ledger key when `l3`. */
async function ledgerOf(n: number, l3 = true): Promise<LedgerEntry[]> {
  const ledger = new MemoryLedger(l3 ? { key } : {});
  for (let i = 0; i < n; i++) {
    const payload = claims(alice, { exec_act: `task_${i + 1}` });
    await ledger.append(await sign(alice, payload), payload, { now: T_MS + i * 1000 });
  }
  return structuredClone(await ledger.entries());
}

/** What an attacker who can write the store does after editing: every hash from `from` recomputed. */
async function rehash(entries: LedgerEntry[], from = 0): Promise<void> {
  for (let i = from; i < entries.length; i++) {
    const e = entries[i]!;
    e.prevHash = i === 0 ? GENESIS_HASH : entries[i - 1]!.entryHash;
    e.entryHash = await computeEntryHash(e.prevHash, e.token);
  }
}

/** Puts another signed token in the entry, with its claims copy: what a careful attacker does. */
async function swap(entry: LedgerEntry, act = 'approve_payment'): Promise<void> {
  const payload = claims(alice, { exec_act: act });
  entry.token = await sign(alice, payload);
  entry.claims = payload;
  entry.jti = payload.jti as string;
}

/** The problems as "seq:code", in order. */
const found = (r: LedgerCheckReport) => r.problems.map((p) => `${p.seq}:${p.code}`);

const check = (entries: LedgerEntry[], opts: LedgerCheckOptions = { key: key.publicJwk }) =>
  checkLedger(entries, opts);

describe('checkLedger: an untouched ledger', () => {
  it('is intact, every receipt counted, with its head and the key fingerprint', async () => {
    const entries = await ledgerOf(4);
    const r = await check(entries);
    expect(r).toMatchObject({ ok: true, length: 4, lastSeq: 4, receipts: 4, head: entries[3]!.entryHash });
    expect(r.problems).toEqual([]);
    expect(r.firstBreak).toBeUndefined();
    expect(r.keyFingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('an empty ledger is intact, with the genesis head', async () => {
    expect(await check([])).toMatchObject({ ok: true, length: 0, lastSeq: 0, head: GENESIS_HASH });
  });

  it('a ledger without a key needs no receipts', async () => {
    expect((await checkLedger(await ledgerOf(3, false))).ok).toBe(true);
  });
});

describe('checkLedger: an injected hasher (hashEntry)', () => {
  const nodeHash = (prev: string, token: string) =>
    createHash('sha256')
      .update(prev + token)
      .digest('hex');

  it('a synchronous hasher finds the same ledger intact and the same edited entry', async () => {
    const entries = await ledgerOf(4, false);
    const calls: string[] = [];
    const at: number[] = [];
    const hashEntry = (prev: string, token: string, index: number) => (
      calls.push(token),
      at.push(index),
      nodeHash(prev, token)
    );
    expect(await checkLedger(entries, { hashEntry })).toMatchObject({ ok: true, length: 4 });
    expect(calls).toEqual(entries.map((e) => e.token));
    // Each entry's position among those checked, for a caller that hashed them beforehand.
    expect(at).toEqual([0, 1, 2, 3]);
    await swap(entries[1]!);
    expect(found(await checkLedger(entries, { hashEntry }))).toEqual(['2:chain_broken']);
  });

  it('is the hash the check trusts: a hasher that disagrees breaks every entry', async () => {
    const entries = await ledgerOf(2, false);
    const wrong = (prev: string, token: string) => nodeHash(prev, token + ' ');
    expect(found(await checkLedger(entries, { hashEntry: wrong }))).toEqual([
      '1:chain_broken',
      '2:chain_broken',
    ]);
  });
});

describe('checkLedger: claims decoded elsewhere (decodedClaims)', () => {
  it('are what the check shows and compares a stored copy with; undefined: decoded here', async () => {
    const entries = await ledgerOf(3, false);
    const asked: [number, string][] = [];
    const given = { jti: entries[1]!.jti, exec_act: 'decoded elsewhere' };
    const shown: Record<number, unknown> = {};
    const r = await checkLedger(entries, {
      decodedClaims: (i, token) => (asked.push([i, token]), i === 1 ? given : undefined),
      storedClaims: () => undefined,
      onClaims: (i, c) => (shown[i] = c),
    });
    expect(r.ok).toBe(true);
    expect(asked).toEqual(entries.map((e, i) => [i, e.token]));
    expect(shown[1]).toBe(given);
    expect((shown[0] as { exec_act: string }).exec_act).toBe('task_1');
    expect((shown[2] as { exec_act: string }).exec_act).toBe('task_3');
    // A stored jti that is not the given claims' jti is a changed copy, as with claims decoded here.
    entries[1]!.jti = 'forged';
    const changed = await checkLedger(entries, { decodedClaims: (i) => (i === 1 ? given : undefined) });
    expect(found(changed)).toEqual(['2:chain_broken']);
    expect(changed.problems[0]!.message).toContain('jti stored as "forged"');
  });
});

describe('checkLedger: storedClaims', () => {
  it('compares the copy the store says it keeps, and none where it keeps none', async () => {
    const entries = await ledgerOf(3, false);
    entries[1]!.claims = { ...entries[1]!.claims, exec_act: 'approve_payment' };
    expect(found(await checkLedger(entries))).toEqual(['2:chain_broken']);
    const kept = new Set<object>([entries[0]!, entries[2]!]);
    const storedClaims = (e: object) => (kept.has(e) ? (e as LedgerEntry).claims : undefined);
    expect(found(await checkLedger(entries, { storedClaims }))).toEqual([]);
    entries[0]!.claims = { ...entries[0]!.claims, iss: 'spiffe://evil.example/agent' };
    expect(found(await checkLedger(entries, { storedClaims }))).toEqual(['1:chain_broken']);
  });
});

describe('checkLedger: receipt_missing', () => {
  it('a receipt deleted from an L3 entry', async () => {
    const entries = await ledgerOf(4);
    delete entries[2]!.receipt;
    const r = await check(entries);
    expect(found(r)).toEqual(['3:receipt_missing']);
    expect(r.receipts).toBe(3);
    expect(r.problems[0]!.message).toContain('entry #3 has no receipt');
  });

  it('a token swapped, every hash recomputed and the receipts removed', async () => {
    const entries = await ledgerOf(5);
    await swap(entries[2]!, 'approve_payment');
    await rehash(entries, 2);
    for (const e of entries.slice(2)) delete e.receipt;
    expect(found(await check(entries))).toEqual([
      '3:receipt_missing',
      '4:receipt_missing',
      '5:receipt_missing',
    ]);
  });
});

describe('checkLedger: receipt_mismatch', () => {
  it('a token swapped with the chain re-hashed and the receipts kept', async () => {
    const entries = await ledgerOf(4);
    await swap(entries[1]!, 'approve_payment');
    await rehash(entries, 1);
    const r = await check(entries);
    expect(found(r)).toEqual(['2:receipt_mismatch', '3:receipt_mismatch', '4:receipt_mismatch']);
    expect(r.problems[0]!.message).toMatch(/entry_hash .*jti /);
  });

  it('appendedAt changed: the receipt signs another time', async () => {
    const entries = await ledgerOf(3);
    entries[1]!.appendedAt += 86_400_000;
    const r = await check(entries);
    expect(found(r)).toEqual(['2:receipt_mismatch']);
    expect(r.problems[0]!.message).toContain(
      'appended at 2026-01-01T00:00:01Z, the entry says 2026-01-02T00:00:01Z',
    );
  });

  it('a genuine receipt copied from another entry', async () => {
    const entries = await ledgerOf(3);
    entries[2]!.receipt = entries[0]!.receipt!;
    const r = await check(entries);
    expect(found(r)).toEqual(['3:receipt_mismatch']);
    expect(r.problems[0]!.message).toContain('seq 1, the entry is #3');
  });
});

describe('checkLedger: receipt_invalid', () => {
  it('a receipt forged with another key of the same kid', async () => {
    const entries = await ledgerOf(3);
    entries[1]!.receipt = await signReceipt(entries[1]!, await ledgerKey('ledger-1'));
    expect(found(await check(entries))).toEqual(['2:receipt_invalid']);
  });

  it('garbage in place of a receipt', async () => {
    const entries = await ledgerOf(2);
    entries[0]!.receipt = 'not.a.receipt';
    expect(found(await check(entries))).toEqual(['1:receipt_invalid']);
  });

  it('the ledger key swapped, receipts re-signed: intact on its own, found against the pinned key', async () => {
    const entries = await ledgerOf(3);
    const attacker = await ledgerKey('ledger-1');
    await swap(entries[1]!, 'approve_payment');
    await rehash(entries, 1);
    for (const e of entries) e.receipt = await signReceipt(e, attacker);
    // What the ledger declares is the attacker's key: everything agrees with it.
    expect((await checkLedger(entries, { key: attacker.publicJwk })).ok).toBe(true);
    const pinned = await checkLedger(entries, { key: attacker.publicJwk, pinnedKey: key.publicJwk });
    expect(found(pinned)).toEqual(['1:receipt_invalid', '2:receipt_invalid', '3:receipt_invalid']);
    expect(pinned.problems[0]!.message).toContain('its key was replaced');
  });

  it('a receipt in a ledger that has no key', async () => {
    const entries = await ledgerOf(2);
    expect(found(await checkLedger(entries))).toEqual(['1:receipt_invalid', '2:receipt_invalid']);
  });
});

describe('checkLedger: pausing between slices', () => {
  it('finds the same problems, pausing as often as asked', async () => {
    const entries = await ledgerOf(5);
    await swap(entries[1]!, 'approve_payment');
    entries[3]!.receipt = entries[4]!.receipt;
    const whole = await check(entries);
    let pauses = 0;
    const sliced = await check(entries, {
      key: key.publicJwk,
      pause: async () => void pauses++,
      sliceMs: -1, // a pause before every entry
    });
    expect(found(whole)).toEqual(['2:chain_broken', '2:receipt_mismatch', '4:receipt_mismatch']);
    expect(sliced).toEqual(whole);
    expect(pauses).toBe(5);
  });
});

describe('checkLedger: chain_broken', () => {
  it('a token swapped without recomputing anything', async () => {
    const entries = await ledgerOf(4, false);
    await swap(entries[2]!, 'approve_payment');
    const r = await checkLedger(entries);
    expect(found(r)).toEqual(['3:chain_broken']);
    expect(r.problems[0]!.message).toContain('entry #3 was changed after it was appended');
  });

  it('a token swapped with the chain re-hashed (no key): found only as the link before it', async () => {
    const entries = await ledgerOf(4, false);
    await swap(entries[2]!, 'approve_payment');
    entries[2]!.entryHash = await computeEntryHash(entries[2]!.prevHash, entries[2]!.token);
    expect(found(await checkLedger(entries))).toEqual(['4:chain_broken']);
  });

  it('every hash replaced by garbage', async () => {
    const entries = await ledgerOf(3, false);
    entries.forEach((e, i) => {
      e.prevHash = `garbage-${i}`;
      e.entryHash = 'f'.repeat(64);
    });
    const r = await checkLedger(entries);
    expect(new Set(r.problems.map((p) => p.code))).toEqual(new Set(['chain_broken']));
    expect([...new Set(r.problems.map((p) => p.seq))]).toEqual([1, 2, 3]);
    expect(r.problems[0]!.message).toContain('not to the genesis hash');
  });

  it("an entry's stored claims changed without its token", async () => {
    const entries = await ledgerOf(3);
    entries[1]!.claims = { ...entries[1]!.claims, jti: 'forged', iss: 'spiffe://evil', exec_act: 'pay' };
    entries[1]!.jti = 'forged';
    const shown: Record<number, unknown> = {};
    const r = await check(entries);
    expect(found(r)).toEqual(['2:chain_broken']);
    expect(r.problems[0]!.message).toContain('jti, iss, exec_act');
    expect(r.problems[0]!.message).toContain('jti stored as "forged"');
    // What a reader shows instead: the claims decoded from the token (a reader that replaces its
    // copy with them, as the app does, still gets the problem).
    const again = await checkLedger(entries, {
      key: key.publicJwk,
      onClaims: (i, c) => {
        shown[i] = c?.exec_act;
        entries[i]!.claims = c ?? {};
      },
    });
    expect(found(again)).toEqual(['2:chain_broken']);
    expect(shown).toEqual({ 0: 'task_1', 1: 'task_2', 2: 'task_3' });
  });

  it('a stored copy in another key order is the same copy', async () => {
    const entries = await ledgerOf(2);
    entries[0]!.claims = Object.fromEntries(Object.entries(entries[0]!.claims).reverse());
    expect((await check(entries)).ok).toBe(true);
  });
});

describe('checkLedger: sequence_gap', () => {
  it('an entry deleted: the gap and the broken link at the entry after it', async () => {
    const entries = await ledgerOf(5);
    entries.splice(2, 1);
    const r = await check(entries);
    expect(found(r)).toEqual(['4:sequence_gap', '4:chain_broken']);
    expect(r.problems[0]!.message).toBe('entry #3 is missing: #4 follows #2');
  });

  it('an entry deleted and the rest renumbered and reordered', async () => {
    const entries = await ledgerOf(5);
    entries.splice(1, 1);
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    entries.forEach((e, i) => (e.seq = i + 1));
    const r = await check(entries);
    expect(r.ok).toBe(false);
    expect(found(r)).toContain('2:chain_broken');
    expect(found(r)).toContain('2:receipt_mismatch');
    expect(r.problems.every((p) => p.seq >= 2)).toBe(true);
  });

  it('entries out of order', async () => {
    const entries = await ledgerOf(3, false);
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    const r = await checkLedger(entries);
    expect(found(r)).toEqual(['2:sequence_gap', '2:chain_broken', '3:sequence_gap', '3:chain_broken']);
    expect(r.problems[0]!.message).toBe('entry #2 comes after #3: entries were reordered or repeated');
  });
});

describe('checkLedger: checkpoints (checkpoint_mismatch)', () => {
  const checkpointOf = async (entries: LedgerEntry[], size = entries.length) =>
    readCheckpoint(
      await createCheckpoint({ size, head: entries[size - 1]?.entryHash ?? GENESIS_HASH, time: NOW }, key),
    );

  it('a ledger that extends its checkpoint matches it', async () => {
    const entries = await ledgerOf(5);
    const cp = await checkpointOf(entries, 3);
    expect((await check(entries, { key: key.publicJwk, checkpoints: [cp] })).ok).toBe(true);
  });

  it('the last entries deleted: found against a checkpoint (and only so)', async () => {
    const entries = await ledgerOf(5);
    const cp = await checkpointOf(entries);
    entries.splice(3, 2);
    expect((await check(entries)).ok).toBe(true);
    const r = await check(entries, { key: key.publicJwk, checkpoints: [cp] });
    expect(found(r)).toEqual(['5:checkpoint_mismatch']);
    expect(r.problems[0]!.message).toContain(
      'this ledger has only 3 entries: entries #4–#5 were removed (truncated)',
    );
  });

  it('a rewrite with the chain re-hashed and receipts re-signed by a swapped key', async () => {
    const entries = await ledgerOf(4);
    const cp = await checkpointOf(entries);
    const attacker = await ledgerKey('ledger-1');
    await swap(entries[0]!, 'approve_payment');
    await rehash(entries);
    for (const e of entries) e.receipt = await signReceipt(e, attacker);
    // The checkpoint pins its key: the receipts fail under it, and it does not match.
    const r = await checkLedger(entries, { key: attacker.publicJwk, pinnedKey: cp.jwk, checkpoints: [cp] });
    expect(found(r)).toEqual([
      '1:receipt_invalid',
      '2:receipt_invalid',
      '3:receipt_invalid',
      '4:receipt_invalid',
      '4:checkpoint_mismatch',
      '4:checkpoint_mismatch',
    ]);
    expect(r.problems[4]!.message).toContain('the key was replaced');
    expect(r.problems[5]!.message).toContain('entry #4 now has hash');
  });

  it('the key and receipts stripped: the checkpoint says the key was removed', async () => {
    const entries = await ledgerOf(2);
    const cp = await checkpointOf(entries);
    for (const e of entries) delete e.receipt;
    const r = await checkLedger(entries, { pinnedKey: cp.jwk, checkpoints: [cp] });
    expect(found(r)).toEqual(['1:receipt_missing', '2:receipt_missing', '2:checkpoint_mismatch']);
    expect(r.problems[0]!.message).toContain('its key was removed');
    expect(r.problems[2]!.message).toContain('this ledger has no key');
  });
});

describe('checkLedger: as a store uses it', () => {
  it('continuing a check after the first entries gives the same report as checking all of them', async () => {
    const entries = await ledgerOf(6);
    delete entries[1]!.receipt;
    await swap(entries[4]!, 'x');
    const whole = await check(entries);
    const first = await check(entries.slice(0, 3));
    const rest = await checkLedger(entries.slice(3), { key: key.publicJwk, after: first });
    expect(rest).toEqual(whole);
    expect(found(whole)).toEqual(['2:receipt_missing', '5:chain_broken', '5:receipt_mismatch']);
  });

  it('reads an async iterable (a store paging through its entries)', async () => {
    const entries = await ledgerOf(3);
    entries[1]!.appendedAt = 0;
    async function* pages() {
      for (const e of entries) yield e;
    }
    expect(found(await checkLedger(pages(), { key: key.publicJwk }))).toEqual(['2:receipt_mismatch']);
  });

  it('entries the caller made itself are linked, not re-hashed; others are', async () => {
    const entries = await ledgerOf(3);
    entries[2]!.entryHash = 'e'.repeat(64); // would break the chain, were it checked
    const own = new Set<object>([entries[2]!]);
    expect((await checkLedger(entries, { key: key.publicJwk, own })).ok).toBe(true);
    entries[1]!.entryHash = 'e'.repeat(64);
    expect(found(await checkLedger(entries, { key: key.publicJwk, own }))).toEqual([
      '2:chain_broken',
      '2:receipt_mismatch',
      '3:chain_broken',
    ]);
  });

  it('never throws on hostile values', async () => {
    const hostile = [
      { seq: '1', token: 42, appendedAt: 'x', prevHash: null, entryHash: {}, receipt: 7, claims: { a: 1 } },
    ] as unknown as LedgerEntry[];
    const r = await check(hostile);
    expect(r.ok).toBe(false);
    expect(new Set(r.problems.map((p) => p.code))).toEqual(
      new Set(['sequence_gap', 'chain_broken', 'receipt_invalid']),
    );
  });
});

describe('explainLedgerProblem', () => {
  it('explains every code: what, why, what to do', () => {
    for (const code of LEDGER_PROBLEM_CODES) {
      const x = explainLedgerProblem(code);
      expect(x.code).toBe(code);
      for (const part of [x.title, x.what, x.why, x.fix]) expect(part.length).toBeGreaterThan(10);
    }
  });
});

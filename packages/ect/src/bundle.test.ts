/**
 * Ledger bundles and checkpoints: written, read back with clear errors, and checked, against the
 * forged bundles of issue #12 (each imported as "intact" before).
 */
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { claims, makeAgent, NOW, sign } from '../test/fixtures.ts';
import { encodeBase64UrlText, utf8Encode } from './base64url.ts';
import {
  BundleError,
  checkBundle,
  isBundleDocument,
  makeBundle,
  parseBundle,
  type LedgerBundle,
} from './bundle.ts';
import { computeEntryHash, GENESIS_HASH, signReceipt, type LedgerKey } from './chain.ts';
import {
  CHECKPOINT_TYP,
  CheckpointError,
  createCheckpoint,
  keyFingerprint,
  readCheckpoint,
} from './checkpoint.ts';
import { generateSigningKey } from './keys.ts';
import { MemoryLedger } from './ledger.ts';
import type { LedgerCheckReport } from './ledgerCheck.ts';

const alice = await makeAgent('alice');

async function ledgerKey(kid = 'ledger-1'): Promise<LedgerKey> {
  const k = await generateSigningKey({ kid });
  return { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
}
const key = await ledgerKey();

/** A bundle of `n` entries of an L3 ledger, with its checkpoint, as the app exports it. */
async function exported(n = 5): Promise<LedgerBundle> {
  const ledger = new MemoryLedger({ key });
  for (let i = 0; i < n; i++) {
    const payload = claims(alice, { exec_act: `task_${i + 1}` });
    await ledger.append(await sign(alice, payload), payload, { now: (NOW + i) * 1000 });
  }
  const entries = await ledger.entries();
  const checkpoint = await createCheckpoint(
    { size: n, head: entries.at(-1)!.entryHash, time: NOW + 60 },
    key,
  );
  // Through JSON, as a file would be.
  return JSON.parse(
    JSON.stringify(makeBundle({ name: 'release', entries, ledgerKey: key.publicJwk, checkpoint, trust: {} })),
  ) as LedgerBundle;
}

async function swapToken(b: LedgerBundle, i: number): Promise<void> {
  b.entries[i]!.token = await sign(alice, claims(alice, { exec_act: 'approve_payment' }));
}
async function rehash(b: LedgerBundle, from: number): Promise<void> {
  for (let i = from; i < b.entries.length; i++) {
    const e = b.entries[i]!;
    e.prevHash = i === 0 ? GENESIS_HASH : b.entries[i - 1]!.entryHash;
    e.entryHash = await computeEntryHash(e.prevHash, e.token);
  }
  b.head = { seq: b.entries.at(-1)!.seq, entryHash: b.entries.at(-1)!.entryHash };
}
const codes = (r: LedgerCheckReport) => [...new Set(r.problems.map((p) => p.code))].sort();
const seqs = (r: LedgerCheckReport) => [...new Set(r.problems.map((p) => p.seq))];

describe('makeBundle and parseBundle', () => {
  it('round-trips: what is written reads back, and checks intact with its own checkpoint', async () => {
    const b = await exported();
    expect(parseBundle(JSON.stringify(b))).toEqual(b);
    expect(b.head).toEqual({ seq: 5, entryHash: b.entries[4]!.entryHash });
    expect(Object.keys(b.entries[0]!).sort()).toEqual([
      'appendedAt',
      'entryHash',
      'prevHash',
      'receipt',
      'seq',
      'token',
    ]);
    expect(b.ledgerKey).not.toHaveProperty('d');
    const r = await checkBundle(b);
    expect(r).toMatchObject({ ok: true, length: 5, receipts: 5 });
  });

  it('refuses what is not a bundle, naming the field', () => {
    const bad = (doc: unknown) => () => parseBundle(typeof doc === 'string' ? doc : JSON.stringify(doc));
    expect(bad('{"format":')).toThrow(/^the bundle is not JSON: /);
    expect(bad([])).toThrow('a ledger bundle is a JSON object');
    expect(bad({ entries: [] })).toThrow('no "format": "ect-workbench-ledger"');
    expect(bad({ format: 'x' })).toThrow('"format" is "x", expected "ect-workbench-ledger"');
    expect(bad({ format: 'ect-workbench-ledger', version: 2 })).toThrow('bundle version 2 is not supported');
    const base = { format: 'ect-workbench-ledger', version: 1, head: { seq: 0, entryHash: GENESIS_HASH } };
    expect(bad({ ...base, entries: {} })).toThrow('"entries" must be an array');
    const entry = { seq: 1, token: 't', appendedAt: 0, prevHash: 'p', entryHash: 'h' };
    expect(bad({ ...base, entries: [entry, 'x'] })).toThrow('entries[1] must be an object, not "x"');
    expect(bad({ ...base, entries: [{ ...entry, seq: '1' }] })).toThrow(
      'entries[0].seq must be a whole number, not "1"',
    );
    expect(bad({ ...base, entries: [{ ...entry, entryHash: 7 }] })).toThrow(
      'entries[0].entryHash must be text',
    );
    expect(bad({ ...base, entries: [{ ...entry, receipt: {} }] })).toThrow(
      'entries[0].receipt must be a compact JWS',
    );
    expect(bad({ ...base, entries: [], head: null })).toThrow('"head" must be');
    expect(bad({ ...base, entries: [], ledgerKey: { kty: 'RSA' } })).toThrow('"ledgerKey" must be');
    expect(
      bad({ ...base, entries: [], ledgerKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' } }),
    ).toThrow('holds a private key');
    try {
      bad({})();
    } catch (e) {
      expect(e).toBeInstanceOf(BundleError);
      expect((e as BundleError).code).toBe('ERR_ECT_BUNDLE');
    }
  });

  it('isBundleDocument: by its format, or by entries that carry hashes (a format removed)', () => {
    expect(isBundleDocument({ format: 'ect-workbench-ledger' })).toBe(true);
    expect(isBundleDocument({ entries: [{ token: 't', entryHash: 'h' }] })).toBe(true);
    expect(isBundleDocument({ entries: [{ token: 't' }] })).toBe(false);
    expect(isBundleDocument({ tokens: [] })).toBe(false);
    expect(isBundleDocument(['t'])).toBe(false);
  });
});

describe('checkBundle: forged bundles', () => {
  it('a token swapped', async () => {
    const b = await exported();
    await swapToken(b, 2);
    const r = await checkBundle(b);
    expect(codes(r)).toEqual(['chain_broken', 'receipt_mismatch']);
    expect(seqs(r)).toEqual([3]);
  });

  it('a receipt forged', async () => {
    const b = await exported();
    const e = b.entries[1]!;
    e.receipt = await signReceipt({ ...e, jti: 'x', claims: {} }, await ledgerKey());
    const r = await checkBundle(b);
    expect(r.problems.map((p) => `${p.seq}:${p.code}`)).toEqual(['2:receipt_invalid']);
  });

  it('a swap with the chain re-hashed, receipts kept', async () => {
    const b = await exported();
    await swapToken(b, 1);
    await rehash(b, 1);
    const r = await checkBundle(b);
    expect(codes(r)).toEqual(['checkpoint_mismatch', 'receipt_mismatch']);
    expect(seqs(r)).toEqual([2, 3, 4, 5]);
  });

  it('a swap with the chain re-hashed, receipts stripped with the key: found by its checkpoint, a pinned key or a kept checkpoint', async () => {
    const kept = await readCheckpoint((await exported()).checkpoint!); // of another export: same key
    const b = await exported();
    const own = await readCheckpoint(b.checkpoint!);
    await swapToken(b, 1);
    await rehash(b, 1);
    for (const e of b.entries) delete e.receipt;
    delete b.ledgerKey;
    // Its own checkpoint names the key it stripped.
    expect(codes(await checkBundle(b))).toEqual(['checkpoint_mismatch']);
    delete b.checkpoint;
    // Now the bundle agrees with itself; the reader's pins do not.
    expect((await checkBundle(b)).ok).toBe(true);
    const pinnedKey = await checkBundle(b, { pinnedKey: key.publicJwk });
    expect(codes(pinnedKey)).toEqual(['receipt_missing']);
    expect(seqs(pinnedKey)).toEqual([1, 2, 3, 4, 5]);
    const pinned = await checkBundle(b, { checkpoint: own });
    expect(codes(pinned)).toEqual(['checkpoint_mismatch', 'receipt_missing']);
    expect(pinned.problems.find((p) => p.code === 'checkpoint_mismatch')!.message).toContain(
      'this ledger has no key',
    );
    expect((await checkBundle(b, { checkpoint: kept })).ok).toBe(false);
  });

  it('every hash replaced by garbage', async () => {
    const b = await exported(3);
    for (const e of b.entries) {
      e.prevHash = 'garbage';
      e.entryHash = 'more garbage';
    }
    const r = await checkBundle(b);
    expect(r.ok).toBe(false);
    expect(seqs(r)).toEqual([1, 2, 3]);
    expect(r.problems.filter((p) => p.code === 'chain_broken').length).toBeGreaterThanOrEqual(3);
  });

  it('an entry deleted and the rest reordered', async () => {
    const b = await exported();
    b.entries.splice(1, 1);
    b.entries.reverse();
    const r = await checkBundle(b);
    expect(codes(r)).toContain('sequence_gap');
    expect(codes(r)).toContain('chain_broken');
  });

  it('the last entries removed and the head moved back: found against a kept checkpoint', async () => {
    const b = await exported();
    const kept = await readCheckpoint(b.checkpoint!);
    b.entries.splice(3);
    delete b.checkpoint;
    b.head = { seq: 3, entryHash: b.entries[2]!.entryHash };
    expect((await checkBundle(b)).ok).toBe(true);
    const r = await checkBundle(b, { checkpoint: kept });
    expect(r.problems.map((p) => `${p.seq}:${p.code}`)).toEqual(['5:checkpoint_mismatch']);
    expect(r.problems[0]!.message).toContain('entries #4–#5 were removed (truncated)');
  });

  it('the last entries removed, the head left: a sequence gap at the head', async () => {
    const b = await exported();
    b.entries.splice(3);
    delete b.checkpoint;
    expect((await checkBundle(b)).problems.map((p) => `${p.seq}:${p.code}`)).toEqual(['5:sequence_gap']);
  });

  it('its checkpoint garbled', async () => {
    const b = await exported();
    b.checkpoint = `${b.checkpoint!.slice(0, -4)}AAAA`;
    const r = await checkBundle(b);
    expect(r.problems.map((p) => `${p.seq}:${p.code}`)).toEqual(['5:checkpoint_mismatch']);
    expect(r.problems[0]!.message).toContain("the bundle's checkpoint cannot be used");
  });
});

describe('checkpoints', () => {
  it('sign and read back: size, head, time, and the key by fingerprint and JWK', async () => {
    const head = 'a'.repeat(64);
    const jws = await createCheckpoint({ size: 7, head, time: NOW }, key);
    const cp = await readCheckpoint(jws);
    expect(cp).toMatchObject({ size: 7, head, time: NOW, key: await keyFingerprint(key.publicJwk), jws });
    expect(cp.jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.publicJwk.x,
      y: key.publicJwk.y,
      kid: 'ledger-1',
    });
    // Also from a JSON file holding it (a saved checkpoint, or a bundle).
    expect(await readCheckpoint(JSON.stringify({ checkpoint: jws }))).toEqual(cp);
  });

  it('refuses a changed, foreign or malformed checkpoint with a clear reason', async () => {
    const jws = await createCheckpoint({ size: 2, head: 'b'.repeat(64), time: NOW }, key);
    const [h, , s] = jws.split('.');
    const forged = `${h}.${encodeBase64UrlText(JSON.stringify({ size: 9, head: 'b'.repeat(64), time: NOW }))}.${s}`;
    await expect(readCheckpoint(forged)).rejects.toThrow('signature does not verify');
    await expect(readCheckpoint('abc')).rejects.toThrow('a checkpoint is a compact JWS');
    await expect(readCheckpoint('{"x":1}')).rejects.toThrow('holds no "checkpoint"');
    const receiptLike = await new CompactSign(utf8Encode('{}'))
      .setProtectedHeader({ alg: 'ES256', typ: 'ect-receipt+jwt' })
      .sign(key.privateKey);
    await expect(readCheckpoint(receiptLike)).rejects.toThrow('not a ledger checkpoint');
    // Signed by one key while naming another.
    const other = await ledgerKey();
    const lying = await new CompactSign(
      utf8Encode(
        JSON.stringify({
          size: 1,
          head: 'c'.repeat(64),
          time: NOW,
          key: await keyFingerprint(other.publicJwk),
        }),
      ),
    )
      .setProtectedHeader({
        alg: 'ES256',
        typ: CHECKPOINT_TYP,
        jwk: { kty: 'EC', crv: 'P-256', x: key.publicJwk.x!, y: key.publicJwk.y! },
      })
      .sign(key.privateKey);
    await expect(readCheckpoint(lying)).rejects.toThrow(CheckpointError);
    await expect(readCheckpoint(lying)).rejects.toThrow('but is signed by key');
  });
});

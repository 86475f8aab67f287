import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { encodeBase64UrlText, generateSigningKey, MemoryLedger, type LedgerEntry } from 'wimse-ect';
import { WorkbenchDb } from './db.ts';
import { IndexedDbLedger, LedgerCatalog, SEGMENT_SIZE, type SegmentRecord } from './ledger.ts';
import type { StoredEntry } from './ledgerEntries.ts';
import { segmentEntries } from './testSegments.ts';

let dbCount = 0;
const dbName = () => `segments-test-${++dbCount}`;

const claims = (i: number, extra: Record<string, unknown> = {}) => ({
  jti: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  iss: `spiffe://example.com/agent/${i % 2 ? 'a' : 'b'}`,
  exec_act: i % 3 ? 'review_spec' : 'run_tests',
  ...extra,
});
/** An unsigned token carrying `c` (the ledger stores and hashes tokens; it does not verify them). */
const item = (c: Record<string, unknown>) => ({
  token: `${encodeBase64UrlText('{"alg":"none"}')}.${encodeBase64UrlText(JSON.stringify(c))}.`,
  claims: c,
});

/** The database as version 4 of the app left it: versions 1-4 of the schema, nothing more. */
function version4(name: string): Dexie {
  const old = new Dexie(name, { indexedDB, IDBKeyRange });
  old.version(1).stores({ keys: 'id, kid, issuer, createdAt', meta: 'key' });
  old.version(2).stores({ ledgers: 'id, name, createdAt', entries: '[ledgerId+seq]' });
  old.version(3).stores({ entries: null, segments: '[ledgerId+firstSeq], [ledgerId+lastSeq]' });
  old.version(4).stores({});
  return old;
}

/** An entry as version 4 stored it since session 6: the token, copies of four claims, no claims object. */
function v4Stored(e: LedgerEntry): StoredEntry {
  const out: StoredEntry = {
    token: e.token,
    claims: {},
    appendedAt: e.appendedAt,
    prevHash: e.prevHash,
    entryHash: e.entryHash,
    claimsInToken: true,
    jti: e.jti,
  };
  if (e.receipt !== undefined) out.receipt = e.receipt;
  for (const k of ['wid', 'iss', 'exec_act'] as const)
    if (typeof e.claims[k] === 'string') out[k] = e.claims[k] as string;
  return out;
}

async function openNew(db: WorkbenchDb) {
  const meta = await new LedgerCatalog(db).create('test');
  return IndexedDbLedger.open(db, meta.id);
}

describe('version 5: segments as columns', () => {
  it('migrates version-4 segments: the same entries read back, chain and receipts intact, a stored copy still compared', async () => {
    const name = dbName();
    const k = await generateSigningKey({ kid: 'ledger-key' });
    const key = { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
    const memory = new MemoryLedger({ key });
    for (let i = 1; i <= 1203; i++) {
      const { token, claims: c } = item(claims(i, i % 5 ? { wid: `w${i % 4}` } : { wid: '' }));
      await memory.append(token, c, { now: i * 1000 });
    }
    const all = await memory.entries();
    const old = version4(name);
    await old.table('ledgers').add({ id: 'signed', name: 'signed', createdAt: 1, key });
    const stored = all.map(v4Stored);
    // Entry 7 as migrated from version 2: its claims stored, and edited there (a forged copy).
    stored[6] = { ...stored[6]!, claims: { ...all[6]!.claims, exec_act: 'approve_payment' } };
    delete stored[6]!.claimsInToken;
    // Entry 8 stored without copies (its claims were too deep to store, before session 6).
    stored[7] = { ...stored[7]!, claims: {} };
    for (const c of ['jti', 'wid', 'iss', 'exec_act'] as const) delete stored[7]![c];
    await old.table('segments').bulkAdd([
      { ledgerId: 'signed', firstSeq: 1, lastSeq: 1000, entries: stored.slice(0, 1000) },
      { ledgerId: 'signed', firstSeq: 1001, lastSeq: 1203, entries: stored.slice(1000) },
    ]);
    old.close();

    const db = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
    const ledger = await IndexedDbLedger.open(db, 'signed');
    const segments = await db.segments.toArray();
    expect(segments.map((s) => [s.firstSeq, s.lastSeq, s.tokens.length, 'entries' in s])).toEqual([
      [1, 1000, 1000, false],
      [1001, 1203, 203, false],
    ]);
    const read = await ledger.entries();
    expect(read.map((e) => e.token)).toEqual(all.map((e) => e.token));
    expect(read.map((e) => e.receipt)).toEqual(all.map((e) => e.receipt));
    expect(read.map((e) => e.entryHash)).toEqual(all.map((e) => e.entryHash));
    // wid absent and wid empty stay apart
    expect(read[4]!.wid).toBe('');
    expect(read[5]!.wid).toBe('w2');
    expect(read[7]).toMatchObject({ jti: claims(8).jti, iss: claims(8).iss, exec_act: claims(8).exec_act });
    expect(ledger.head).toEqual({ seq: 1203, hash: all.at(-1)!.entryHash });
    const report = await ledger.verifyChain();
    expect(report.problems.map((p) => `${p.seq}:${p.code}`)).toEqual(['7:chain_broken']);
    expect(report.problems[0]!.message).toContain(
      "entry #7's stored claims differ from its token (exec_act)",
    );
    expect(report.receipts).toBe(1203);
    // and it appends on from where it was
    const next = item(claims(1204));
    await ledger.append(next.token, next.claims);
    expect((await ledger.entries(1204))[0]!.prevHash).toBe(all.at(-1)!.entryHash);
  });

  it('stores tokens whatever characters they hold, and wid, iss, exec_act absent apart from empty', async () => {
    const db = new WorkbenchDb(dbName(), { indexedDB, IDBKeyRange });
    const ledger = await openNew(db);
    const odd = ['a\nb', '', '\u0000,;|\t', 'émoji 🧾 \ud800', 'x'.repeat(5000)];
    // No jti: these are not tokens, and the check compares the stored jti with the one decoded ('').
    const items = odd.map((token, i) => ({ token, claims: i % 2 ? { wid: '', iss: `i${i}` } : {} }));
    await ledger.appendBatch(items);
    const read = await ledger.entries();
    expect(read.map((e) => e.token)).toEqual(odd);
    expect(read.map((e) => [e.jti, e.wid, e.iss, e.exec_act])).toEqual([
      ['', undefined, undefined, undefined],
      ['', '', 'i1', undefined],
      ['', undefined, undefined, undefined],
      ['', '', 'i3', undefined],
      ['', undefined, undefined, undefined],
    ]);
    expect((await ledger.verifyChain()).ok).toBe(true);
    const [segment] = await db.segments.toArray();
    expect(segment!.tokens).toEqual(odd);
    expect(segmentEntries(segment!).map((e) => e.token)).toEqual(odd);
  });
});

/** A ledger of SEGMENT_SIZE + 5 entries (two segments), with the second segment edited by `edit`. */
async function damaged(edit: (s: SegmentRecord & Record<string, unknown>) => void) {
  const db = new WorkbenchDb(dbName(), { indexedDB, IDBKeyRange });
  const ledger = await openNew(db);
  const n = SEGMENT_SIZE + 5;
  await ledger.appendBatch(Array.from({ length: n }, (_, i) => item(claims(i + 1))));
  await db.segments
    .where('[ledgerId+firstSeq]')
    .equals([ledger.id, SEGMENT_SIZE + 1])
    .modify((s) => edit(s as SegmentRecord & Record<string, unknown>));
  const again = await IndexedDbLedger.open(db, ledger.id);
  const report = await again.verifyChain();
  const entries = await again.entries();
  const { damage } = await again.entriesToCheck();
  return { report, entries, damage, n };
}

const at = SEGMENT_SIZE + 1;
const range = `#${at}–#${SEGMENT_SIZE + 5}`;

describe('a segment edited into another shape: a specific finding, never a throw', () => {
  const cases: [string, (s: SegmentRecord & Record<string, unknown>) => void, string][] = [
    [
      'tokens as one string',
      (s) => (s.tokens = s.tokens.join('') as unknown as string[]),
      'its tokens column is string, not an array of strings',
    ],
    [
      'tokens removed',
      (s) => delete (s as Record<string, unknown>).tokens,
      'its tokens column is undefined, not an array of strings',
    ],
    [
      'a token made a number',
      (s) => ((s.tokens as unknown[])[2] = 7),
      'its tokens column has number as its piece 3, not a string',
    ],
    [
      'a hash character removed',
      (s) => (s.hashes = s.hashes.slice(1)),
      'its hashes have 639 characters, not 128 for each of 5 entries (640)',
    ],
    ['hashes as a number', (s) => (s.hashes = 7 as unknown as string), 'its hashes are number, not a string'],
    [
      'append times one short',
      (s) => (s.appendedAt = s.appendedAt.slice(1)),
      'its append times hold 4 values for 5 entries',
    ],
    [
      'append times as an array',
      (s) => (s.appendedAt = [...s.appendedAt] as unknown as Float64Array),
      'its append times are Array, not a Float64Array',
    ],
    [
      'jti column of another length',
      (s) => (s.jti = { text: '', ends: new Uint32Array(2) }),
      'its jti column has 2 end offsets for 5 entries',
    ],
    [
      'presence flags removed',
      (s) => delete (s as Record<string, unknown>).present,
      'its presence flags are undefined, not a Uint8Array (a piece is taken as present when not empty)',
    ],
    [
      'stored claims as a string',
      (s) => (s.claims = 'x' as unknown as Record<number, Record<string, unknown>>),
      'its stored claims are string, not an object',
    ],
  ];
  for (const [what, edit, message] of cases)
    it(`${what}: said at entry #${at}, the other segment read as it is`, async () => {
      const { report, entries, damage, n } = await damaged(edit);
      expect(damage).toHaveLength(1);
      expect(damage[0]!.seq).toBe(at);
      expect(damage[0]!.message).toContain(`the stored segment of entries ${range} is damaged: `);
      expect(damage[0]!.message).toContain(message);
      expect(report.ok).toBe(false);
      expect(report.problems.find((p) => p.message === damage[0]!.message)).toMatchObject({
        seq: at,
        code: 'chain_broken',
      });
      // Nothing before the damaged segment is faulted, and its entries are still there.
      expect(report.firstBreak!.seq).toBe(at);
      expect(entries).toHaveLength(n);
      expect(entries.slice(0, SEGMENT_SIZE).every((e) => e.token.startsWith('eyJ'))).toBe(true);
    });

  it('keyed for more entries than it holds: said, and the missing entries are a sequence gap', async () => {
    const { report, damage } = await damaged((s) => (s.lastSeq += 2));
    expect(damage[0]!.message).toContain(
      `it is keyed #${at}–#${SEGMENT_SIZE + 7} (7 entries) but holds 5 tokens`,
    );
    expect(report.firstBreak!.seq).toBe(at);
  });

  it('in version 4 form after the migration: read as it is, and said', async () => {
    const { report, entries, damage } = await damaged((s) => {
      const { token, appendedAt, prevHash, entryHash, jti } = segmentEntries(s)[0]!;
      for (const k of Object.keys(s)) if (!['ledgerId', 'firstSeq', 'lastSeq'].includes(k)) delete s[k];
      s.lastSeq = s.firstSeq;
      s.entries = [{ token, claims: {}, claimsInToken: true, appendedAt, prevHash, entryHash, jti }];
    });
    expect(damage[0]!.message).toContain('is in the form of version 4 (an object per entry)');
    expect(entries).toHaveLength(SEGMENT_SIZE + 1);
    expect(entries.at(-1)!.jti).toBe(claims(at).jti);
    // Its own entry checks: only the damage is reported there.
    expect(report.problems.map((p) => p.seq)).toEqual([at]);
  });

  it('a record with no usable first sequence number: said at its last, the rest read', async () => {
    const db = new WorkbenchDb(dbName(), { indexedDB, IDBKeyRange });
    const ledger = await openNew(db);
    await ledger.appendBatch([1, 2, 3].map((i) => item(claims(i))));
    await db.segments.put({ ledgerId: ledger.id, firstSeq: 2.5, lastSeq: 3 } as unknown as SegmentRecord);
    const { entries, damage } = await ledger.entriesToCheck();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(damage).toEqual([
      {
        seq: 3,
        message:
          'the stored segment of entries #2.5–#3 has no usable first sequence number: none of its entries can be placed',
      },
    ]);
    expect((await ledger.verifyChain()).problems.map((p) => `${p.seq}:${p.code}`)).toEqual([
      '3:chain_broken',
    ]);
  });
});

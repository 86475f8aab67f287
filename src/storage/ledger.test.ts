import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { Dexie } from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import {
  decodeToken,
  encodeBase64UrlText,
  generateSigningKey,
  GENESIS_HASH,
  jsonDepth,
  MemoryLedger,
} from 'wimse-ect';
import { WorkbenchDb } from './db.ts';
import { columnsOf } from './segmentColumns.ts';
import { editSegment, segmentEntries } from './testSegments.ts';
import {
  IndexedDbLedger,
  LedgerCatalog,
  LedgerConflictError,
  LedgerDeletedError,
  removeOrphanSegments,
  SEGMENT_SIZE,
  storedClaims,
  CLAIMS_NOT_READ,
  type V2EntryRecord,
} from './ledger.ts';

let dbCount = 0;
const freshDb = () => new WorkbenchDb(`ledger-test-${++dbCount}`, { indexedDB, IDBKeyRange });

const claims = (i: number, extra: Record<string, unknown> = {}) => ({
  jti: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  iss: `spiffe://example.com/agent/${i % 2 ? 'a' : 'b'}`,
  exec_act: i % 3 ? 'review_spec' : 'run_tests',
  pred: i > 1 ? [`00000000-0000-4000-8000-${String(i - 1).padStart(12, '0')}`] : [],
  ...extra,
});

/**
 * An unsigned (L1) token carrying `c` and a `label` that makes it unique, and its claims: the
 * ledger check compares the claims a store keeps with those decoded from the token.
 */
const item = (label: string, c: Record<string, unknown>) => {
  const labelled = { ...c, label };
  return { token: encodeBase64UrlText(JSON.stringify(labelled)), claims: labelled };
};
const t = (label: string, c: Record<string, unknown>): [string, Record<string, unknown>] => {
  const made = item(label, c);
  return [made.token, made.claims];
};

async function openNew(db: WorkbenchDb, opts = {}) {
  const meta = await new LedgerCatalog(db).create('test', opts);
  return IndexedDbLedger.open(db, meta.id);
}

describe('IndexedDbLedger', () => {
  it('chains entries exactly as the in-memory ledger does', async () => {
    const ledger = await openNew(freshDb());
    const memory = new MemoryLedger();
    for (let i = 1; i <= 5; i++) {
      const a = await ledger.append(...t(`token-${i}`, claims(i)), { now: 1000 });
      const b = await memory.append(...t(`token-${i}`, claims(i)), { now: 1000 });
      expect(a.entryHash).toBe(b.entryHash);
      expect(a.seq).toBe(i);
    }
    const entries = await ledger.entries();
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(await ledger.size()).toBe(5);
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('keeps its task index for the DAG rules, and rebuilds it on open', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    await ledger.appendBatch([1, 2, 3].map((i) => item(`t${i}`, claims(i))));
    expect(await ledger.tasks([claims(2).jti])).toHaveLength(1);
    const reopened = await IndexedDbLedger.open(db, ledger.id);
    expect((await reopened.tasks([claims(3).jti]))[0]!.pred).toEqual([claims(2).jti]);
  });

  it('reads its task index when first asked: appends of either tab before or after are in it', async () => {
    const db = freshDb();
    const tabA = await openNew(db);
    await tabA.appendBatch([1, 2].map((i) => item(`t${i}`, claims(i))));
    const tabB = await IndexedDbLedger.open(db, tabA.id);
    expect(tabB.head.seq).toBe(2);
    await tabA.appendBatch([item('t3', claims(3))]);
    await tabB.refresh(); // before tabB's index is read
    expect((await tabB.tasks([claims(1).jti, claims(3).jti])).map((task) => task.jti)).toEqual([
      claims(1).jti,
      claims(3).jti,
    ]);
    await tabA.appendBatch([item('t4', claims(4))]);
    await tabB.refresh(); // after
    await tabB.appendBatch([item('t5', claims(5))]); // its own, after
    expect(await tabB.tasks([claims(4).jti, claims(5).jti])).toHaveLength(2);
    expect((await tabB.verifyChain()).ok).toBe(true);
  });

  it('two tabs appending at once keep every append once, with an intact chain', async () => {
    const db = freshDb();
    const tabA = await openNew(db);
    const tabB = await IndexedDbLedger.open(db, tabA.id);
    const writes: Promise<unknown>[] = [];
    for (let i = 1; i <= 20; i++) {
      writes.push((i % 2 ? tabA : tabB).append(...t(`token-${i}`, claims(i))));
    }
    await Promise.all(writes);
    const entries = await tabA.entries();
    expect(entries).toHaveLength(20);
    expect(new Set(entries.map((e) => e.token)).size).toBe(20);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await tabB.verifyChain()).ok).toBe(true);
  });

  it('two tabs appending batches of several segments at once: no overlap, every entry once', async () => {
    const db = freshDb();
    const tabA = await openNew(db);
    const tabB = await IndexedDbLedger.open(db, tabA.id);
    const batch = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => item(`${tag}-${i}`, claims(i + 1)));
    await Promise.all([
      tabA.appendBatch(batch('a', 1500)),
      tabB.appendBatch(batch('b', 1500)),
      tabA.appendBatch(batch('c', 7)),
    ]);
    const entries = await tabA.entries();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 3007 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.token)).size).toBe(3007);
    expect((await tabB.verifyChain()).ok).toBe(true);
    // Each batch in whole segments of its own, one after the other.
    const segments = await db.segments.toArray();
    for (let i = 1; i < segments.length; i++)
      expect(segments[i]!.firstSeq).toBe(segments[i - 1]!.lastSeq + 1);
    expect(Math.max(...segments.map((s) => s.tokens.length))).toBe(SEGMENT_SIZE);
    // Another tab catches up with what tab A wrote since it opened.
    const tabC = await IndexedDbLedger.open(db, tabA.id);
    await tabA.appendBatch(batch('d', 3));
    expect(await tabC.refresh()).toBe(3);
    expect(tabC.head).toEqual({ seq: 3010, hash: tabA.head.hash });
    expect(await tabC.size()).toBe(3010);
  });

  it('a segment already written at the same first sequence number: ConstraintError, retried, nothing written', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    await ledger.append(...t('first', claims(1)));
    // A record at [ledger, 2] that the head (found by lastSeq) does not show: every try to write
    // entry 2 collides with it.
    await db.segments.add(columnsOf(ledger.id, 2, [])); // firstSeq 2, lastSeq 1
    const add = db.segments.add.bind(db.segments);
    let tries = 0;
    db.segments.add = (...args: Parameters<typeof add>) => (tries++, add(...args));
    await expect(ledger.append(...t('second', claims(2)))).rejects.toThrow(LedgerConflictError);
    expect(tries).toBe(20);
    expect((await ledger.entries()).map((e) => e.token)).toEqual([t('first', claims(1))[0]]);
    // Once it is gone, the same ledger appends on.
    await db.segments.delete([ledger.id, 2]);
    await ledger.append(...t('second', claims(2)));
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('reads any range of entries across segment boundaries', async () => {
    const ledger = await openNew(freshDb());
    const items = Array.from({ length: 2500 }, (_, i) => item(`t${i + 1}`, claims(i + 1)));
    await ledger.appendBatch(items.slice(0, 1200));
    await ledger.appendBatch(items.slice(1200));
    const all = await ledger.entries();
    expect(all.map((e) => e.token)).toEqual(items.map((i) => i.token));
    for (const [from, to] of [
      [1, 1],
      [999, 1002],
      [1199, 1201],
      [2200, 2500],
      [2500, 9999],
      [2501, 3000],
    ] as const) {
      expect((await ledger.entries(from, to)).map((e) => e.seq)).toEqual(
        all.filter((e) => e.seq >= from && e.seq <= to).map((e) => e.seq),
      );
    }
    expect(await ledger.size()).toBe(2500);
  });

  it('reads a ledger of more segments than one request takes, and segments edited to share a lastSeq', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    for (let b = 0; b < 25; b++)
      await ledger.appendBatch(
        Array.from({ length: 4 }, (_, i) => item(`t${b * 4 + i + 1}`, claims(b * 4 + i + 1))),
      );
    const all = await ledger.entries();
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await ledger.entries(41, 83)).map((e) => e.seq)).toEqual(all.slice(40, 83).map((e) => e.seq));
    // Behind the store's back: three more segments ending where the 10th does (#40), one request's end.
    const tenth = (await db.segments.get([ledger.id, 37]))!;
    for (const firstSeq of [34, 36, 38]) await db.segments.add({ ...tenth, firstSeq });
    expect((await ledger.entries()).length).toBe(100 + 3 * 4);
  });

  it('migrates a version-2 database (one record per entry) to segments, chain and receipts intact', async () => {
    const name = `ledger-test-${++dbCount}`;
    const k = await generateSigningKey({ kid: 'ledger-key' });
    const key = { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
    // The app as it was: versions 1 and 2 of the schema only.
    const old = new Dexie(name, { indexedDB, IDBKeyRange });
    old.version(1).stores({ keys: 'id, kid, issuer, createdAt', meta: 'key' });
    old.version(2).stores({
      ledgers: 'id, name, createdAt',
      entries:
        '[ledgerId+seq], [ledgerId+jti], [ledgerId+wid], [ledgerId+iss], [ledgerId+exec_act], [ledgerId+appendedAt]',
    });
    const memories = { big: new MemoryLedger(), signed: new MemoryLedger({ key }) };
    const rows: V2EntryRecord[] = [];
    for (const [id, memory] of Object.entries(memories)) {
      const n = id === 'big' ? 2345 : 3;
      for (let i = 1; i <= n; i++) {
        const e = await memory.append(...t(`${id}-${i}`, claims(i, { wid: `w${i % 4}` })), { now: i * 1000 });
        rows.push({ ...e, ledgerId: id, wid: `w${i % 4}`, iss: claims(i).iss, exec_act: claims(i).exec_act });
      }
      await old
        .table('ledgers')
        .add(id === 'signed' ? { id, name: id, createdAt: 1, key } : { id, name: id, createdAt: 2 });
    }
    await old.table('entries').bulkAdd(rows);
    old.close();

    const db = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
    const big = await IndexedDbLedger.open(db, 'big');
    expect(db.tables.map((table) => table.name).sort()).toEqual(['keys', 'ledgers', 'meta', 'segments']);
    expect(await big.entries()).toEqual(rows.filter((r) => r.ledgerId === 'big'));
    expect(big.head).toEqual({ seq: 2345, hash: (await memories.big.entries()).at(-1)!.entryHash });
    expect((await big.verifyChain()).ok).toBe(true);
    expect((await big.query({ wid: 'w1', from: 2_000_000, to: 2_013_000 })).map((e) => e.seq)).toEqual([
      2001, 2005, 2009, 2013,
    ]);
    const signed = await IndexedDbLedger.open(db, 'signed');
    expect((await signed.entries()).map((e) => e.receipt)).toEqual(rows.slice(-3).map((r) => r.receipt));
    expect((await signed.verifyChain()).ok).toBe(true);
    // and the migrated ledger appends on from where it was
    await big.append(...t('big-2346', claims(2346)));
    expect((await big.verifyChain()).ok).toBe(true);
    expect(
      (await db.segments.where('[ledgerId+firstSeq]').between(['big', 0], ['big', Infinity]).toArray()).map(
        (s) => s.tokens.length,
      ),
    ).toEqual([1000, 1000, 345, 1]);
  });

  it('stores the token and copies of jti, wid, iss, exec_act, not the claims; reads the claims back from the token', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    const payload = { ...claims(4), wid: 'wf-1', ect_ext: { nested: { deep: [1, 2] } } };
    const token = `${encodeBase64UrlText('{"alg":"ES256"}')}.${encodeBase64UrlText(JSON.stringify(payload))}.AAAA`;
    await ledger.appendBatch([{ token, claims: payload }]);
    const [segment] = await db.segments.toArray();
    expect(segmentEntries(segment!)).toEqual([
      expect.objectContaining({
        token,
        jti: payload.jti,
        wid: 'wf-1',
        iss: payload.iss,
        exec_act: payload.exec_act,
      }),
    ]);
    expect(segment!.claims).toBeUndefined();
    const [read] = await ledger.entries();
    expect(read).toMatchObject({
      jti: payload.jti,
      wid: 'wf-1',
      iss: payload.iss,
      exec_act: payload.exec_act,
    });
    expect(read!.claims).toEqual(payload);
    // Read for the ledger check: the claims left for it to decode, no copy for it to compare.
    const {
      entries: [toCheck],
    } = await ledger.entriesToCheck();
    expect(toCheck).toMatchObject({
      jti: payload.jti,
      wid: 'wf-1',
      iss: payload.iss,
      exec_act: payload.exec_act,
    });
    expect(toCheck!.claims).toBe(CLAIMS_NOT_READ);
    expect(storedClaims(toCheck!)).toBeUndefined();
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('an entry stored with its claims (before session 6) or a copy forged into it: the copy is what the check compares', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    await ledger.appendBatch([item('one', claims(1))]);
    await db.segments.toCollection().modify((seg, ctx) => {
      ctx.value = editSegment(seg, ([e]) => {
        e!.claims = { ...claims(1), label: 'one', exec_act: 'pay' };
      });
    });
    const {
      entries: [read],
    } = await ledger.entriesToCheck();
    expect(read!.exec_act).toBe('pay');
    expect(storedClaims(read!)).toEqual({ ...claims(1), label: 'one', exec_act: 'pay' });
  });

  it('writes a batch all at once or not at all', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    await ledger.append(...t('first', claims(1)));
    // The batch's second segment fails to write (as a full disk would): its first, already
    // handed to IndexedDB in the same transaction, is not kept either.
    const add = db.segments.add.bind(db.segments);
    let writes = 0;
    const spy = vi
      .spyOn(db.segments, 'add')
      .mockImplementation((...args) =>
        ++writes === 2 ? (Promise.reject(new Error('disk full')) as ReturnType<typeof add>) : add(...args),
      );
    const batch = Array.from({ length: SEGMENT_SIZE + 1 }, (_, i) => item(`n${i}`, claims(10 + i)));
    await expect(ledger.appendBatch(batch)).rejects.toThrow('disk full');
    spy.mockRestore();
    expect(writes).toBe(2);
    expect((await ledger.entries()).map((e) => e.token)).toEqual([t('first', claims(1))[0]]);
    // and the ledger still appends after the failure
    await ledger.append(...t('second', claims(2)));
    expect(await ledger.size()).toBe(2);
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('an aborted append writes nothing, and reports its preparation as it goes', async () => {
    const ledger = await openNew(freshDb());
    await ledger.append(...t('first', claims(1)));
    const items = Array.from({ length: 600 }, (_, i) => item(`t${i + 2}`, claims(i + 2)));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = ledger.appendBatch(items, {
      signal: controller.signal,
      onProgress: (done) => {
        seen.push(done);
        if (done >= 250) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(seen[0]).toBe(250);
    expect(await ledger.size()).toBe(1);
    // the same ledger appends normally afterwards
    const done: number[] = [];
    await ledger.appendBatch(items, { onProgress: (n) => done.push(n) });
    expect(done.at(-1)).toBe(600);
    expect(await ledger.size()).toBe(601);
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('a refresh during an append neither misses nor double-counts its entries', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    const write = ledger.appendBatch([1, 2, 3].map((i) => item(`t${i}`, claims(i))));
    const fresh = await ledger.refresh(); // queued behind the append
    await write;
    expect(fresh).toBe(0);
    expect(await ledger.tasks([claims(2).jti])).toHaveLength(1);
  });

  it('finds entries by jti, workflow, issuer, action and time', async () => {
    const ledger = await openNew(freshDb());
    for (let i = 1; i <= 6; i++)
      await ledger.append(...t(`t${i}`, claims(i, { wid: i <= 3 ? 'w1' : 'w2' })), { now: i * 1000 });
    expect((await ledger.byJti(claims(4).jti)).map((e) => e.seq)).toEqual([4]);
    expect((await ledger.query({ wid: 'w1' })).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await ledger.query({ iss: 'spiffe://example.com/agent/a' })).map((e) => e.seq)).toEqual([
      1, 3, 5,
    ]);
    expect((await ledger.query({ exec_act: 'run_tests' })).map((e) => e.seq)).toEqual([3, 6]);
    expect((await ledger.query({ from: 2000, to: 4000 })).map((e) => e.seq)).toEqual([2, 3, 4]);
    expect((await ledger.query({ wid: 'w2', exec_act: 'run_tests' })).map((e) => e.seq)).toEqual([6]);
  });

  it('chain verification points at the first entry edited behind its back', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    for (let i = 1; i <= 4; i++) await ledger.append(...t(`token-${i}`, claims(i)));
    // As devtools would: the token of entry 3 rewritten inside its segment.
    await db.segments
      .where('[ledgerId+firstSeq]')
      .equals([ledger.id, 3])
      .modify((s, ctx) => {
        ctx.value = editSegment(s, ([e]) => {
          e!.token = 'token-3-edited';
        });
      });
    const report = await ledger.verifyChain();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 3, code: 'chain_broken' });
  });

  it('signs a receipt per entry when the ledger has a key', async () => {
    const k = await generateSigningKey({ kid: 'ledger-key' });
    const ledger = await openNew(freshDb(), {
      key: { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk },
    });
    expect(ledger.signsReceipts).toBe(true);
    const e = await ledger.append(...t('token-1', claims(1)));
    expect(e.receipt?.split('.')).toHaveLength(3);
    expect((await ledger.verifyChain()).ok).toBe(true);
  });

  it('deleting a ledger removes its entries and leaves the others', async () => {
    const db = freshDb();
    const catalog = new LedgerCatalog(db);
    const a = await openNew(db);
    const b = await openNew(db);
    await a.append(...t('a1', claims(1)));
    await b.append(...t('b1', claims(1)));
    await catalog.remove(a.id);
    expect((await db.segments.toArray()).map((s) => [s.ledgerId, s.tokens.length])).toEqual([[b.id, 1]]);
    expect((await catalog.list()).map((l) => l.id)).toEqual([b.id]);
  });

  it('a ledger deleted in another tab cannot receive an append: it fails cleanly, nothing is left', async () => {
    const name = `ledger-test-${++dbCount}`;
    const tabA = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
    const tabB = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
    const ledger = await openNew(tabA);
    await ledger.append(...t('first', claims(1)));
    await new LedgerCatalog(tabB).remove(ledger.id);
    const items = Array.from({ length: 2000 }, (_, i) => item(`t${i}`, claims(i + 2)));
    await expect(ledger.appendBatch(items)).rejects.toThrow(LedgerDeletedError);
    await expect(ledger.appendBatch(items)).rejects.toThrow(
      /the ledger “test” was deleted .*nothing was written/,
    );
    expect(await tabA.segments.count()).toBe(0);
  });

  it('a delete racing a 2,000-entry import: either order, nothing orphaned', async () => {
    for (let run = 0; run < 3; run++) {
      const name = `ledger-test-${++dbCount}`;
      const tabA = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
      const tabB = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
      const ledger = await openNew(tabA);
      const items = Array.from({ length: 2000 }, (_, i) => item(`t${i}`, claims(i + 1)));
      const importing = ledger.appendBatch(items).then(
        () => 'written',
        (e: unknown) => (e instanceof LedgerDeletedError ? 'refused' : `failed: ${String(e)}`),
      );
      // The delete starts at once (run 0), during the hashing (run 1), or after it (run 2).
      if (run) await new Promise((r) => setTimeout(r, run === 1 ? 5 : 0));
      if (run === 2) await importing;
      await new LedgerCatalog(tabB).remove(ledger.id);
      expect(['written', 'refused']).toContain(await importing);
      expect(await tabB.segments.count()).toBe(0);
      expect(await tabB.ledgers.count()).toBe(0);
    }
  });

  it('opening the database removes what a delete racing an import left before version 4', async () => {
    const name = `ledger-test-${++dbCount}`;
    // The app as it was: versions 1 to 3, with the segments of a ledger that is gone.
    const old = new Dexie(name, { indexedDB, IDBKeyRange });
    old.version(1).stores({ keys: 'id, kid, issuer, createdAt', meta: 'key' });
    old.version(2).stores({ ledgers: 'id, name, createdAt', entries: '[ledgerId+seq]' });
    old.version(3).stores({ entries: null, segments: '[ledgerId+firstSeq], [ledgerId+lastSeq]' });
    const segment = (ledgerId: string, firstSeq: number) => ({
      ledgerId,
      firstSeq,
      lastSeq: firstSeq,
      entries: [{ token: 'x', claims: {}, appendedAt: 0, prevHash: GENESIS_HASH, entryHash: GENESIS_HASH }],
    });
    await old.table('ledgers').add({ id: 'kept', name: 'kept', createdAt: 1 });
    await old.table('segments').bulkAdd([segment('kept', 1), segment('gone', 1), segment('gone', 2)]);
    old.close();

    const db = new WorkbenchDb(name, { indexedDB, IDBKeyRange });
    expect((await db.segments.toArray()).map((s) => [s.ledgerId, s.firstSeq])).toEqual([['kept', 1]]);
    expect(await removeOrphanSegments(db.ledgers, db.segments)).toBe(0);
  });

  it('stores a token whose claims nest 10,000 levels deep, and reads its claims back whole', async () => {
    const db = freshDb();
    const ledger = await openNew(db);
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const payload = JSON.stringify(claims(1)).replace(/}$/, `,"ect_ext":{"deep":${deep}}}`);
    const token = `${encodeBase64UrlText('{"alg":"ES256"}')}.${encodeBase64UrlText(payload)}.AAAA`;
    const decoded = decodeToken(token);
    if (!decoded.ok) throw new Error(decoded.problem.message);
    await ledger.appendBatch([item('shallow', claims(2)), { token, claims: decoded.decoded.payload }]);
    const [segment] = await db.segments.toArray();
    expect(segment!.claims).toBeUndefined(); // no copy of the claims: they are read from the token
    const [read] = await ledger.byJti(claims(1).jti);
    expect(read!.claims.jti).toBe(claims(1).jti);
    expect(jsonDepth(read!.claims.ect_ext)).toBe(10_001); // JSON.stringify itself overflows at this depth
    expect('claimsInToken' in read!).toBe(false);
    expect((await ledger.entries()).map((e) => e.claims.jti)).toEqual([claims(2).jti, claims(1).jti]);
    expect((await ledger.verifyChain()).ok).toBe(true);
  });
});

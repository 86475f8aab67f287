/**
 * One test suite per store interface, run against every implementation of it (the in-memory
 * defaults, Redis, PostgreSQL): what the verifier relies on, asserted the same way for each.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importJWK, type CryptoKey } from 'jose';
import {
  GENESIS_HASH,
  decodeToken,
  encodeBase64UrlText,
  generateSigningKey,
  verifyReceipt,
  type JsonObject,
  type LedgerEntry,
  type LedgerKey,
  type LedgerQuery,
  type ChainReport,
  type TaskRecord,
} from '../src/index.ts';

/** What the suites need of a ReplayStore (INTERFACES.md). */
export interface ReplayLike {
  checkAndRecord(jti: string, until: number, now?: number): Promise<boolean>;
}

/** What the suites need of a Ledger (INTERFACES.md): the Ledger interface with its TaskStore. */
export interface LedgerLike {
  readonly signsReceipts: boolean;
  append(token: string, claims: Record<string, unknown>, opts?: { now?: number }): Promise<LedgerEntry>;
  size(): Promise<number>;
  entries(from?: number, to?: number): Promise<LedgerEntry[]>;
  byJti(jti: string): Promise<LedgerEntry[]>;
  query(q: LedgerQuery): Promise<LedgerEntry[]>;
  tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]>;
  verifyChain(): Promise<ChainReport>;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const nowS = () => Math.floor(Date.now() / 1000);
let n = 0;
const id = (p: string) => `${p}-${process.pid}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

/** An L1 token (no signature: the stores do not verify) and its decoded claims. */
export function l1(claims: JsonObject): { token: string; claims: JsonObject } {
  const token = encodeBase64UrlText(JSON.stringify(claims));
  const d = decodeToken(token);
  if (!d.ok) throw new Error(d.problem.message);
  return { token, claims: d.decoded.payload };
}

export function replayStoreSuite(name: string, make: () => Promise<ReplayLike>): void {
  describe(`ReplayStore: ${name}`, () => {
    it('records a jti once: the first call is true, the next ones false while it is live', async () => {
      const s = await make();
      const jti = id('jti');
      const until = nowS() + 600;
      expect(await s.checkAndRecord(jti, until, nowS())).toBe(true);
      expect(await s.checkAndRecord(jti, until, nowS())).toBe(false);
      expect(await s.checkAndRecord(jti, until + 100, nowS())).toBe(false);
      expect(await s.checkAndRecord(id('other'), until, nowS())).toBe(true);
    });

    it('a record whose time has passed does not block the jti', async () => {
      const s = await make();
      const jti = id('old');
      const past = nowS() - 30;
      expect(await s.checkAndRecord(jti, past, nowS())).toBe(true);
      expect(await s.checkAndRecord(jti, past, nowS())).toBe(true);
      expect(await s.checkAndRecord(jti, nowS() + 600, nowS())).toBe(true);
      expect(await s.checkAndRecord(jti, nowS() + 600, nowS())).toBe(false);
    });

    it('of 50 concurrent calls for one jti exactly one records it', async () => {
      const s = await make();
      const jti = id('race');
      const until = nowS() + 600;
      const results = await Promise.all(
        Array.from({ length: 50 }, () => s.checkAndRecord(jti, until, nowS())),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('is keyed on the jti alone, whatever text it holds', async () => {
      const s = await make();
      const until = nowS() + 600;
      const odd = [`${id('a')}:b`, `${id('x')}\u0000y`, `${id('é')}🙂`, ''];
      for (const jti of odd) expect(await s.checkAndRecord(jti, until, nowS())).toBe(true);
      for (const jti of odd) expect(await s.checkAndRecord(jti, until, nowS())).toBe(false);
    });
  });
}

export interface LedgerFactory {
  (opts: { key?: LedgerKey }): Promise<LedgerLike>;
}

async function ledgerKey(): Promise<LedgerKey> {
  const k = await generateSigningKey({ kid: id('ledger') });
  return { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
}

export function ledgerSuite(name: string, make: LedgerFactory): void {
  describe(`Ledger: ${name}`, () => {
    const wid = '00000000-0000-4000-8000-00000000aaaa';
    const task = (jti: string, extra: JsonObject = {}) =>
      l1({ jti, iss: 'spiffe://example.com/a', exec_act: 'review', iat: 1_767_225_600, pred: [], ...extra });

    it('chains appends: seq from 1 without gap, prev_hash links, entry_hash = SHA-256(prev_hash ‖ token)', async () => {
      const l = await make({});
      expect(await l.size()).toBe(0);
      expect((await l.verifyChain()).ok).toBe(true);
      const items = [task(id('t')), task(id('t'), { wid }), task(id('t'))];
      const entries: LedgerEntry[] = [];
      for (const t of items) entries.push(await l.append(t.token, t.claims, { now: 1_767_225_600_000 }));
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 0; i < 3; i++) {
        expect(entries[i]!.entryHash).toBe(sha256(entries[i]!.prevHash + items[i]!.token));
        if (i) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.entryHash);
      }
      expect(l.signsReceipts).toBe(false);
      expect(entries.every((e) => e.receipt === undefined)).toBe(true);
      const stored = await l.entries();
      expect(stored.map((e) => [e.seq, e.token, e.jti, e.entryHash, e.appendedAt])).toEqual(
        entries.map((e) => [e.seq, e.token, e.jti, e.entryHash, 1_767_225_600_000]),
      );
      expect(stored[1]!.claims).toEqual(items[1]!.claims);
      expect((await l.entries(2, 3)).map((e) => e.seq)).toEqual([2, 3]);
      expect((await l.entries(3)).map((e) => e.seq)).toEqual([3]);
      const report = await l.verifyChain();
      expect(report).toMatchObject({ ok: true, length: 3, head: entries[2]!.entryHash });
    });

    it('200 appends at once get 200 distinct, consecutive sequence numbers and an intact chain', async () => {
      const l = await make({});
      const items = Array.from({ length: 200 }, () => task(id('c')));
      const entries = await Promise.all(items.map((t) => l.append(t.token, t.claims)));
      expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(items.map((_, i) => i + 1));
      expect(await l.size()).toBe(200);
      const all = await l.entries();
      expect(new Set(all.map((e) => e.token)).size).toBe(200);
      expect(await l.verifyChain()).toMatchObject({ ok: true, length: 200 });
    });

    it('writes an append made while the previous one settles, however many promise steps later', async () => {
      // A verifier that appends the next token as soon as the last append returns: the PostgreSQL
      // ledger once left such an append queued behind a writer that had already finished (it waited
      // for the next append to arrive, forever on a quiet ledger). Each number of steps between the
      // two appends lands at a different point of the writer's ending.
      const l = await make({});
      for (let hops = 0; hops < 8; hops++) {
        const [a, b] = [task(id('h')), task(id('h'))];
        let after: Promise<unknown> = l.append(a.token, a.claims);
        for (let i = 0; i < hops; i++) after = after.then((x) => x);
        const second = after.then(() => l.append(b.token, b.claims));
        const outcome = await Promise.race([
          second.then((e) => e.seq),
          new Promise((r) => setTimeout(() => r(`append ${hops} steps later never settled`), 10_000)),
        ]);
        expect(outcome).toBe(hops * 2 + 2);
      }
      expect(await l.verifyChain()).toMatchObject({ ok: true, length: 16 });
    });

    it('looks entries up by jti and by wid, issuer, action and time', async () => {
      const l = await make({});
      const j = id('q');
      const a = task(j, { wid });
      const b = task(id('q'), { wid, iss: 'spiffe://example.com/b', exec_act: 'deploy' });
      const c = task(j, { wid: '00000000-0000-4000-8000-00000000bbbb' });
      await l.append(a.token, a.claims, { now: 1000 });
      await l.append(b.token, b.claims, { now: 2000 });
      await l.append(c.token, c.claims, { now: 3000 });
      expect((await l.byJti(j)).map((e) => e.seq)).toEqual([1, 3]);
      expect(await l.byJti('nothing')).toEqual([]);
      expect((await l.query({ wid })).map((e) => e.seq)).toEqual([1, 2]);
      expect((await l.query({ iss: 'spiffe://example.com/b' })).map((e) => e.seq)).toEqual([2]);
      expect((await l.query({ exec_act: 'review' })).map((e) => e.seq)).toEqual([1, 3]);
      expect((await l.query({ from: 1500, to: 3000 })).map((e) => e.seq)).toEqual([2, 3]);
      expect((await l.query({ wid, exec_act: 'deploy', from: 2000, to: 2000 })).map((e) => e.seq)).toEqual([
        2,
      ]);
    });

    it('answers a frontier of the DAG walk: every stored task of the jtis asked for, all copies', async () => {
      const l = await make({});
      const p = id('parent');
      const q = id('other');
      const child = id('child');
      const items = [
        task(p, { wid, pred: [] }),
        task(q, { pred: [] }),
        task(child, {
          wid,
          pred: [p, q],
          iat: 1_767_225_700,
          ect_ext: { pol: 'p1', pol_decision: 'approved' },
        }),
        task(p, { wid: '00000000-0000-4000-8000-00000000bbbb' }),
      ];
      for (const t of items) await l.append(t.token, t.claims);
      expect(await l.tasks([])).toEqual([]);
      expect(await l.tasks(['unknown'])).toEqual([]);
      const got = await l.tasks([p, child, 'unknown']);
      const sorted = [...got].sort((x, y) => `${x.jti}${x.wid}`.localeCompare(`${y.jti}${y.wid}`));
      expect(sorted.map((t) => [t.jti, t.wid])).toEqual(
        [
          [child, wid],
          [p, wid],
          [p, '00000000-0000-4000-8000-00000000bbbb'],
        ].sort((x, y) => `${x[0]}${x[1]}`.localeCompare(`${y[0]}${y[1]}`)),
      );
      const c = got.find((t) => t.jti === child)!;
      expect(c).toMatchObject({
        jti: child,
        wid,
        pred: [p, q],
        iat: 1_767_225_700,
        policyDecision: 'approved',
      });
    });

    it('look-ups made together (as by verifications in flight) each get what they get alone', async () => {
      // The PostgreSQL ledger answers all the look-ups of one turn of the event loop with one query;
      // each caller must still get only the tasks of the jtis it asked for.
      const l = await make({});
      const [a, b, c] = [id('a'), id('b'), id('c')];
      const other = '00000000-0000-4000-8000-00000000cccc';
      for (const t of [
        task(a, { wid, pred: [] }),
        task(b, { wid, pred: [a] }),
        task(c, { wid, pred: [a, b] }),
        task(a, { wid: other, pred: [] }),
      ])
        await l.append(t.token, t.claims);
      const asks = [[a], [b, 'unknown'], [], [c, a, c], ['unknown'], [a, b, c], [b], [c]];
      const seen = (got: readonly TaskRecord[]) =>
        got.map((t) => `${t.jti}@${t.wid === other ? 'other' : t.wid === wid ? 'wid' : t.wid}`).sort();
      const alone: string[][] = [];
      for (const q of asks) alone.push(seen(await l.tasks(q)));
      expect(alone).toEqual([
        [`${a}@other`, `${a}@wid`],
        [`${b}@wid`],
        [],
        [`${a}@other`, `${a}@wid`, `${c}@wid`],
        [],
        [`${a}@other`, `${a}@wid`, `${b}@wid`, `${c}@wid`],
        [`${b}@wid`],
        [`${c}@wid`],
      ]);
      const together = await Promise.all(asks.map((q) => l.tasks(q)));
      expect(together.map(seen)).toEqual(alone);
      expect(together[6]![0]).toMatchObject({ jti: b, wid, pred: [a] });
    });

    it('keeps claims holding text a database column cannot (NUL, lone surrogates) as the token says', async () => {
      const l = await make({});
      const jti = `${id('nul')}\u0000\ud800x`;
      const t = task(jti, { exec_act: 'a\u0000b', ect_ext: { 'k\u0000': '\udc00' } });
      await l.append(t.token, t.claims);
      const [e] = await l.byJti(jti);
      expect(e?.jti).toBe(jti);
      expect(e?.claims).toEqual(t.claims);
      expect((await l.query({ exec_act: 'a\u0000b' })).map((x) => x.jti)).toEqual([jti]);
      expect((await l.query({ exec_act: 'a\uFFFDb' })).map((x) => x.jti)).toEqual([]);
      expect((await l.tasks([jti])).map((r) => r.jti)).toEqual([jti]);
    });

    it('keeps claims with quotes, backslashes and SQL in them exactly (the values are never SQL)', async () => {
      const l = await make({});
      const jti = `${id('q')}'); DROP TABLE entries; --`;
      const act = `it's a \\ \\' "quoted" E'x' $$dollar$$`;
      const t = task(jti, { exec_act: act, wid: `w'\\`, ect_ext: { "k'": "'; DELETE FROM x; --\\" } });
      await l.append(t.token, t.claims);
      const [e] = await l.byJti(jti);
      expect(e?.claims).toEqual(t.claims);
      expect((await l.query({ exec_act: act })).map((x) => x.jti)).toEqual([jti]);
      expect(await l.size()).toBe(1);
    });

    it('with a key, signs a receipt for every entry that verifies under the ledger key', async () => {
      const key = await ledgerKey();
      const l = await make({ key });
      expect(l.signsReceipts).toBe(true);
      const items = Array.from({ length: 20 }, () => task(id('r')));
      const entries = await Promise.all(
        items.map((t) => l.append(t.token, t.claims, { now: 1_767_225_600_000 })),
      );
      const pub = (await importJWK(key.publicJwk, 'ES256')) as CryptoKey;
      for (const e of await l.entries()) {
        const r = await verifyReceipt(e.receipt!, pub);
        expect(r).toEqual({ seq: e.seq, entry_hash: e.entryHash, appended_at: 1_767_225_600, jti: e.jti });
      }
      expect(entries.every((e) => typeof e.receipt === 'string')).toBe(true);
      expect(await l.verifyChain()).toMatchObject({ ok: true, length: 20 });
    });
  });
}

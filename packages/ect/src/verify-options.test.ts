/**
 * verifyToken's library options: a key resolver instead of a trust store, asynchronous replay and
 * task stores (shared by concurrent verifications), store failures, and the onVerify hook.
 */
import { describe, it, expect } from 'vitest';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import {
  claims,
  handToken,
  jwksFor,
  l1Token,
  makeAgent,
  NOW,
  sign,
  trustFor,
  uuid,
} from '../test/fixtures.ts';
import type { TaskRecord, TaskStore } from './dag.ts';
import { EctError, OptionsError, StoreError } from './errors.ts';
import { MemoryLedger } from './ledger.ts';
import { MemoryReplayStore, type ReplayStore } from './replay.ts';
import { SharedStoreError } from './store-error.ts';
import type { KeyResolver } from './resolver.ts';
import { verifyToken, verifyTokens, type VerifyEvent, type VerifyOptions } from './index.ts';

const alice = await makeAgent('a');
const bob = await makeAgent('b');
const BOB_ID = bob.iss;
const trust = trustFor(alice, bob);
const jwks: Record<string, JWK> = { [alice.kid]: alice.key.publicJwk, [bob.kid]: bob.key.publicJwk };

/** Bob's options at NOW: the trust store unless a resolver is given. */
const at = (opts: Partial<VerifyOptions>): VerifyOptions => ({
  now: NOW,
  audience: BOB_ID,
  ...(opts.resolveKey ? {} : { trust }),
  ...opts,
});
const stepOf = (r: { steps: { n: number; status: string; note?: string }[] }, n: number) => r.steps[n - 1]!;

/** The error `p` rejects with, failing the test when it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('verifyToken with a key resolver', () => {
  it('a synchronous resolver returning a JWK: valid, and it was asked for the kid and iss', async () => {
    const asked: [string, string | undefined][] = [];
    const resolveKey: KeyResolver = (kid, iss) => {
      asked.push([kid, iss]);
      return jwks[kid];
    };
    const r = await verifyToken(await sign(alice, claims(alice)), at({ resolveKey }));
    expect(r.valid).toBe(true);
    expect(asked).toEqual([[alice.kid, alice.iss]]);
    expect(r.key).toEqual({ kid: alice.kid, issuer: alice.iss });
    expect(stepOf(r, 6).note).toContain('key resolver');
  });

  it('an asynchronous resolver returning a CryptoKey: valid', async () => {
    const cryptoKeys = new Map<string, CryptoKey>();
    for (const a of [alice, bob])
      cryptoKeys.set(a.kid, (await importJWK(a.key.publicJwk, 'ES256')) as CryptoKey);
    const resolveKey: KeyResolver = async (kid) => {
      await tick();
      return cryptoKeys.get(kid);
    };
    expect((await verifyToken(await sign(bob, claims(bob)), at({ resolveKey }))).valid).toBe(true);
  });

  it('a resolver that returns the wrong key: invalid_signature', async () => {
    const r = await verifyToken(await sign(alice, claims(alice)), at({ resolveKey: () => jwks[bob.kid] }));
    expect(r.code).toBe('invalid_signature');
  });

  it('a resolver that knows no key (undefined or null): unknown_key naming the kid', async () => {
    const token = await sign(alice, claims(alice));
    for (const resolveKey of [() => undefined, async () => null]) {
      const r = await verifyToken(token, at({ resolveKey }));
      expect(r.code).toBe('unknown_key');
      expect(stepOf(r, 6).status).toBe('fail');
      expect(r.steps[5]!.problems[0]!.message).toContain(`knows no key for kid "${alice.kid}"`);
      expect(stepOf(r, 7).status).toBe('skip');
    }
  });

  it('a resolver that throws or rejects: unknown_key with its message, not a crash', async () => {
    const token = await sign(alice, claims(alice));
    const throwing: KeyResolver = () => {
      throw new Error('KMS unreachable');
    };
    const rejecting: KeyResolver = () => Promise.reject(new Error('JWKS fetch failed: 503'));
    for (const [resolveKey, why] of [
      [throwing, 'KMS unreachable'],
      [rejecting, 'JWKS fetch failed: 503'],
    ] as const) {
      const r = await verifyToken(token, at({ resolveKey }));
      expect(r.valid).toBe(false);
      expect(r.code).toBe('unknown_key');
      expect(r.steps[5]!.problems[0]!.message).toMatch(new RegExp(`key resolver failed for kid .*${why}`));
    }
  });

  it('a resolver returning something that is not a key, or a private key: unknown_key saying so', async () => {
    const token = await sign(alice, claims(alice));
    const r1 = await verifyToken(token, at({ resolveKey: () => 'not a key' as unknown as JWK }));
    expect(r1.code).toBe('unknown_key');
    expect(r1.steps[5]!.problems[0]!.message).toMatch(/neither a JWK .* nor a CryptoKey/);
    const r2 = await verifyToken(token, at({ resolveKey: () => alice.key.privateKey }));
    expect(r2.code).toBe('unknown_key');
    expect(r2.steps[5]!.problems[0]!.message).toMatch(/private CryptoKey.*must return the public key/);
  });

  it('a private JWK from a resolver verifies with its public part only', async () => {
    const r = await verifyToken(
      await sign(alice, claims(alice)),
      at({ resolveKey: () => alice.key.privateJwk }),
    );
    expect(r.valid).toBe(true);
  });

  it('is not called for an L1 token, nor for a JWS without kid', async () => {
    let calls = 0;
    const resolveKey: KeyResolver = () => {
      calls++;
      return undefined;
    };
    const noKid = await verifyToken(
      handToken({ alg: 'ES256', typ: 'exec+jwt' }, claims(alice)),
      at({ resolveKey }),
    );
    expect(noKid.code).toBe('unknown_key');
    expect(noKid.steps[5]!.problems[0]!.message).toMatch(/no "kid"/);
    const l1 = await verifyToken(l1Token(claims(alice)), at({ resolveKey }));
    expect(l1.code).toBe('level_below_minimum');
    expect(calls).toBe(0);
  });

  it('refuses trust and resolveKey together, and neither (OptionsError, ERR_ECT_OPTIONS)', async () => {
    const token = await sign(alice, claims(alice));
    for (const opts of [{ trust, resolveKey: () => undefined }, {}]) {
      const e = await rejection(verifyToken(token, { now: NOW, ...opts }));
      expect(e).toBeInstanceOf(OptionsError);
      expect(e).toBeInstanceOf(EctError);
      expect((e as EctError).code).toBe('ERR_ECT_OPTIONS');
    }
  });

  it('takes a trust store or JWKS as JSON too', async () => {
    const token = await sign(alice, claims(alice));
    expect((await verifyToken(token, at({ trust: { keys: [alice.key.publicJwk] } }))).valid).toBe(true);
    expect(
      (await verifyToken(token, at({ trust: { issuers: { [alice.iss]: { keys: [alice.key.publicJwk] } } } })))
        .valid,
    ).toBe(true);
    expect((await verifyToken(token, at({ trust: jwksFor(alice) }))).valid).toBe(true);
  });
});

/**
 * A replay store as a shared server would be: every answer comes after a delay, and the check and
 * the record happen together on the server's side (as Redis `SET NX` does).
 */
function remoteReplayStore(): ReplayStore & { calls: number } {
  const records = new Map<string, number>();
  const store = {
    calls: 0,
    async checkAndRecord(jti: string, until: number, now = NOW): Promise<boolean> {
      store.calls++;
      await tick();
      const known = records.get(jti);
      if (known !== undefined && now <= known) return false;
      records.set(jti, until);
      await tick();
      return true;
    },
  };
  return store;
}

describe('verifyToken with an asynchronous replay store', () => {
  it('a first use is never a replay', async () => {
    const replay = remoteReplayStore();
    for (let i = 0; i < 5; i++) {
      const r = await verifyToken(await sign(alice, claims(alice)), at({ replay }));
      expect(r.valid).toBe(true);
      expect(stepOf(r, 14).status).toBe('pass');
    }
    expect(replay.calls).toBe(5);
  });

  it('two concurrent verifications of one token through one shared store accept it exactly once', async () => {
    for (const make of [() => remoteReplayStore(), () => new MemoryReplayStore()]) {
      const replay = make();
      const ledger = new MemoryLedger();
      const token = await sign(alice, claims(alice));
      // Two verifiers (as two processes would), one replay store and one ledger between them.
      const reports = await Promise.all([
        verifyToken(token, at({ replay, ledger })),
        verifyToken(token, at({ replay, ledger })),
      ]);
      expect(reports.map((r) => r.valid).sort()).toEqual([false, true]);
      expect(reports.find((r) => !r.valid)!.code).toBe('replay');
      expect(await ledger.size()).toBe(1);
    }
  });

  it('a token that fails another step does not consume its jti', async () => {
    const replay = remoteReplayStore();
    const ledger = new MemoryLedger();
    const parent = claims(alice);
    const child = await sign(bob, claims(bob, { pred: [parent.jti] }));
    // The child arrives before its parent: parent_not_found, and its jti stays unused.
    const early = await verifyToken(child, at({ replay, ledger }));
    expect(early.code).toBe('parent_not_found');
    expect(replay.calls).toBe(0);
    expect((await verifyToken(await sign(alice, parent), at({ replay, ledger }))).valid).toBe(true);
    expect((await verifyToken(child, at({ replay, ledger }))).valid).toBe(true);
  });

  it('without has(), step 14 is skipped for an invalid token; with it (memory), a replay is still named', async () => {
    const token = await sign(alice, claims(alice));
    const remote = remoteReplayStore();
    const ledger = new MemoryLedger();
    expect((await verifyToken(token, at({ replay: remote, ledger }))).valid).toBe(true);
    const again = await verifyToken(token, at({ replay: remote, ledger }));
    expect(again.codes).toEqual(['duplicate_jti']);
    expect(stepOf(again, 14).status).toBe('skip');

    const memory = new MemoryReplayStore();
    const ledger2 = new MemoryLedger();
    await verifyToken(token, at({ replay: memory, ledger: ledger2 }));
    expect((await verifyToken(token, at({ replay: memory, ledger: ledger2 }))).codes).toEqual([
      'replay',
      'duplicate_jti',
    ]);
  });

  it('a replay store that fails: StoreError (ERR_ECT_STORE), nothing appended', async () => {
    const ledger = new MemoryLedger();
    const replay: ReplayStore = {
      checkAndRecord: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
    };
    const e = await rejection(verifyToken(await sign(alice, claims(alice)), at({ replay, ledger })));
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('ERR_ECT_STORE');
    expect(e.message).toMatch(/replay store failed \(step 14\): ECONNREFUSED.*not accepted/);
    expect((e as StoreError).cause).toBeInstanceOf(Error);
    expect(await ledger.size()).toBe(0);
  });
});

describe('a ledger append that fails after the replay record (step 16)', () => {
  /** A ledger whose next append fails with `error`, then works. */
  function failingOnce(error: Error): MemoryLedger {
    const ledger = new MemoryLedger();
    const append = ledger.append.bind(ledger);
    let failed = false;
    ledger.append = (...args) => {
      if (failed) return append(...args);
      failed = true;
      return Promise.reject(error);
    };
    return ledger;
  }

  it('nothing written: the jti is released, and the same token is accepted when sent again', async () => {
    const replay = new MemoryReplayStore();
    const down = new SharedStoreError('unavailable', 'postgres', 'the ledger is down', {
      nothingWritten: true,
    });
    const ledger = failingOnce(down);
    const token = await sign(alice, claims(alice));
    const e = await rejection(verifyToken(token, at({ replay, ledger })));
    expect(e).toBeInstanceOf(StoreError);
    expect(e.message).toMatch(
      /step 16\): the ledger is down; it was not accepted; nothing was written and its jti was released: the same token can be sent again/,
    );
    const again = await verifyToken(token, at({ replay, ledger }));
    expect(again.valid).toBe(true);
    expect(await ledger.size()).toBe(1);
    // and only once
    expect((await verifyToken(token, at({ replay, ledger }))).valid).toBe(false);
  });

  it('not known whether written: the jti stays recorded, and the token sent again is a replay', async () => {
    const replay = new MemoryReplayStore();
    const ledger = failingOnce(new Error('connection lost during COMMIT'));
    const token = await sign(alice, claims(alice));
    const e = await rejection(verifyToken(token, at({ replay, ledger })));
    expect(e.message).toMatch(
      /its jti stays recorded for replay: whether the append went through is not known/,
    );
    expect((await verifyToken(token, at({ replay, ledger }))).codes).toContain('replay');
  });

  it('a replay store without release(): the record stays, and the message says so', async () => {
    const replay = remoteReplayStore(); // has no release()
    const ledger = failingOnce(
      new SharedStoreError('unavailable', 'postgres', 'down', { nothingWritten: true }),
    );
    const token = await sign(alice, claims(alice));
    const e = await rejection(verifyToken(token, at({ replay, ledger })));
    expect(e.message).toMatch(/its jti stays recorded/);
  });
});

describe('verifyToken with an asynchronous task store', () => {
  /** A store over the records given, answering after a delay. */
  const slowStore = (...recs: TaskRecord[]): TaskStore => ({
    async tasks(jtis) {
      await tick();
      return recs.filter((r) => jtis.includes(r.jti));
    },
  });

  it('applies the DAG rules against it', async () => {
    const parent = claims(alice, { wid: uuid() });
    const child = claims(bob, { pred: [parent.jti], wid: parent.wid });
    const store = slowStore({ jti: String(parent.jti), wid: String(parent.wid), pred: [], iat: NOW - 60 });
    expect((await verifyToken(await sign(bob, child), at({ store }))).valid).toBe(true);
    const orphan = await verifyToken(await sign(bob, claims(bob, { pred: [uuid()] })), at({ store }));
    expect(orphan.code).toBe('parent_not_found');
  });

  it('a task store that fails: StoreError naming step 15, and the jti is not consumed', async () => {
    const replay = new MemoryReplayStore();
    const store: TaskStore = { tasks: () => Promise.reject(new Error('relation "tasks" does not exist')) };
    const c = claims(alice);
    const e = await rejection(verifyToken(await sign(alice, c), at({ store, replay })));
    expect(e).toBeInstanceOf(StoreError);
    expect(e.message).toMatch(/task store failed .* \(step 15\): relation "tasks" does not exist/);
    expect(replay.has(String(c.jti), NOW)).toBe(false);
  });

  it('a task store answering something other than an array: StoreError', async () => {
    const store = { tasks: async () => ({ rows: [] }) } as unknown as TaskStore;
    const e = await rejection(verifyToken(await sign(alice, claims(alice)), at({ store })));
    expect(e).toBeInstanceOf(StoreError);
    expect(e.message).toMatch(/not an array/);
  });
});

describe('the onVerify hook', () => {
  it('is called once per verification with the jti, the report and the duration', async () => {
    const events: VerifyEvent[] = [];
    const onVerify = (e: VerifyEvent) => events.push(e);
    const c = claims(alice);
    const good = await verifyToken(await sign(alice, c), at({ onVerify }));
    const bad = await verifyToken('not a token', at({ onVerify }));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ jti: c.jti, valid: true, code: null, report: good });
    expect(events[1]).toMatchObject({ jti: null, valid: false, code: 'malformed', report: bad });
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('is called with the error when a store fails', async () => {
    const events: VerifyEvent[] = [];
    const c = claims(alice);
    const replay: ReplayStore = { checkAndRecord: () => Promise.reject(new Error('down')) };
    await rejection(verifyToken(await sign(alice, c), at({ replay, onVerify: (e) => events.push(e) })));
    expect(events).toHaveLength(1);
    expect(events[0]!.jti).toBe(c.jti);
    expect(events[0]!.error).toBeInstanceOf(StoreError);
    expect(events[0]!.report).toBeUndefined();
  });

  it('is called once per token by verifyTokens, batched or not', async () => {
    const tokens = [await sign(alice, claims(alice)), 'garbage', await sign(bob, claims(bob))];
    for (const extra of [{}, { replay: new MemoryReplayStore() }]) {
      const events: VerifyEvent[] = [];
      await verifyTokens(tokens, at({ trust, ...extra, onVerify: (e) => events.push(e) }));
      expect(events.map((e) => e.valid)).toEqual([true, false, true]);
    }
  });

  it('that throws does not change the outcome', async () => {
    const r = await verifyToken(
      await sign(alice, claims(alice)),
      at({
        trust,
        onVerify: () => {
          throw new Error('metrics backend down');
        },
      }),
    );
    expect(r.valid).toBe(true);
  });
});

describe('a key resolver under the trust store rules', () => {
  it('refuses a key marked for encryption, or one without its public point: unknown_key saying why', async () => {
    const token = await sign(alice, claims(alice));
    const enc = await verifyToken(token, at({ resolveKey: () => ({ ...alice.key.publicJwk, use: 'enc' }) }));
    expect(enc.code).toBe('unknown_key');
    expect(enc.steps[5]!.problems[0]!.message).toMatch(/is not usable: it is marked "use": "enc"/);
    const { x: _x, ...noX } = alice.key.publicJwk;
    void _x;
    const broken = await verifyToken(token, at({ resolveKey: () => noX }));
    expect(broken.code).toBe('unknown_key');
    expect(broken.steps[5]!.problems[0]!.message).toMatch(/without its public point/);
  });
});

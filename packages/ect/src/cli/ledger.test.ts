/**
 * `ect audit` and `ect verify --ledger` over ledger exports (issue #12): a forged bundle fails the
 * audit (exit 1, the problem named at its entry), pins find what the bundle cannot show, and a
 * token in a `--ledger` file that does not verify cannot vouch for a child.
 */
import { describe, expect, it } from 'vitest';
import { claims, makeAgent, NOW, sign } from '../../test/fixtures.ts';
import { CLI_TIMEOUT, cliWorkspace, ect, type Run } from '../../test/cli.ts';
import {
  computeEntryHash,
  createCheckpoint,
  encodeBase64UrlText,
  generateSigningKey,
  GENESIS_HASH,
  makeBundle,
  MemoryLedger,
  type LedgerBundle,
  type LedgerKey,
} from '../index.ts';

const ws = cliWorkspace('ect-cli-ledger-');

interface AuditOut {
  nodes: { jti: string; valid: boolean }[];
  violations: unknown[];
  ledger?: {
    entries: number;
    receipts: number;
    intact: boolean;
    problems: { seq: number; code: string; message: string }[];
  };
}
const out = (r: Run) => JSON.parse(r.stdout) as AuditOut;
const found = (r: Run) => out(r).ledger!.problems.map((p) => `${p.seq}:${p.code}`);

let key: LedgerKey;
/** A valid L3 bundle of 4 of alice's tokens, with its checkpoint; a fresh copy per call. */
async function bundle(): Promise<LedgerBundle> {
  key ??= await generateSigningKey({ kid: 'ledger-cli' }).then((k) => ({
    kid: k.kid,
    privateKey: k.privateKey,
    publicJwk: k.publicJwk,
  }));
  const ledger = new MemoryLedger({ key });
  let parent: string[] = [];
  for (let i = 0; i < 4; i++) {
    const payload = claims(ws.alice, { exec_act: `step_${i + 1}`, pred: parent });
    await ledger.append(await sign(ws.alice, payload), payload, { now: (NOW + i) * 1000 });
    parent = [payload.jti as string];
  }
  const entries = await ledger.entries();
  const checkpoint = await createCheckpoint({ size: 4, head: entries[3]!.entryHash, time: NOW + 10 }, key);
  return structuredClone(makeBundle({ name: 'cli', entries, ledgerKey: key.publicJwk, checkpoint }));
}

describe('ect audit of a ledger export', () => {
  it(
    'an intact bundle: exit 0, with the ledger section',
    async () => {
      const r = ect('audit', '--trust', ws.trustFile, ws.file('intact.json', await bundle()));
      expect(r.status, r.stderr).toBe(0);
      expect(out(r).ledger).toEqual({ entries: 4, receipts: 4, intact: true, problems: [] });
      expect(out(r).violations).toEqual([]);
    },
    CLI_TIMEOUT,
  );

  it(
    'a token swapped and the chain re-hashed: exit 1, the problem at its entry beside the token verdicts',
    async () => {
      const b = await bundle();
      b.entries[1]!.token = await sign(ws.alice, claims(ws.alice, { exec_act: 'approve_payment', pred: [] }));
      for (let i = 1; i < 4; i++) {
        const e = b.entries[i]!;
        e.prevHash = b.entries[i - 1]!.entryHash;
        e.entryHash = await computeEntryHash(e.prevHash, e.token);
      }
      b.head.entryHash = b.entries[3]!.entryHash;
      const r = ect('audit', '--trust', ws.trustFile, ws.file('swapped.json', b));
      expect(r.status, r.stderr).toBe(1);
      expect(found(r)).toEqual([
        '2:receipt_mismatch',
        '3:receipt_mismatch',
        '4:receipt_mismatch',
        '4:checkpoint_mismatch',
      ]);
      expect(out(r).ledger!.intact).toBe(false);
      // Every token still verifies: beside the ledger's problems, the DAG sees only the cut edge.
      expect(out(r).violations).toMatchObject([{ code: 'parent_not_found' }]);
    },
    CLI_TIMEOUT,
  );

  it(
    'every hash garbage: exit 1, chain_broken at every entry',
    async () => {
      const b = await bundle();
      for (const e of b.entries) e.entryHash = e.prevHash = 'garbage';
      const r = ect('audit', '--trust', ws.trustFile, ws.file('garbage.json', b));
      expect(r.status).toBe(1);
      expect([
        ...new Set(
          out(r)
            .ledger!.problems.filter((p) => p.code === 'chain_broken')
            .map((p) => p.seq),
        ),
      ]).toEqual([1, 2, 3, 4]);
    },
    CLI_TIMEOUT,
  );

  it(
    'key and receipts stripped, chain re-hashed: passes alone, fails against --ledger-key or --checkpoint',
    async () => {
      const b = await bundle();
      const keyFile = ws.file('ledger-key.json', key.publicJwk);
      const checkpointFile = ws.file('checkpoint.jws', `${b.checkpoint}\n`);
      b.entries[0]!.token = await sign(ws.alice, claims(ws.alice, { pred: [] }));
      let prev = GENESIS_HASH;
      for (const e of b.entries) {
        delete e.receipt;
        e.prevHash = prev;
        prev = e.entryHash = await computeEntryHash(prev, e.token);
      }
      b.head.entryHash = prev;
      delete b.ledgerKey;
      delete b.checkpoint;
      const file = ws.file('stripped.json', b);
      const alone = ect('audit', '--trust', ws.trustFile, file);
      expect(out(alone).ledger!.intact).toBe(true);
      const pinnedKey = ect('audit', '--trust', ws.trustFile, '--ledger-key', keyFile, file);
      expect(pinnedKey.status).toBe(1);
      expect(found(pinnedKey)).toEqual([
        '1:receipt_missing',
        '2:receipt_missing',
        '3:receipt_missing',
        '4:receipt_missing',
      ]);
      const pinned = ect('audit', '--trust', ws.trustFile, '--checkpoint', checkpointFile, file);
      expect(pinned.status).toBe(1);
      expect(found(pinned)).toContain('4:checkpoint_mismatch');
      const messages = out(pinned).ledger!.problems.map((p) => p.message);
      expect(messages.some((m) => m.includes('this ledger has no key'))).toBe(true);
      expect(messages.some((m) => m.includes('entry #4 now has hash'))).toBe(true);
    },
    CLI_TIMEOUT,
  );

  it(
    'bad pins and bad bundles are usage errors (exit 2, one line)',
    async () => {
      const b = await bundle();
      const noFormat = { ...b } as Partial<LedgerBundle>;
      delete noFormat.format;
      const r1 = ect('audit', '--trust', ws.trustFile, ws.file('no-format.json', noFormat));
      expect(r1.status).toBe(2);
      expect(r1.stderr).toMatch(
        /^ect audit: ledger export ".*no-format\.json": this has ledger entries but no "format"/,
      );
      const r2 = ect(
        'audit',
        '--trust',
        ws.trustFile,
        '--checkpoint',
        ws.file('cp.txt', 'not a checkpoint'),
        ws.file('b.json', b),
      );
      expect(r2.status).toBe(2);
      expect(r2.stderr).toMatch(/^ect audit: checkpoint ".*cp\.txt": a checkpoint is a compact JWS/);
      const list = ws.file(
        'list.json',
        b.entries.map((e) => e.token),
      );
      const r3 = ect(
        'audit',
        '--trust',
        ws.trustFile,
        '--ledger-key',
        ws.file('k.json', key.publicJwk),
        list,
      );
      expect(r3.status).toBe(2);
      expect(r3.stderr).toContain('--ledger-key and --checkpoint check a ledger export');
    },
    CLI_TIMEOUT,
  );
});

describe('ect verify --ledger', () => {
  it(
    'an unsigned or badly signed token in the ledger file does not vouch for a child',
    async () => {
      const mallory = await makeAgent('mallory', { iss: ws.alice.iss, kid: ws.alice.kid });
      const forgedParent = claims(ws.alice, { pred: [] });
      const unsignedParent = claims(ws.alice, { pred: [] });
      const goodParent = claims(ws.alice, { pred: [] });
      const ledgerFile = ws.file('ledger-mixed.json', [
        await sign(mallory, forgedParent), // alice's kid, mallory's key
        encodeBase64UrlText(JSON.stringify(unsignedParent)), // L1: no signature
        await sign(ws.alice, goodParent),
      ]);
      const child = async (parent: Record<string, unknown>) =>
        sign(ws.alice, claims(ws.alice, { pred: [parent.jti as string], iat: NOW - 30 }));
      const r = ect(
        'verify',
        '--trust',
        ws.trustFile,
        '--now',
        String(NOW),
        '--ledger',
        ledgerFile,
        await child(forgedParent),
        await child(unsignedParent),
        await child(goodParent),
      );
      const results = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { valid: boolean; code: string | null });
      expect(results.map((x) => x.code)).toEqual(['parent_not_found', 'parent_not_found', null]);
      expect(r.status).toBe(1);
      const warnings = r.stderr.trim().split('\n');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(
        new RegExp(
          `^ect verify: warning: --ledger .*: token 1 \\(jti ${forgedParent.jti}\\) left out of the store: invalid_signature`,
        ),
      );
      expect(warnings[1]).toContain(
        `token 2 (jti ${unsignedParent.jti}) left out of the store: level_below_minimum`,
      );
    },
    CLI_TIMEOUT,
  );

  it(
    'a ledger export with a broken chain is refused, naming the entry',
    async () => {
      const b = await bundle();
      delete b.entries[2]!.receipt;
      const r = ect(
        'verify',
        '--trust',
        ws.trustFile,
        '--ledger',
        ws.file('broken.json', b),
        b.entries[0]!.token,
      );
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^ect verify: ledger export ".*broken\.json" is broken at entry #3: receipt_missing: /,
      );
    },
    CLI_TIMEOUT,
  );
});

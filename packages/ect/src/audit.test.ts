import { describe, it, expect } from 'vitest';
import { claims, flipChar, makeAgent, NOW, sign, trustFor, uuid } from '../test/fixtures.ts';
import {
  auditReports,
  auditReportsInSlices,
  auditTokens,
  overTraversalLimit,
  stronglyConnected,
  type AuditReport,
} from './audit.ts';
import { verifyTokens } from './verify-set.ts';
import type { JsonObject } from './decode.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';

const alice = await makeAgent('alice');
const bob = await makeAgent('bob');
const trust = trustFor(alice, bob);

const settings = (overrides: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...overrides });

/** A signed -01 token from `agent` with the given claim overrides. */
const tok = (overrides: JsonObject = {}, agent = alice) => sign(agent, claims(agent, overrides));

const audit = (tokens: readonly string[], s?: Settings, now?: number) =>
  auditTokens(tokens, { trust, ...(s ? { settings: s } : {}), ...(now === undefined ? {} : { now }) });

/** The violations as {code, jti, pred?}, without index or message. */
const triples = (r: AuditReport) =>
  r.violations.map((v) =>
    v.pred === undefined ? { code: v.code, jti: v.jti } : { code: v.code, jti: v.jti, pred: v.pred },
  );

/** The violations as sorted strings: a multiset that ignores order. */
const multiset = (r: AuditReport) => r.violations.map((v) => `${v.code} ${v.jti} ${v.pred ?? '-'}`).sort();

const nodeOf = (r: AuditReport, jti: string) => {
  const n = r.nodes.find((x) => x.jti === jti);
  if (!n) throw new Error(`no node ${jti}`);
  return n;
};

/** A deterministic shuffle (mulberry32), so a failure can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('auditTokens: a clean set', () => {
  it('finds nothing in a fan-out/fan-in DAG', async () => {
    const wid = uuid();
    const [a, b, c, d, e] = [uuid(), uuid(), uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ wid, jti: a, pred: [], iat: NOW - 400 }),
      await tok({ wid, jti: b, pred: [a], iat: NOW - 300 }, bob),
      await tok({ wid, jti: c, pred: [a], iat: NOW - 300 }),
      await tok({ wid, jti: d, pred: [b, c], iat: NOW - 200 }, bob),
      await tok({ wid, jti: e, pred: [d], iat: NOW - 100 }),
    ];
    const r = await audit(tokens);
    expect(r.violations).toEqual([]);
    expect(r.missing).toEqual([]);
    expect(r.nodes.map((n) => [n.jti, n.valid, n.tainted, n.codes])).toEqual(
      [a, b, c, d, e].map((j) => [j, true, false, []]),
    );
    expect(r.edges.map((x) => [x.from, x.to, x.pred, x.codes])).toEqual([
      [1, 0, a, []],
      [2, 0, a, []],
      [3, 1, b, []],
      [3, 2, c, []],
      [4, 3, d, []],
    ]);
  });
});

describe('auditTokens: cycles', () => {
  it('gives one cycle violation per edge of a 2-node loop, and taints (not invalidates) a child outside it', async () => {
    const [a, b, c] = [uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ jti: a, pred: [b] }),
      await tok({ jti: b, pred: [a] }),
      await tok({ jti: c, pred: [a] }),
    ];
    const r = await audit(tokens);
    expect(triples(r)).toEqual(
      expect.arrayContaining([
        { code: 'cycle', jti: a, pred: b },
        { code: 'cycle', jti: b, pred: a },
      ]),
    );
    expect(r.violations).toHaveLength(2);
    expect(nodeOf(r, a)).toMatchObject({ valid: false, codes: ['cycle'] });
    expect(nodeOf(r, b)).toMatchObject({ valid: false, codes: ['cycle'] });
    expect(nodeOf(r, c)).toMatchObject({ valid: true, tainted: true, codes: [] });
  });

  it('gives one violation per edge inside a 3-node loop, none for a chord into it', async () => {
    const [a, b, c, d] = [uuid(), uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ jti: a, pred: [c] }),
      await tok({ jti: b, pred: [a] }),
      await tok({ jti: c, pred: [b, d] }),
      await tok({ jti: d, pred: [] }),
    ];
    const r = await audit(tokens);
    expect(multiset(r)).toEqual([`cycle ${a} ${c}`, `cycle ${b} ${a}`, `cycle ${c} ${b}`].sort());
    expect(nodeOf(r, d)).toMatchObject({ valid: true, tainted: false });
  });

  it('reports a self-loop as {cycle, jti: X, pred: X}', async () => {
    const x = uuid();
    const r = await audit([await tok({ jti: x, pred: [x] })]);
    expect(triples(r)).toEqual([{ code: 'cycle', jti: x, pred: x }]);
    expect(r.nodes[0]).toMatchObject({ valid: false, tainted: false, codes: ['cycle'] });
  });
});

describe('auditTokens: the per-edge and per-node rules', () => {
  it('reports a missing parent on the edge and lists it in missing', async () => {
    const [x, ghost] = [uuid(), uuid()];
    const r = await audit([await tok({ jti: x, pred: [ghost] })]);
    expect(triples(r)).toEqual([{ code: 'parent_not_found', jti: x, pred: ghost }]);
    expect(r.missing).toEqual([ghost]);
    expect(r.edges).toEqual([{ from: 0, to: null, pred: ghost, codes: ['parent_not_found'] }]);
    expect(r.nodes[0]!.valid).toBe(false);
  });

  it('gives one duplicate_jti per copy within the same workflow', async () => {
    const [wid, j] = [uuid(), uuid()];
    const r = await audit([await tok({ wid, jti: j }), await tok({ wid, jti: j }, bob)]);
    expect(r.violations.map((v) => [v.code, v.jti, v.index])).toEqual([
      ['duplicate_jti', j, 0],
      ['duplicate_jti', j, 1],
    ]);
    expect(r.nodes.map((n) => n.valid)).toEqual([false, false]);
  });

  it('gives one duplicate_jti per copy when no copy has a wid', async () => {
    const j = uuid();
    const r = await audit([await tok({ jti: j }), await tok({ jti: j }), await tok({ jti: j })]);
    expect(triples(r)).toEqual([
      { code: 'duplicate_jti', jti: j },
      { code: 'duplicate_jti', jti: j },
      { code: 'duplicate_jti', jti: j },
    ]);
  });

  it('does not report the same jti in different workflows', async () => {
    const j = uuid();
    const r = await audit([await tok({ wid: uuid(), jti: j }), await tok({ wid: uuid(), jti: j })]);
    expect(r.violations).toEqual([]);
    expect(r.nodes.map((n) => n.valid)).toEqual([true, true]);
  });

  it('reports a parent issued more than clockSkew after its child (and not one at exactly clockSkew)', async () => {
    const [p, late, ok] = [uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ jti: p, iat: NOW - 60 }),
      await tok({ jti: late, pred: [p], iat: NOW - 60 - 31 }),
      await tok({ jti: ok, pred: [p], iat: NOW - 60 - 30 }),
    ];
    const r = await audit(tokens);
    expect(triples(r)).toEqual([{ code: 'temporal_violation', jti: late, pred: p }]);
    expect(r.edges.find((e) => e.from === 1)!.codes).toEqual(['temporal_violation']);
    expect(nodeOf(r, ok).valid).toBe(true);
  });

  it('reports a workflow mismatch for a parent in another workflow or without one', async () => {
    const [wid, p1, p2, x] = [uuid(), uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ jti: p1, wid: uuid() }),
      await tok({ jti: p2 }),
      await tok({ jti: x, wid, pred: [p1, p2] }),
    ];
    const r = await audit(tokens);
    expect(triples(r)).toEqual([
      { code: 'workflow_mismatch', jti: x, pred: p1 },
      { code: 'workflow_mismatch', jti: x, pred: p2 },
    ]);
  });

  it('reports children of a parent whose policy decision is not approved', async () => {
    const [rej, pend, appr, x] = [uuid(), uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ jti: rej, ect_ext: { pol: 'policy-1', pol_decision: 'rejected' } }),
      await tok({ jti: pend, ect_ext: { pol: 'policy-1', pol_decision: 'pending_human_review' } }),
      await tok({ jti: appr, ect_ext: { pol: 'policy-1', pol_decision: 'approved' } }),
      await tok({ jti: x, pred: [rej, pend, appr] }),
    ];
    const r = await audit(tokens);
    expect(triples(r)).toEqual([
      { code: 'parent_policy', jti: x, pred: rej },
      { code: 'parent_policy', jti: x, pred: pend },
    ]);
    expect(r.nodes.slice(0, 3).every((n) => n.valid)).toBe(true);
    // Turned off, nothing is reported.
    expect((await audit(tokens, settings({ enforceParentPolicy: false }))).violations).toEqual([]);
  });

  it('reports a node with more than traversalLimit distinct ancestors', async () => {
    const [a, b, c] = [uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ jti: a }),
      await tok({ jti: b, pred: [a] }),
      await tok({ jti: c, pred: [b] }),
    ];
    const r = await audit(tokens, settings({ traversalLimit: 1 }));
    expect(triples(r)).toEqual([{ code: 'traversal_limit', jti: c }]);
  });
});

describe('auditTokens: per-token verification and taint', () => {
  it('reports a bad signature as {invalid_signature, jti} and taints the descendants, which stay valid', async () => {
    const [p, c, g, other] = [uuid(), uuid(), uuid(), uuid()];
    const tokens = [
      flipChar(await tok({ jti: p }), 2),
      await tok({ jti: c, pred: [p] }),
      await tok({ jti: g, pred: [c] }),
      await tok({ jti: other }),
    ];
    const r = await audit(tokens);
    expect(triples(r)).toEqual([{ code: 'invalid_signature', jti: p }]);
    expect(r.violations[0]).not.toHaveProperty('pred');
    expect(nodeOf(r, p)).toMatchObject({ valid: false, tainted: false, codes: ['invalid_signature'] });
    expect(nodeOf(r, c)).toMatchObject({ valid: true, tainted: true, codes: [] });
    expect(nodeOf(r, g)).toMatchObject({ valid: true, tainted: true, codes: [] });
    expect(nodeOf(r, other)).toMatchObject({ valid: true, tainted: false });
  });

  it('does not apply steps 11-14: an expired, old set audits clean', async () => {
    const wid = uuid();
    const [a, b] = [uuid(), uuid()];
    const tokens = [
      await tok({ wid, jti: a, iat: NOW - 100_000, exp: NOW - 99_400 }),
      await tok({ wid, jti: b, pred: [a], iat: NOW - 90_000, exp: NOW - 89_400 }),
    ];
    const later = NOW + 10 * 365 * 86400;
    for (const now of [undefined, later]) {
      const r = await audit(tokens, undefined, now);
      expect(r.violations).toEqual([]);
      expect(r.nodes.every((n) => n.valid && !n.tainted)).toBe(true);
      for (const n of r.nodes) {
        for (const id of ['audience', 'exp', 'iat', 'replay'] as const) {
          expect(n.report.steps.find((s) => s.id === id)!.status).toBe('skip');
        }
      }
    }
  });

  it('gives the same multiset of violations whatever the order of the set', async () => {
    const wid = uuid();
    const ids = Array.from({ length: 14 }, () => uuid());
    const [root, cy1, cy2, self, orphan, ghost, dup, late, mism, rej, afterRej, bad, afterBad, clean] =
      ids as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
    const tokens = [
      await tok({ wid, jti: root, iat: NOW - 100 }),
      await tok({ wid, jti: cy1, pred: [cy2] }),
      await tok({ wid, jti: cy2, pred: [cy1, root] }),
      await tok({ wid, jti: self, pred: [self] }),
      await tok({ wid, jti: orphan, pred: [ghost] }),
      await tok({ wid, jti: dup }),
      await tok({ wid, jti: dup }, bob),
      await tok({ wid, jti: late, pred: [root], iat: NOW - 200 }),
      await tok({ jti: mism }),
      await tok({ wid, jti: rej, ect_ext: { pol: 'p', pol_decision: 'rejected' } }),
      await tok({ wid, jti: afterRej, pred: [rej, mism] }),
      flipChar(await tok({ wid, jti: bad }), 2),
      await tok({ wid, jti: afterBad, pred: [bad] }),
      await tok({ wid, jti: clean, pred: [root] }),
    ];
    const expected = [
      `cycle ${cy1} ${cy2}`,
      `cycle ${cy2} ${cy1}`,
      `cycle ${self} ${self}`,
      `parent_not_found ${orphan} ${ghost}`,
      `duplicate_jti ${dup} -`,
      `duplicate_jti ${dup} -`,
      `temporal_violation ${late} ${root}`,
      `parent_policy ${afterRej} ${rej}`,
      `workflow_mismatch ${afterRej} ${mism}`,
      `invalid_signature ${bad} -`,
    ].sort();
    const base = await audit(tokens);
    expect(multiset(base)).toEqual(expected);
    const validity = (r: AuditReport) =>
      Object.fromEntries(r.nodes.filter((n) => n.jti !== dup).map((n) => [n.jti, [n.valid, n.tainted]]));
    for (const seed of [1, 2, 3, 42]) {
      const r = await audit(shuffled(tokens, seed));
      expect(multiset(r), `seed ${seed}`).toEqual(expected);
      expect(validity(r), `seed ${seed}`).toEqual(validity(base));
    }
    expect(multiset(await audit([...tokens].reverse()))).toEqual(expected);
  });
});

describe('auditTokens: order independence with a duplicated parent', () => {
  // ECT-PROFILE.md section 7: a whole set is audited "in any order", with the same
  // rules applied to every edge at once. When a parent's jti has two copies, the
  // child's edge must not be judged against whichever copy happens to come first.
  it('gives the same violations whichever copy of a duplicated parent comes first', async () => {
    const [p, c] = [uuid(), uuid()];
    const early = await tok({ jti: p, iat: NOW - 60 });
    const late = await tok({ jti: p, iat: NOW + 1000 }); // more than clockSkew after the child
    const child = await tok({ jti: c, pred: [p], iat: NOW - 60 });
    const one = await audit([early, late, child]);
    const other = await audit([late, early, child]);
    expect(multiset(other)).toEqual(multiset(one));
  });
});

describe('auditReportsInSlices', () => {
  it('makes the same audit as auditReports, pausing between slices', async () => {
    const wid = uuid();
    const [a, b, c] = [uuid(), uuid(), uuid()];
    const tokens = [
      await tok({ wid, jti: a, pred: [c], iat: NOW - 400 }),
      await tok({ wid, jti: b, pred: [a, uuid()], iat: NOW - 300 }, bob),
      flipChar(await tok({ wid, jti: c, pred: [b], iat: NOW - 200 }), 2),
      await tok({ wid, jti: uuid(), pred: [b], iat: NOW - 100 }),
      await tok({ wid, jti: b, pred: [], iat: NOW - 100 }),
    ];
    const reports = await verifyTokens(tokens, { trust, mode: 'stored' });
    const whole = auditReports(reports, settings({ traversalLimit: 1 }));
    expect(whole.violations.length).toBeGreaterThan(4);
    let pauses = 0;
    const sliced = await auditReportsInSlices(
      reports,
      settings({ traversalLimit: 1 }),
      async () => void pauses++,
      -1, // every chance to pause taken
    );
    expect(sliced).toEqual(whole);
    expect(pauses).toBeGreaterThan(4);
  });
});

describe('overTraversalLimit', () => {
  it('with limit 0, returns every node that has a parent', () => {
    expect(overTraversalLimit([[], [0], [1], []], 0)).toEqual([1, 2]);
    expect(overTraversalLimit([[], []], 0)).toEqual([]);
    expect(overTraversalLimit([], 0)).toEqual([]);
  });

  it('counts the shared ancestor of a diamond once', () => {
    const diamond = [[], [0], [0], [1, 2]]; // node 3 has ancestors 0, 1, 2
    expect(overTraversalLimit(diamond, 3)).toEqual([]);
    expect(overTraversalLimit(diamond, 2)).toEqual([3]);
  });

  it('counts exactly on a ladder of diamonds, where the sum over parents explodes', () => {
    // a0; for each level l: b_l, c_l <- a_(l-1); a_l <- b_l, c_l. a_L has 3L ancestors.
    const levels = 40;
    const parentsOf: number[][] = [[]];
    let a = 0;
    for (let l = 1; l <= levels; l++) {
      const b = parentsOf.push([a]) - 1;
      const c = parentsOf.push([a]) - 1;
      a = parentsOf.push([b, c]) - 1;
    }
    expect(overTraversalLimit(parentsOf, 3 * levels)).toEqual([]);
    expect(overTraversalLimit(parentsOf, 3 * levels - 1)).toEqual([a]);
  });

  it('handles nodes in and below a loop', () => {
    const graph = [[2], [0], [1], [0]]; // 0 <- 1 <- 2 <- 0, and 3 below 0
    expect(overTraversalLimit(graph, 3)).toEqual([]);
    expect(overTraversalLimit(graph, 2)).toEqual([3]);
    expect(overTraversalLimit(graph, 1)).toEqual([0, 1, 2, 3]);
    expect(overTraversalLimit([[0]], 0)).toEqual([]); // a self-loop is not its own ancestor
  });

  it('runs over a 100,000-node chain in either orientation', () => {
    const n = 100_000;
    const down = Array.from({ length: n }, (_, i) => (i ? [i - 1] : [])); // node i has i ancestors
    const over = overTraversalLimit(down, 10_000);
    expect(over).toHaveLength(n - 10_001);
    expect(over[0]).toBe(10_001);
    expect(over.at(-1)).toBe(n - 1);
    expect(overTraversalLimit(down, n - 1)).toEqual([]);
    expect(overTraversalLimit(down, n - 2)).toEqual([n - 1]);
    const up = Array.from({ length: n }, (_, i) => (i < n - 1 ? [i + 1] : [])); // node i has n-1-i ancestors
    expect(overTraversalLimit(up, n - 2)).toEqual([0]);
  });
});

describe('stronglyConnected', () => {
  const groups = (comp: number[]) => new Set(comp).size;

  it('handles the empty graph, a self-loop and a DAG', () => {
    expect(stronglyConnected([])).toEqual([]);
    expect(stronglyConnected([[0]])).toHaveLength(1);
    expect(groups(stronglyConnected([[], [0], [0], [1, 2]]))).toBe(4);
  });

  it('puts each loop in one component and separates loops joined by one edge', () => {
    const comp = stronglyConnected([[1], [0], [3], [2, 0]]);
    expect(comp[0]).toBe(comp[1]);
    expect(comp[2]).toBe(comp[3]);
    expect(comp[0]).not.toBe(comp[2]);
    expect(comp.every((c) => c >= 0)).toBe(true);
  });

  it('walks a 100,000-node chain and a 100,000-node ring without overflowing the stack', () => {
    const n = 100_000;
    const chain = Array.from({ length: n }, (_, i) => (i < n - 1 ? [i + 1] : []));
    expect(groups(stronglyConnected(chain))).toBe(n);
    const ring = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    expect(groups(stronglyConnected(ring))).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, verifyToken, type AuditReport, type VerificationReport } from 'wimse-ect';
import { claims, makeAgent, NOW, sign, trustFor, uuid } from '../../../packages/ect/test/fixtures.ts';
import {
  COL_W,
  depths,
  firstIndexByJti,
  replayAudit,
  replayGraph,
  REPLAY_WINDOW,
  ROW_H,
} from './replayModel.ts';

/** A chain root → middle → leaf, written to the ledger child first (leaf, middle, root). */
async function childFirstChain() {
  const a = await makeAgent('a');
  const trust = trustFor(a);
  const wid = uuid();
  const [root, middle, leaf] = [uuid(), uuid(), uuid()];
  const tokens = [
    await sign(a, claims(a, { jti: leaf, wid, pred: [middle], exec_act: 'publish' })),
    await sign(a, claims(a, { jti: middle, wid, pred: [root], exec_act: 'review' })),
    await sign(a, claims(a, { jti: root, wid, pred: [], exec_act: 'draft' })),
  ];
  const reports: VerificationReport[] = [];
  for (const t of tokens) reports.push(await verifyToken(t, { trust, mode: 'stored', now: NOW }));
  return { reports, root, middle, leaf };
}

describe('replay', () => {
  it('shows parent_not_found until the parent arrives', async () => {
    const { reports, root, middle, leaf } = await childFirstChain();

    const one = replayAudit(reports, 1, DEFAULT_SETTINGS);
    expect(one.nodes).toHaveLength(1);
    expect(one.nodes[0]!.codes).toEqual(['parent_not_found']);
    const g1 = replayGraph(one);
    expect(g1.nodes.map((n) => [n.jti, n.status])).toEqual([
      [middle, 'ghost'],
      [leaf, 'invalid'],
    ]);
    expect(g1.edges).toEqual([
      expect.objectContaining({ source: `g:${middle}`, target: 'n0', status: 'ghost' }),
    ]);

    const two = replayGraph(replayAudit(reports, 2, DEFAULT_SETTINGS));
    const status = Object.fromEntries(two.nodes.map((n) => [n.jti, n.status]));
    expect(status).toEqual({ [root]: 'ghost', [middle]: 'invalid', [leaf]: 'tainted' });

    const three = replayGraph(replayAudit(reports, 3, DEFAULT_SETTINGS));
    expect(three.nodes.every((n) => n.status === 'valid')).toBe(true);
    // Depth layout: root, then middle, then leaf, left to right.
    const x = Object.fromEntries(three.nodes.map((n) => [n.jti, n.x]));
    expect(x[root]! < x[middle]! && x[middle]! < x[leaf]!).toBe(true);
    expect(three.nodes.find((n) => n.newest)?.jti).toBe(root);
    expect(three.edges.every((e) => e.status === 'ok')).toBe(true);

    expect(firstIndexByJti(replayAudit(reports, 3, DEFAULT_SETTINGS)).get(root)).toBe(2);
    expect(replayAudit(reports, 0, DEFAULT_SETTINGS).nodes).toEqual([]);
  });

  it('draws only the last entries of a long ledger, and survives a loop', async () => {
    const a = await makeAgent('a');
    const trust = trustFor(a);
    const ids = Array.from({ length: REPLAY_WINDOW + 5 }, () => uuid());
    const reports: VerificationReport[] = [];
    for (let i = 0; i < ids.length; i++) {
      const pred = i === 0 ? [] : [ids[i - 1]!];
      const token = await sign(a, claims(a, { jti: ids[i]!, pred }));
      reports.push(await verifyToken(token, { trust, mode: 'stored', now: NOW }));
    }
    const audit = replayAudit(reports, ids.length, DEFAULT_SETTINGS);
    const g = replayGraph(audit);
    expect(g.hidden).toBe(5);
    expect(g.nodes).toHaveLength(REPLAY_WINDOW);
    expect(g.edges).toHaveLength(REPLAY_WINDOW - 1);
    expect(g.nodes[0]!.x).toBe(0);
    expect(depths(audit).at(-1)).toBe(ids.length - 1);

    // Two tokens naming each other: no crash, both invalid (cycle).
    const [x, y] = [uuid(), uuid()];
    const loop = [
      await verifyToken(await sign(a, claims(a, { jti: x, pred: [y] })), { trust, mode: 'stored', now: NOW }),
      await verifyToken(await sign(a, claims(a, { jti: y, pred: [x] })), { trust, mode: 'stored', now: NOW }),
    ];
    const lg = replayGraph(replayAudit(loop, 2, DEFAULT_SETTINGS));
    expect(lg.nodes.map((n) => n.status)).toEqual(['invalid', 'invalid']);
    expect(lg.nodes.every((n) => n.codes.includes('cycle'))).toBe(true);
  });

  it('wraps a wide ledger into columns: about as wide as it is tall, not a sliver', () => {
    // 300 tasks at one depth (no parents): one column of 300 rows before.
    const audit = {
      nodes: Array.from({ length: 300 }, (_, i) => ({
        index: i,
        jti: `t${i}`,
        valid: true,
        tainted: false,
        codes: [],
        report: { payload: { exec_act: 'step' } },
      })),
      edges: [],
      violations: [],
      missing: [],
    } as unknown as AuditReport;
    const g = replayGraph(audit);
    const w = Math.max(...g.nodes.map((n) => n.x)) + COL_W;
    const h = Math.max(...g.nodes.map((n) => n.y)) + ROW_H;
    expect(w / h).toBeGreaterThan(1);
    expect(w / h).toBeLessThan(5);
    expect(new Set(g.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(300);
  });
});

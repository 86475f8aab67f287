import { describe, expect, it } from 'vitest';
import { buildDiffModel } from './diff.ts';
import { parseSelection, selectNodes } from './selection.ts';
import { auditOf, jtiOf, type TaskSpec } from './testModel.ts';

describe('buildDiffModel', () => {
  // A: root → x → y, and late whose parent `early` is missing. B (a second run): x turned invalid,
  // y is gone, z is new, and early arrived.
  const A: TaskSpec[] = [
    { name: 'root' },
    { name: 'x', pred: ['root'] },
    { name: 'y', pred: ['x'] },
    { name: 'late', pred: ['early'], status: 'invalid', codes: ['parent_not_found'] },
  ];
  const B: TaskSpec[] = [
    { name: 'root' },
    { name: 'x', pred: ['root'], status: 'invalid', codes: ['invalid_signature'] },
    { name: 'z', pred: ['x'], status: 'tainted' },
    { name: 'early' },
    { name: 'late', pred: ['early'] },
  ];
  const d = buildDiffModel(auditOf(A), auditOf(B), 30);
  const mark = (name: string) => d.nodes.find((n) => n.jti === jtiOf(name))?.diff?.mark;

  it('marks every task as in A only, in B only, the same or changed', () => {
    expect(mark('root')).toBe('same');
    expect(mark('x')).toBe('changed');
    expect(mark('y')).toBe('onlyA');
    expect(mark('z')).toBe('onlyB');
    // A's missing parent arrived in B: one node, changed; and its child's verdict changed with it.
    expect(mark('early')).toBe('changed');
    expect(mark('late')).toBe('changed');
    expect(d.nodes.filter((n) => n.jti === jtiOf('early'))).toHaveLength(1);
    expect(d.diffCounts).toMatchObject({ onlyA: 1, onlyB: 1, changed: 3, same: 1 });
  });

  it('keeps both verdicts and draws what B says', () => {
    const x = d.nodes.find((n) => n.jti === jtiOf('x'))!;
    expect(x.diff).toMatchObject({
      a: { status: 'valid', codes: [] },
      b: { status: 'invalid', codes: ['invalid_signature'] },
    });
    expect(x.status).toBe('invalid');
  });

  it('marks every edge, and links the nodes of both sides', () => {
    const edge = (p: string, c: string) =>
      d.edges.find((e) => d.nodes[e.source]!.jti === jtiOf(p) && d.nodes[e.target]!.jti === jtiOf(c))?.diff;
    expect(edge('root', 'x')).toBe('same');
    expect(edge('x', 'y')).toBe('onlyA');
    expect(edge('x', 'z')).toBe('onlyB');
    expect(edge('early', 'late')).toBe('same');
    expect(d.diffCounts).toMatchObject({ edgesOnlyA: 1, edgesOnlyB: 1 });
    const x = d.nodes.findIndex((n) => n.jti === jtiOf('x'));
    expect(d.nodes[x]!.children.map((c) => d.nodes[c]!.jti).sort()).toEqual([jtiOf('y'), jtiOf('z')].sort());
  });

  it('is selected by the diff: atom', () => {
    const r = parseSelection('diff:changed or diff:onlyB');
    if (!r.ok) throw new Error(r.message);
    const picked = selectNodes(d, r.selection!);
    expect(
      d.nodes
        .filter((_, i) => picked[i])
        .map((n) => n.jti)
        .sort(),
    ).toEqual(['x', 'z', 'early', 'late'].map(jtiOf).sort());
  });
});

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildView, groupOf, type View } from './view.ts';
import type { GraphModel } from './model.ts';
import { modelOf, type TaskSpec } from './testModel.ts';

/** What buildView must give, said plainly: each visible node's view key, then groups and edges from those. */
function expected(
  model: GraphModel,
  visible: Uint8Array,
  mode: 'none' | 'iss' | 'wid',
  expanded: ReadonlySet<string>,
  pinned: Uint8Array,
) {
  const keyOf = model.nodes.map((n, i) => {
    if (!visible[i]) return null;
    if (mode === 'none' || pinned[i]) return n.key;
    const g = groupOf(model, i, mode);
    return expanded.has(g) ? n.key : g;
  });
  const order = [...new Set(keyOf.filter((k): k is string => k !== null))];
  const members = new Map<string, number[]>();
  keyOf.forEach((k, i) => {
    if (k !== null && k.startsWith('G:')) members.set(k, [...(members.get(k) ?? []), i]);
  });
  const folded = new Map<string, number>();
  const plain: number[] = [];
  model.edges.forEach((e, k) => {
    const s = keyOf[e.source];
    const t = keyOf[e.target];
    if (s == null || t == null) return;
    if (!s.startsWith('G:') && !t.startsWith('G:')) return void plain.push(k);
    if (s !== t) folded.set(`f:${s}->${t}`, (folded.get(`f:${s}->${t}`) ?? 0) + 1);
  });
  return { order, members, folded, plain, hidden: keyOf.filter((k) => k === null).length };
}

function actual(view: View) {
  return {
    order: view.nodes.map((n) => n.key),
    members: new Map(
      view.nodes.flatMap((n) => (n.kind === 'group' ? [[n.key, n.group.members] as const] : [])),
    ),
    folded: new Map(view.edges.filter((e) => e.model === null).map((e) => [e.key, e.count])),
    plain: view.edges.filter((e) => e.model !== null).map((e) => e.model!),
    hidden: view.hidden,
  };
}

describe('buildView', () => {
  const task = (i: number) =>
    fc.record({
      iss: fc.constantFrom('agent/a', 'agent/b', 'agent/c'),
      wid: fc.constantFrom<string | null>('w1', 'w2', 'w3', null),
      status: fc.constantFrom<'valid' | 'invalid' | 'tainted'>('valid', 'invalid', 'tainted'),
      // Parents among the tasks before, and some no task has (drawn as ghosts).
      pred: fc.array(
        fc.oneof(
          fc.nat(Math.max(0, i - 1)).map((p) => `t${p}`),
          fc.constantFrom('gone1', 'gone2'),
        ),
        {
          maxLength: i ? 3 : 0,
        },
      ),
    });
  const tasks = fc
    .integer({ min: 1, max: 40 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => task(i))))
    .map((ts): TaskSpec[] => ts.map((t, i) => ({ name: `t${i}`, ...t, pred: [...new Set(t.pred)] })));

  it('groups, folds and hides as said, whatever is visible, expanded or pinned', () => {
    fc.assert(
      fc.property(
        tasks,
        fc.constantFrom('none', 'iss', 'wid') as fc.Arbitrary<'none' | 'iss' | 'wid'>,
        fc.infiniteStream(fc.nat(9)),
        fc.subarray(['G:iss:spiffe://a/agent/a', 'G:wid:w2', 'G:wid:\u0000none', 'G:iss:nobody']),
        (spec, mode, dice, open) => {
          const model = modelOf(spec);
          const roll = dice[Symbol.iterator]();
          const next = (): number => roll.next().value ?? 0;
          const visible = Uint8Array.from(model.nodes, () => (next() < 8 ? 1 : 0));
          const pinned = Uint8Array.from(model.nodes, () => (next() === 0 ? 1 : 0));
          const expanded = new Set(open);
          const view = buildView(model, visible, mode, expanded, pinned);
          const want = expected(model, visible, mode, expanded, pinned);
          expect(actual(view)).toEqual(want);
          // Each group's counts are its members'.
          for (const n of view.nodes) {
            if (n.kind !== 'group') continue;
            const real = n.group.members.filter((i) => model.nodes[i]!.kind !== 'ghost');
            expect(n.group.tokens).toBe(real.length);
            expect(n.group.ghosts).toBe(n.group.members.length - real.length);
            expect(n.group.invalid).toBe(real.filter((i) => model.nodes[i]!.status === 'invalid').length);
          }
          view.nodes.forEach((n, at) => expect(view.byKey.get(n.key)).toBe(at));
        },
      ),
    );
  });
});

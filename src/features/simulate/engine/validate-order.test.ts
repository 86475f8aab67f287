/**
 * The scenario's ordering helpers on large and hostile scenarios (issue 17): the same answers as
 * the plain definitions (kept here as references) on any small scenario, and a scenario of
 * thousands of chained tasks ordered without freezing or overflowing the stack.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { defaultFaultTask, FAULT_KINDS, faultProblem, fittingTasks } from './faults.ts';
import { layoutByDepth } from './layout.ts';
import { BUILTIN_SCENARIOS, builtinScenario } from './scenarios.ts';
import { findCycle, taskDepths, topologicalOrder, validateScenario } from './validate.ts';
import type { ScenarioTask } from './types.ts';

const task = (id: string, pred: string[]): ScenarioTask => ({
  id,
  agent: 'A',
  exec_act: 'x',
  pred,
  aud: ['A'],
});

/** The definition: repeatedly, the first task in scenario order whose predecessors are all placed. */
function referenceOrder(tasks: readonly ScenarioTask[]): string[] {
  const ids = new Set(tasks.map((t) => t.id));
  const remaining = new Map(tasks.map((t) => [t.id, new Set(t.pred.filter((p) => ids.has(p)))]));
  const order: string[] = [];
  while (order.length < tasks.length) {
    const next = tasks.find((t) => !order.includes(t.id) && remaining.get(t.id)!.size === 0);
    if (!next) throw new Error('the tasks form a cycle');
    order.push(next.id);
    for (const deps of remaining.values()) deps.delete(next.id);
  }
  return order;
}

/** The definition of a depth, recursively (a task met again on its own path counts 0). */
function referenceDepths(tasks: readonly ScenarioTask[]): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const of = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const t = byId.get(id);
    if (!t || visiting.has(id)) return 0;
    visiting.add(id);
    const d = t.pred.reduce((m, p) => (byId.has(p) ? Math.max(m, of(p) + 1) : m), 0);
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const t of tasks) of(t.id);
  return depth;
}

const outcome = (f: () => unknown) => {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('topologicalOrder, findCycle and taskDepths', () => {
  it('answer as the plain definitions on any small scenario (cycles, self-references, repeated ids, unknown predecessors)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const scenario = fc.array(
      fc.record({
        id: fc.constantFrom(...ids),
        pred: fc.array(fc.constantFrom(...ids, 'zz'), { maxLength: 4 }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(scenario, (raw) => {
        const tasks = raw.map((t) => task(t.id, t.pred));
        expect(outcome(() => topologicalOrder(tasks))).toEqual(outcome(() => referenceOrder(tasks)));
        expect(taskDepths(tasks)).toEqual(referenceDepths(tasks));
        const cycle = findCycle(tasks);
        // A cycle exactly when there is no order (when ids are unique and no task names itself:
        // findCycle leaves those to their own messages).
        const unique = new Set(tasks.map((t) => t.id)).size === tasks.length;
        if (unique && !tasks.some((t) => t.pred.includes(t.id)))
          expect(cycle === null).toBe(!('error' in outcome(() => referenceOrder(tasks))));
        if (cycle) {
          // Each named task has the next one as a predecessor, and the walk comes back to its start.
          expect(cycle[0]).toBe(cycle.at(-1));
          const byId = new Map(tasks.map((t) => [t.id, t]));
          for (let k = 0; k + 1 < cycle.length; k++)
            expect(byId.get(cycle[k + 1]!)!.pred).toContain(cycle[k]);
        }
      }),
      { numRuns: 2000, seed: 17 },
    );
  });

  it('order 5,000 chained tasks listed last first, and find the loop when the first names the last', () => {
    const n = 5000;
    const id = (i: number) => `task-${i}`;
    const chain = Array.from({ length: n }, (_, i) => task(id(i), i ? [id(i - 1)] : [])).reverse();
    expect(topologicalOrder(chain)).toEqual(Array.from({ length: n }, (_, i) => id(i)));
    expect(findCycle(chain)).toBeNull();
    expect(taskDepths(chain).get(id(n - 1))).toBe(n - 1);
    chain.at(-1)!.pred = [id(n - 1)];
    expect(() => topologicalOrder(chain)).toThrow(/cycle/);
    expect(findCycle(chain)).toHaveLength(n + 1);
  });

  it('walk 50,000 chained tasks without overflowing the stack', () => {
    const n = 50_000;
    const chain = Array.from({ length: n }, (_, i) => task(`t${i}`, i ? [`t${i - 1}`] : []));
    expect(topologicalOrder(chain.toReversed()).at(-1)).toBe(`t${n - 1}`);
    expect(findCycle(chain.toReversed())).toBeNull();
    expect(taskDepths(chain.toReversed()).get(`t${n - 1}`)).toBe(n - 1);
  });
});

describe('a scenario of 5,000 chained tasks (a hostile import)', () => {
  it('is validated, laid out and given default fault tasks', () => {
    const s = builtinScenario('refimpl-demo')!;
    const template = s.tasks[0]!;
    const n = 5000;
    s.tasks = Array.from({ length: n }, (_, i) => ({
      ...template,
      id: `task-${i}`,
      pred: i ? [`task-${i - 1}`] : [],
    })).reverse();
    s.faultTask = undefined;
    expect(validateScenario(s)).toEqual([]);
    expect(layoutByDepth(s.tasks).get('task-4999')).toMatchObject({ depth: n - 1, row: 0 });
    // The first task in run order that has a predecessor.
    expect(defaultFaultTask('cycle', s)).toBe('task-1');
    expect(fittingTasks('cycle', s)).toHaveLength(n - 1);
  });

  it('fittingTasks lists the tasks faultProblem accepts, in every built-in scenario', () => {
    for (const b of BUILTIN_SCENARIOS)
      for (const kind of FAULT_KINDS)
        expect(fittingTasks(kind, b.scenario), `${b.id} ${kind}`).toEqual(
          b.scenario.tasks.map((t) => t.id).filter((id) => !faultProblem(kind, b.scenario, id)),
        );
  });
});

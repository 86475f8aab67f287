import { describe, expect, it } from 'vitest';
import { criticalPaths } from './critical.ts';
import { buildView, NO_FILTERS, visibleNodes } from './view.ts';
import { chooseGrouping, problemNodes, viewPlan } from './overview.ts';
import { modelOf, namesOf, type TaskSpec } from './testModel.ts';

const all = (n: number) => new Uint8Array(n).fill(1);

describe('chooseGrouping', () => {
  it('groups by workflow when every workflow runs across every agent', () => {
    // Three workflows of chains, each task by the next agent in turn.
    const tasks: TaskSpec[] = [];
    for (let w = 0; w < 3; w++)
      for (let k = 0; k < 6; k++)
        tasks.push({
          name: `w${w}t${k}`,
          wid: `wf${w}`,
          iss: `agent/${'abc'[k % 3]}`,
          pred: k ? [`w${w}t${k - 1}`] : [],
        });
    const m = modelOf(tasks);
    expect(chooseGrouping(m, all(m.nodes.length))).toEqual({ mode: 'wid', groups: 3, crossing: 0 });
  });

  it('groups by agent when there is one workflow, or one per task', () => {
    const one = modelOf([
      { name: 'a', iss: 'agent/a' },
      { name: 'b', iss: 'agent/b', pred: ['a'] },
    ]);
    expect(chooseGrouping(one, all(2)).mode).toBe('iss');
    const each = modelOf([
      { name: 'a', iss: 'agent/a', wid: 'x' },
      { name: 'b', iss: 'agent/b', wid: 'y', pred: ['a'] },
      { name: 'c', iss: 'agent/a', wid: 'z', pred: ['b'] },
    ]);
    // Both cut every edge: the fewer groups win.
    expect(chooseGrouping(each, all(3)).mode).toBe('iss');
  });
});

describe('the problems-first overview', () => {
  // bad1 → t1 → bad2 → t2 (the tainted mass below), plus a valid branch and a missing parent.
  const tasks: TaskSpec[] = [
    { name: 'root' },
    { name: 'bad1', pred: ['root'], status: 'invalid', codes: ['invalid_signature'] },
    { name: 't1', pred: ['bad1'], status: 'tainted' },
    { name: 'bad2', pred: ['t1'], status: 'invalid', codes: ['temporal_violation'] },
    { name: 't2', pred: ['bad2'], status: 'tainted' },
    { name: 't3', pred: ['t2'], status: 'tainted' },
    { name: 'ok', pred: ['root'] },
    { name: 'orphan', pred: ['gone'], status: 'invalid', codes: ['parent_not_found'] },
  ];
  const m = modelOf(tasks);
  const visible = visibleNodes(m, NO_FILTERS);

  it('keeps the invalid tasks, the missing parents and the paths between them', () => {
    expect(namesOf(m, problemNodes(m, visible)!, tasks)).toEqual(['?gone', 'bad1', 'bad2', 'orphan', 't1']);
  });

  it('collapses everything else, the tainted mass included, into groups', () => {
    const plan = viewPlan(m, visible, m.nodes.length, 'problems');
    expect(plan.problemsFirst).toBe(true);
    const view = buildView(m, visible, plan.mode, new Set(), plan.pinned);
    const own = view.nodes.filter((v) => v.kind !== 'group').length;
    const groups = view.nodes.filter((v) => v.kind === 'group');
    expect(own).toBe(5);
    expect(groups.reduce((a, g) => a + (g.kind === 'group' ? g.group.tokens : 0), 0)).toBe(4); // root t2 t3 ok
  });

  it('is what auto does past the threshold only', () => {
    expect(viewPlan(m, visible, m.nodes.length, 'auto').mode).toBe('none');
    expect(viewPlan(m, visible, 2001, 'auto').problemsFirst).toBe(true);
  });
});

describe('criticalPaths', () => {
  it('follows the chain that spans the most time in each workflow', () => {
    //  a(0) → b(10) → d(50)      a → c(40) → d: d waits for c, but the chain from a spans 50 s either way;
    //  e(5) → f(100)             the chain e → f spans 95 s and wins its workflow.
    const tasks: TaskSpec[] = [
      { name: 'a', iat: 0 },
      { name: 'b', iat: 10, pred: ['a'] },
      { name: 'c', iat: 40, pred: ['a'] },
      { name: 'd', iat: 50, pred: ['b', 'c'] },
      { name: 'e', iat: 5, wid: 'w2' },
      { name: 'f', iat: 100, wid: 'w2', pred: ['e'] },
      { name: 'lone', iat: 7, wid: 'w3' },
    ];
    const m = modelOf(tasks);
    const cp = criticalPaths(m);
    const byWid = Object.fromEntries(cp.paths.map((p) => [p.wid, p.nodes.map((i) => tasks[i]!.name)]));
    expect(byWid).toEqual({ w1: ['a', 'c', 'd'], w2: ['e', 'f'] });
    expect(cp.paths.map((p) => p.seconds)).toEqual([95, 50]);
    expect(namesOf(m, cp.nodes, tasks)).toEqual(['a', 'c', 'd', 'e', 'f']);
    const onPath = m.edges
      .filter((_, k) => cp.edges[k])
      .map((e) => `${tasks[e.source]!.name}>${tasks[e.target]!.name}`);
    expect(onPath.sort()).toEqual(['a>c', 'c>d', 'e>f']);
  });

  it('starts from the earliest ancestor, not the latest parent', () => {
    // late(90) → end(100) and early(0) → mid(20) → end: the chain from early spans 100 s.
    const tasks: TaskSpec[] = [
      { name: 'early', iat: 0 },
      { name: 'mid', iat: 20, pred: ['early'] },
      { name: 'late', iat: 90 },
      { name: 'end', iat: 100, pred: ['late', 'mid'] },
    ];
    const m = modelOf(tasks);
    expect(criticalPaths(m).paths[0]!.nodes.map((i) => tasks[i]!.name)).toEqual(['early', 'mid', 'end']);
  });

  it('leaves out cycles and tasks without an iat', () => {
    const tasks: TaskSpec[] = [
      { name: 'x', iat: 0, pred: ['y'] },
      { name: 'y', iat: 10, pred: ['x'] },
      { name: 'z', iat: null, pred: ['y'] },
    ];
    expect(criticalPaths(modelOf(tasks)).paths).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { builtinScenario, Simulation } from './engine/index.ts';
import { buildRunGraph } from './graphModel.ts';

const START = 1_760_000_000;

describe('the run graph', () => {
  it('grows one node per task, with edges from pred, laid out by depth', async () => {
    const scenario = builtinScenario('document-pipeline')!;
    const sim = await Simulation.start(scenario, { startTime: START });
    await sim.next();
    await sim.next();
    let g = buildRunGraph(sim.steps, scenario);
    expect(g.nodes.map((n) => [n.id, n.status, n.x, n.y])).toEqual([
      ['extract', 'accepted', 0, 0],
      ['classify', 'accepted', 260, 0],
    ]);
    await sim.runAll();
    g = buildRunGraph(sim.steps, scenario);
    expect(g.nodes.map((n) => [n.id, n.x, n.y])).toEqual([
      ['extract', 0, 0],
      ['classify', 260, 0],
      ['redact', 520, 0],
      ['summarize', 520, 84],
      ['publish', 780, 0],
    ]);
    expect(g.edges.map((e) => `${e.source}->${e.target}:${e.kind}`)).toEqual([
      'extract->classify:ok',
      'classify->redact:ok',
      'classify->summarize:ok',
      'redact->publish:ok',
      'summarize->publish:ok',
    ]);
  });

  it('draws the unresolved parent, unknown parents, refusals, blocked tasks and second deliveries', async () => {
    const cross = builtinScenario('cross-org')!;
    let sim = await Simulation.start(cross, { startTime: START });
    await sim.runAll();
    expect(buildRunGraph(sim.steps, cross).edges.find((e) => e.target === 'order')!.kind).toBe('unresolved');

    const release = builtinScenario('software-release')!;
    sim = await Simulation.start(release, {
      startTime: START,
      faults: [{ kind: 'missing_pred', task: 'task-002' }],
    });
    await sim.runAll();
    const g = buildRunGraph(sim.steps, release);
    const ghost = g.nodes.find((n) => n.status === 'ghost')!;
    expect(ghost).toMatchObject({ label: 'unknown parent', x: 0 });
    expect(g.nodes.map((n) => [n.id, n.status])).toEqual([
      [ghost.id, 'ghost'],
      ['task-001', 'accepted'],
      ['task-002', 'refused'],
      ['task-003', 'blocked'],
      ['task-004', 'blocked'],
      ['task-005', 'blocked'],
    ]);
    expect(g.edges.filter((e) => e.target === 'task-002').map((e) => e.kind)).toEqual(['refused', 'ghost']);
    expect(g.edges.find((e) => e.target === 'task-003')!.kind).toBe('blocked');

    const demo = builtinScenario('refimpl-demo')!;
    sim = await Simulation.start(demo, { startTime: START, faults: [{ kind: 'replay', task: 'child' }] });
    await sim.runAll();
    expect(buildRunGraph(sim.steps, demo).nodes.map((n) => [n.id, n.status, n.code ?? ''])).toEqual([
      ['review', 'accepted', ''],
      ['child', 'accepted', ''],
      ['child (replay)', 'refused', 'replay'],
    ]);
  });
});

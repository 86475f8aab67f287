import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from './scenarios.ts';
import { defaultFaultTask, FAULT_KINDS, FAULTS, faultProblem, shadowVerifierOf } from './faults.ts';
import { Simulation } from './run.ts';

const START = 1_760_000_000;

/** The codes each fault's detecting step must report: exactly the expected one (replay also trips step 15). */
const EXPECTED_CODES: Record<string, string[]> = {
  replay: ['replay', 'duplicate_jti'],
};

describe('fault switches', () => {
  for (const b of BUILTIN_SCENARIOS) {
    describe(b.id, () => {
      for (const kind of FAULT_KINDS) {
        it(`${kind} is detected as ${FAULTS[kind].code} at step ${FAULTS[kind].step}`, async () => {
          const task = defaultFaultTask(kind, b.scenario);
          expect(task, 'a default task').not.toBeNull();
          const sim = await Simulation.start(b.scenario, {
            startTime: START,
            faults: [{ kind, task: task! }],
          });
          const steps = await sim.runAll();
          const [result] = sim.faultResults();
          expect(result).toMatchObject({ kind, task, status: 'detected', primary: FAULTS[kind].code });

          const at = steps[result!.at! - 1]!;
          expect(at.outcome).toBe('refused');
          expect(at.faults).toContain(kind);
          expect(at.report!.codes).toEqual(EXPECTED_CODES[kind] ?? [FAULTS[kind].code]);
          const failing = at.report!.steps.filter((s) => s.status === 'fail').map((s) => s.n);
          expect(failing[0]).toBe(FAULTS[kind].step);
          expect(at.response!.status).toBe(403);

          // Nothing else is refused; the refused task's descendants are blocked, not sent.
          const refused = steps.filter((s) => s.outcome === 'refused');
          expect(refused.map((s) => s.n)).toEqual([at.n]);
          for (const p of steps.filter((s) => s.outcome === 'partial')) {
            expect(b.scenario.partialDag).toBe(true);
            expect(p.report!.codes).toEqual(['parent_not_found']);
          }
          if (kind === 'replay' || kind === 'forked_dag') {
            expect(steps.filter((s) => s.outcome === 'blocked')).toEqual([]);
            expect(steps).toHaveLength(b.scenario.tasks.length + 1);
          } else {
            expect(steps).toHaveLength(b.scenario.tasks.length);
            for (const x of steps.filter((s) => s.outcome === 'blocked')) expect(x.blockedBy).toBeTruthy();
          }
          const views = await sim.storeViews();
          for (const v of views) expect(v.chain.ok).toBe(true);
          const stored = views.flatMap((v) => v.entries.map((e) => e.token));
          if (kind !== 'replay' && kind !== 'forked_dag') expect(stored).not.toContain(at.token);
        });
      }
    });
  }

  it('the expired token arrives after its exp and only then', async () => {
    const sim = await Simulation.start(builtinScenario('software-release')!, {
      startTime: START,
      faults: [{ kind: 'expired', task: 'task-003' }],
    });
    const steps = await sim.runAll();
    const s = steps[2]!;
    expect(s.receivedAt! - (s.claims!.exp as number)).toBe(60);
    expect(s.report!.steps[11]!.problems[0]!.message).toMatch(/expired 60 s ago/);
    expect(steps.slice(3).map((x) => x.outcome)).toEqual(['blocked', 'blocked']);
    expect(steps[3]!.notes[0]).toMatch(/task-003 was refused at step 3/);
  });

  it('the tampered token keeps its signature but not its payload', async () => {
    const sim = await Simulation.start(builtinScenario('clinical-l3')!, {
      startTime: START,
      faults: [{ kind: 'tampered', task: 'recommend' }],
    });
    const steps = await sim.runAll();
    const s = steps[1]!;
    expect(s.claims!.out_hash).not.toBe('LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564');
    expect(s.notes.join(' ')).toMatch(/changed from LCa0a2j/);
    expect(s.report!.steps[5]!.status).toBe('pass'); // the kid resolves: the key is known
  });

  it('the downgraded token is the signed token’s payload alone, refused at L2 and at L3', async () => {
    for (const id of ['refimpl-demo', 'clinical-l3']) {
      const sim = await Simulation.start(builtinScenario(id)!, {
        startTime: START,
        faults: [{ kind: 'downgrade', task: builtinScenario(id)!.tasks[0]!.id }],
      });
      const s = (await sim.next())!;
      expect(s.token!.includes('.')).toBe(false);
      expect(s.report!.level).toBe('L1');
      expect(s.report!.code).toBe('level_below_minimum');
    }
  });

  it('the forked branch goes to another verifier that shares the store', () => {
    const demo = builtinScenario('refimpl-demo')!;
    expect(shadowVerifierOf(demo, demo.tasks[1]!)!.name).toBe('Agent B');
    const cross = builtinScenario('cross-org')!;
    expect(
      shadowVerifierOf(
        cross,
        cross.tasks.find((t) => t.id === 'accession')!,
      )!.name,
    ).toBe('Lab intake');
    const one = { ...demo, agents: [demo.agents[0]!], tasks: [{ ...demo.tasks[0]!, aud: ['Agent A'] }] };
    expect(faultProblem('forked_dag', one, 'review')).toMatch(/second verifier/);
  });

  it('a fault on a blocked task is reported as not reached', async () => {
    const sim = await Simulation.start(builtinScenario('software-release')!, {
      startTime: START,
      faults: [
        { kind: 'wrong_key', task: 'task-002' },
        { kind: 'clock_skew', task: 'task-004' },
      ],
    });
    await sim.runAll();
    expect(sim.faultResults().map((r) => [r.kind, r.status, r.at])).toEqual([
      ['wrong_key', 'detected', 2],
      ['clock_skew', 'not_reached', 4],
    ]);
  });

  it('several faults on independent branches are each detected', async () => {
    const sim = await Simulation.start(builtinScenario('document-pipeline')!, {
      startTime: START,
      faults: [
        { kind: 'missing_pred', task: 'redact' },
        { kind: 'replay', task: 'summarize' },
      ],
    });
    const steps = await sim.runAll();
    expect(sim.faultResults().map((r) => r.status)).toEqual(['detected', 'detected']);
    expect(steps.map((s) => `${s.taskId}:${s.kind}:${s.outcome}`)).toEqual([
      'extract:send:accepted',
      'classify:send:accepted',
      'redact:send:refused',
      'summarize:send:accepted',
      'summarize:replay:refused',
      'publish:blocked:blocked',
    ]);
  });

  it('a missing predecessor is not excused as partial verification', async () => {
    const sim = await Simulation.start(builtinScenario('cross-org')!, {
      startTime: START,
      faults: [{ kind: 'missing_pred', task: 'order' }],
    });
    const steps = await sim.runAll();
    expect(steps[1]!.outcome).toBe('refused');
    expect(steps[1]!.report!.steps[14]!.problems.map((p) => p.code)).toEqual([
      'parent_not_found',
      'parent_not_found',
    ]);
  });

  it('defaults: the scenario’s own task, else the first task with a predecessor', () => {
    const demo = builtinScenario('refimpl-demo')!;
    expect(defaultFaultTask('expired', demo)).toBe('child');
    delete demo.faultTask;
    expect(defaultFaultTask('expired', demo)).toBe('child');
    expect(defaultFaultTask('cycle', { ...demo, tasks: [{ ...demo.tasks[0]! }] })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { builtinScenario } from './scenarios.ts';
import { findCycle, taskDepths, topologicalOrder, validateScenario } from './validate.ts';
import { layoutByDepth } from './layout.ts';
import type { Scenario } from './types.ts';

const demo = (): Scenario => builtinScenario('refimpl-demo')!;
const messages = (s: Scenario) => validateScenario(s).map((p) => `${p.where}: ${p.message}`);

describe('validateScenario', () => {
  it('names an unknown agent, predecessor and audience', () => {
    const s = demo();
    s.tasks[1]!.agent = 'Agent Z';
    s.tasks[1]!.pred = ['nope'];
    s.tasks[1]!.aud = ['Agent Q'];
    expect(messages(s)).toEqual([
      'task child: unknown agent "Agent Z"',
      'task child: unknown predecessor task "nope"',
      'task child: unknown audience agent "Agent Q"',
    ]);
  });

  it('finds a cycle in the scenario itself', () => {
    const s = builtinScenario('software-release')!;
    s.tasks[0]!.pred = ['task-003'];
    expect(messages(s)).toEqual([
      'scenario: the tasks task-001 → task-002 → task-003 → task-001 form a cycle: a workflow is a DAG, so a task cannot (indirectly) precede itself',
    ]);
    expect(() => topologicalOrder(s.tasks)).toThrow(/cycle/);
  });

  it('refuses a task that precedes itself', () => {
    const s = demo();
    s.tasks[0]!.pred = ['review'];
    expect(messages(s)).toContain('task review: a task cannot be its own predecessor');
  });

  it('checks names, ids, audiences, ids and claim formats', () => {
    const s = demo();
    s.name = ' ';
    s.wid = 'wf-1';
    s.agents.push({ name: 'Agent A', issuer: 'spiffe://example.com/agent/a', domain: '' });
    s.tasks.push({
      id: 'child',
      agent: 'Agent A',
      exec_act: '',
      pred: [],
      aud: [],
      pol: 'p',
      inp_hash: 'sha-256:abc',
    });
    expect(messages(s)).toEqual([
      'scenario: the scenario needs a name',
      'scenario: the workflow id "wf-1" is not a UUID (ids are checked as UUIDs by default)',
      'agent 3 (Agent A): another agent is already named "Agent A"',
      'agent 3 (Agent A): issuer id "spiffe://example.com/agent/a" is already used by agent "Agent A"',
      'agent 3 (Agent A): the agent needs a trust domain, e.g. example.com',
      'task child: another task already has id "child"',
      'task child: the task needs an action (exec_act), e.g. review_spec',
      'task child: the token needs at least one audience agent (the first one receives it)',
      'task child: pol and pol_decision come as a pair: give both or neither',
      'task child: inp_hash must be a base64url SHA-256 digest: exactly 43 characters, no "sha-256:" prefix',
    ]);
  });

  it('asks for at least one agent and one task', () => {
    const s = { ...demo(), agents: [], tasks: [] };
    expect(messages(s)).toEqual(['scenario: add at least one agent', 'scenario: add at least one task']);
  });
});

describe('order and layout', () => {
  it('orders tasks topologically, ties in scenario order', () => {
    const s = builtinScenario('document-pipeline')!;
    s.tasks.reverse();
    expect(topologicalOrder(s.tasks)).toEqual(['extract', 'classify', 'summarize', 'redact', 'publish']);
    expect(findCycle(s.tasks)).toBeNull();
  });

  it('lays nodes out by depth', () => {
    const s = builtinScenario('document-pipeline')!;
    expect(Object.fromEntries(taskDepths(s.tasks))).toEqual({
      extract: 0,
      classify: 1,
      redact: 2,
      summarize: 2,
      publish: 3,
    });
    const placed = layoutByDepth(s.tasks, { dx: 100, dy: 10 });
    expect(placed.get('summarize')).toEqual({ id: 'summarize', depth: 2, row: 1, x: 200, y: 10 });
    expect(placed.get('publish')).toMatchObject({ x: 300, y: 0 });
    // Unknown predecessors (a ghost parent not drawn) count as absent.
    expect(layoutByDepth([{ id: 'a', pred: ['ghost'] }]).get('a')).toMatchObject({ depth: 0 });
  });
});

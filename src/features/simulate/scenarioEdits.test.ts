import { describe, expect, it } from 'vitest';
import type { Scenario } from './engine/index.ts';
import { addAgent, addTask, removeAgent, removeTask, renameAgent, renameTask } from './scenarioEdits.ts';

const scenario = (): Scenario =>
  ({
    name: 'edits',
    description: '',
    level: 'L2',
    stores: 'shared',
    agents: [
      { name: 'A', issuer: 'spiffe://example.com/agent/a', domain: 'example.com' },
      { name: 'B', issuer: 'spiffe://example.com/agent/b', domain: 'example.com' },
    ],
    tasks: [
      { id: 'one', agent: 'A', exec_act: 'x', pred: [], aud: ['B'] },
      { id: 'two', agent: 'B', exec_act: 'y', pred: ['one'], aud: ['A', 'B'] },
    ],
    faultTask: 'one',
  }) as Scenario;

describe('scenario edits', () => {
  it('renaming an agent renames it in every task and audience; onto a taken name, it leaves them', () => {
    const s = scenario();
    renameAgent(s, 0, 'Alice');
    expect(s.tasks.map((t) => [t.agent, t.aud])).toEqual([
      ['Alice', ['B']],
      ['B', ['Alice', 'B']],
    ]);
    renameAgent(s, 0, 'B'); // two agents named B now: references stay as they were
    expect(s.tasks[0]!.agent).toBe('Alice');
  });

  it('renaming a task renames its predecessor links and the fault switch; removing drops them', () => {
    const s = scenario();
    renameTask(s, 0, 'first');
    expect(s.tasks[1]!.pred).toEqual(['first']);
    expect(s.faultTask).toBe('first');
    removeTask(s, 0);
    expect(s.tasks.map((t) => [t.id, t.pred])).toEqual([['two', []]]);
    expect(s.faultTask).toBeUndefined();
  });

  it('removing an agent drops it from every audience', () => {
    const s = scenario();
    removeAgent(s, 0);
    expect(s.tasks.map((t) => t.aud)).toEqual([['B'], ['B']]);
  });

  it('adding picks a free name and links a new task after the last one', () => {
    const s = scenario();
    addAgent(s);
    expect(s.agents.at(-1)).toEqual({
      name: 'Agent 3',
      issuer: 'spiffe://example.com/agent/3',
      domain: 'example.com',
    });
    addTask(s);
    expect(s.tasks.at(-1)).toMatchObject({ id: 'task-3', agent: 'A', pred: ['two'], aud: ['B'] });
  });
});

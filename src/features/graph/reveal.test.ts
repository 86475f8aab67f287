import { beforeEach, describe, expect, it } from 'vitest';
import { buildView, countVisible, visibleNodes } from './view.ts';
import { viewPlan, withPins } from './overview.ts';
import { revealNode } from './reveal.ts';
import { useGraphView } from './store.ts';
import { jtiOf, modelOf, type TaskSpec } from './testModel.ts';

/** What the Graph tab would draw now, from the store's view state. */
function drawn(model: ReturnType<typeof modelOf>) {
  const st = useGraphView.getState();
  const visible = visibleNodes(model, st.filters);
  const plan = viewPlan(model, visible, countVisible(visible), st.grouping);
  return buildView(model, visible, plan.mode, st.expanded, withPins(model, plan, st.pins));
}

describe('revealNode on a collapsed graph', () => {
  beforeEach(() => useGraphView.getState().reset());

  it('opens a group of a few hundred to show the node', () => {
    // Three workflows of 800 tasks: past the auto threshold, grouped by workflow.
    const tasks: TaskSpec[] = [];
    for (let w = 0; w < 3; w++)
      for (let k = 0; k < 800; k++)
        tasks.push({ name: `w${w}t${k}`, wid: `wf${w}`, pred: k ? [`w${w}t${k - 1}`] : [] });
    const m = modelOf(tasks);
    const target = m.byJti.get(jtiOf('w1t400'))![0]!;
    revealNode(m, target);
    const st = useGraphView.getState();
    expect([...st.expanded]).toEqual(['G:wid:wf1']);
    expect(st.pins.size).toBe(0);
    expect(st.selected).toBe(m.nodes[target]!.key);
    const view = drawn(m);
    expect(view.nodes.filter((v) => v.kind === 'task')).toHaveLength(800);
  });

  it('leaves a group of 100,000 missing parents collapsed and draws the node beside it', () => {
    const preds = Array.from({ length: 100_000 }, (_, k) => `gone${k}`);
    const tasks: TaskSpec[] = [
      { name: 'start' },
      { name: 'fan', pred: preds, status: 'invalid', codes: ['too_many_predecessors'] },
    ];
    const m = modelOf(tasks);
    const fan = m.byJti.get(jtiOf('fan'))![0]!;
    revealNode(m, fan);
    const st = useGraphView.getState();
    expect(st.expanded.size).toBe(0);
    expect([...st.pins]).toEqual([m.nodes[fan]!.key]);
    const view = drawn(m);
    // The token on its own, everything else (its 100,000 missing parents too) in one group.
    expect(view.nodes.map((v) => v.kind).sort()).toEqual(['group', 'task']);
    expect(view.byKey.has(m.nodes[fan]!.key)).toBe(true);
    // Collapsing everything puts it back.
    st.collapseAll();
    expect(drawn(m).nodes.map((v) => v.kind)).toEqual(['group']);
  });
});

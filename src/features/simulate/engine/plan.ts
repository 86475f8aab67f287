/** The order of a run's steps, planned before it starts. */
import type { FaultKind, FaultSetting } from './faults.ts';
import type { Scenario } from './types.ts';
import { topologicalOrder } from './validate.ts';

export interface PlannedStep {
  taskId: string;
  kind: 'send' | 'replay' | 'shadow';
}

/**
 * The steps a run will take: the tasks in topological order, each replayed or forked right
 * after its own delivery when those faults are on. Throws when the tasks hold a cycle.
 */
export function planOf(scenario: Scenario, faults: readonly FaultSetting[] = []): PlannedStep[] {
  const on = (kind: FaultKind, id: string) => faults.some((f) => f.kind === kind && f.task === id);
  const out: PlannedStep[] = [];
  for (const taskId of topologicalOrder(scenario.tasks)) {
    out.push({ taskId, kind: 'send' });
    if (on('replay', taskId)) out.push({ taskId, kind: 'replay' });
    if (on('forked_dag', taskId)) out.push({ taskId, kind: 'shadow' });
  }
  return out;
}

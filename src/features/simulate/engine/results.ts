/** Where each enabled fault switch of a run was expected to be caught, and whether it was. */
import { FAULTS, type FaultSetting } from './faults.ts';
import type { FaultResult, SimStep } from './steps.ts';

export function faultResults(faults: readonly FaultSetting[], steps: readonly SimStep[]): FaultResult[] {
  return faults.map((f) => {
    const info = FAULTS[f.kind];
    const base: FaultResult = {
      kind: f.kind,
      task: f.task,
      code: info.code,
      step: info.step,
      status: 'pending',
    };
    const kind = f.kind === 'replay' ? 'replay' : f.kind === 'forked_dag' ? 'shadow' : 'send';
    const at = steps.find((s) => s.taskId === f.task && (s.kind === kind || s.kind === 'blocked'));
    // The plan puts replay/shadow after the send: a blocked send also blocks them.
    if (!at) return base;
    if (at.kind === 'blocked' || !at.report) return { ...base, status: 'not_reached', at: at.n };
    const stepReport = at.report.steps[info.step - 1];
    const caught = stepReport?.status === 'fail' && stepReport.problems.some((p) => p.code === info.code);
    return {
      ...base,
      status: caught && at.outcome === 'refused' ? 'detected' : 'missed',
      at: at.n,
      codes: at.report.codes,
      primary: at.report.code,
    };
  });
}

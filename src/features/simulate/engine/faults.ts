/**
 * The fault switches: each one breaks a run in one way and names the code
 * and the verification step (ECT-PROFILE.md section 4) that must catch it.
 */
import type { ErrorCode } from 'wimse-ect';
import type { Scenario, ScenarioAgent, ScenarioTask } from './types.ts';
import { topologicalOrder } from './validate.ts';

export const FAULT_KINDS = [
  'expired',
  'wrong_key',
  'tampered',
  'missing_pred',
  'cycle',
  'replay',
  'clock_skew',
  'downgrade',
  'parent_rejected',
  'forked_dag',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultInfo {
  kind: FaultKind;
  label: string;
  /** What the simulator does to the chosen task. */
  description: string;
  /** The code the receiving verifier must report... */
  code: ErrorCode;
  /** ...at this verification step (1-16). */
  step: number;
}

export const FAULTS: Readonly<Record<FaultKind, FaultInfo>> = {
  expired: {
    kind: 'expired',
    label: 'Expired token',
    description:
      'The token is held in a queue for 11 minutes before it is delivered: at arrival its exp (issue time + 600 s) is past.',
    code: 'expired',
    step: 12,
  },
  wrong_key: {
    kind: 'wrong_key',
    label: 'Wrong signing key',
    description:
      'The agent signs with a key that is not in the trust store, but names its usual kid: the key is found, the signature fails.',
    code: 'invalid_signature',
    step: 7,
  },
  tampered: {
    kind: 'tampered',
    label: 'Tampered claim',
    description:
      'After signing, someone on the path replaces out_hash in the payload (as if the output were swapped); header and signature are kept.',
    code: 'invalid_signature',
    step: 7,
  },
  missing_pred: {
    kind: 'missing_pred',
    label: 'Missing predecessor',
    description: 'The token’s pred also names a jti that no accepted task has (a false parent).',
    code: 'parent_not_found',
    step: 15,
  },
  cycle: {
    kind: 'cycle',
    label: 'Cycle (corrupted store)',
    description:
      'Just before delivery the receiver’s store is corrupted: its record of the task’s parent now names the new token as its own predecessor.',
    code: 'cycle',
    step: 15,
  },
  replay: {
    kind: 'replay',
    label: 'Replayed jti',
    description:
      'The same token is sent to the same receiver twice; the second delivery must be refused. (The store also holds the jti by then, so step 15 adds duplicate_jti.)',
    code: 'replay',
    step: 14,
  },
  clock_skew: {
    kind: 'clock_skew',
    label: 'Clock skew',
    description:
      'The issuing agent’s clock runs 2 minutes ahead: iat is 120 s in the receiver’s future (allowed: 30 s).',
    code: 'iat_in_future',
    step: 13,
  },
  downgrade: {
    kind: 'downgrade',
    label: 'Downgrade to L1',
    description:
      'The signature is stripped and the claims are sent as an unsigned L1 token; the receiver requires at least the scenario’s level.',
    code: 'level_below_minimum',
    step: 2,
  },
  parent_rejected: {
    kind: 'parent_rejected',
    label: 'Parent policy rejected',
    description:
      'The task’s (first) parent records pol_decision "rejected"; the parent itself is valid, but nothing may be built on it.',
    code: 'parent_policy',
    step: 15,
  },
  forked_dag: {
    kind: 'forked_dag',
    label: 'Forked (shadow) DAG',
    description:
      'Right after the task is accepted, its agent sends a second branch reusing the same jti in the same workflow to another verifier that shares the store.',
    code: 'duplicate_jti',
    step: 15,
  },
};

export interface FaultSetting {
  kind: FaultKind;
  /** The task the fault is applied to (where it must be detected). */
  task: string;
}

/** The receiving agent of a task: the first audience. */
export function receiverOf(s: Scenario, task: ScenarioTask): ScenarioAgent | undefined {
  return s.agents.find((a) => a.name === task.aud[0]);
}

/** The store a verifier checks against: one shared ledger, or its trust domain's own store. */
export function storeNameOf(s: Scenario, agent: ScenarioAgent): string {
  return s.stores === 'shared' ? 'Shared ledger' : `${agent.domain} store`;
}

/**
 * The verifier that receives the shadow branch of `task`: another agent sharing the receiver's
 * store, preferably in the receiver's trust domain and not the task's own agent.
 */
export function shadowVerifierOf(s: Scenario, task: ScenarioTask): ScenarioAgent | undefined {
  const receiver = receiverOf(s, task);
  if (!receiver) return undefined;
  const store = storeNameOf(s, receiver);
  const others = s.agents.filter((a) => a.name !== receiver.name && storeNameOf(s, a) === store);
  return (
    others.find((a) => a.domain === receiver.domain && a.name !== task.agent) ??
    others.find((a) => a.name !== task.agent) ??
    others[0]
  );
}

/** Why the fault cannot apply to the task; null when it can. */
export function faultProblem(kind: FaultKind, s: Scenario, taskId: string): string | null {
  const task = s.tasks.find((t) => t.id === taskId);
  if (!task) return `there is no task "${taskId}"`;
  return taskFaultProblem(kind, s, task);
}

/** The ids of the tasks the fault can apply to, in scenario order (one pass). */
export function fittingTasks(kind: FaultKind, s: Scenario): string[] {
  return s.tasks.filter((t) => !taskFaultProblem(kind, s, t)).map((t) => t.id);
}

function taskFaultProblem(kind: FaultKind, s: Scenario, task: ScenarioTask): string | null {
  if ((kind === 'cycle' || kind === 'parent_rejected') && !task.pred.length) {
    return `${FAULTS[kind].label} needs a task with a predecessor; "${task.id}" is a root`;
  }
  if (kind === 'forked_dag' && !shadowVerifierOf(s, task)) {
    return `${FAULTS[kind].label} needs a second verifier sharing the store of "${task.id}"’s receiver`;
  }
  return null;
}

/**
 * The task a fault applies to by default: the scenario's own choice, else the first task (in run
 * order) it fits that has a predecessor, else the first it fits. One pass over the tasks (each
 * looked up by id once): thousands of tasks must not cost millions of searches.
 */
export function defaultFaultTask(kind: FaultKind, s: Scenario): string | null {
  if (s.faultTask && !faultProblem(kind, s, s.faultTask)) return s.faultTask;
  let order: string[];
  try {
    order = topologicalOrder(s.tasks);
  } catch {
    order = s.tasks.map((t) => t.id);
  }
  const byId = new Map<string, ScenarioTask>();
  for (const t of s.tasks) if (!byId.has(t.id)) byId.set(t.id, t);
  let firstFit: string | null = null;
  for (const id of order) {
    const task = byId.get(id)!;
    if (taskFaultProblem(kind, s, task)) continue;
    if (task.pred.length) return id;
    firstFit ??= id;
  }
  return firstFit;
}

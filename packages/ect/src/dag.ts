/**
 * DAG rules (ECT-PROFILE.md section 7), both ways: a token arriving against a
 * store of accepted tasks (verification step 15), and a whole set of tasks
 * audited at once. Pure functions over small task records: no crypto here.
 */
import { quote } from './text.ts';
import type { Problem } from './codes.ts';
import { int, policyOf, predOf, str } from './claims.ts';
import type { Settings } from './settings.ts';

/** What the DAG rules need to know of a task. */
export interface TaskRecord {
  jti: string;
  wid?: string;
  pred: readonly string[];
  iat?: number;
  /** The parent policy decision (`pol_decision`, -00 top level or -01 in ect_ext), when any. */
  policyDecision?: unknown;
}

/** Read access to the accepted tasks, by `jti`. Implemented by the ledgers. */
export interface TaskIndex {
  tasks(jti: string): readonly TaskRecord[];
}

/**
 * A task record from a decoded payload; null without a string `jti`. A parent named twice in
 * `pred` (or `par`) is one edge (ECT-PROFILE.md section 7): `pred` holds each parent once, in
 * the order first named, so every rule checks and reports a (child, parent) pair once.
 */
export function taskRecord(payload: Record<string, unknown>): TaskRecord | null {
  const jti = str(payload.jti);
  if (!jti) return null;
  const named = predOf(payload);
  const rec: TaskRecord = { jti, pred: new Set(named).size === named.length ? named : [...new Set(named)] };
  const wid = str(payload.wid);
  if (wid !== undefined) rec.wid = wid;
  const iat = int(payload.iat);
  if (iat !== undefined) rec.iat = iat;
  const { decision } = policyOf(payload);
  if (decision !== undefined) rec.policyDecision = decision;
  return rec;
}

export class MemoryTaskIndex implements TaskIndex {
  readonly #byJti = new Map<string, TaskRecord[]>();
  #count = 0;

  add(rec: TaskRecord): void {
    const list = this.#byJti.get(rec.jti);
    if (list) list.push(rec);
    else this.#byJti.set(rec.jti, [rec]);
    this.#count++;
  }

  tasks(jti: string): readonly TaskRecord[] {
    return this.#byJti.get(jti) ?? [];
  }

  get size(): number {
    return this.#count;
  }
}

/** A parent is looked up within the child's workflow first, then anywhere. */
function findParent(index: TaskIndex, jti: string, wid: string | undefined): TaskRecord | undefined {
  const all = index.tasks(jti);
  return (wid !== undefined && all.find((t) => t.wid === wid)) || all[0];
}

/** The per-edge rules 4-6 (temporal, workflow, parent policy) for one child/parent pair. */
export function edgeProblems(child: TaskRecord, parent: TaskRecord, settings: Settings): Problem[] {
  const out: Problem[] = [];
  const pred = parent.jti;
  if (parent.iat !== undefined && child.iat !== undefined && parent.iat > child.iat + settings.clockSkew) {
    out.push({
      code: 'temporal_violation',
      pred,
      message: `parent ${pred} was issued at ${parent.iat}, ${parent.iat - child.iat} s after this task (${child.iat}); the tolerance is ${settings.clockSkew} s`,
    });
  }
  if (child.wid !== undefined && parent.wid !== child.wid) {
    out.push({
      code: 'workflow_mismatch',
      pred,
      message:
        parent.wid === undefined
          ? `this task is in workflow ${child.wid} but parent ${pred} has no "wid"`
          : `this task is in workflow ${child.wid} but parent ${pred} is in workflow ${parent.wid}`,
    });
  }
  if (
    settings.enforceParentPolicy &&
    parent.policyDecision !== undefined &&
    parent.policyDecision !== 'approved'
  ) {
    out.push({
      code: 'parent_policy',
      pred,
      message: `parent ${pred} carries pol_decision ${quote(parent.policyDecision)}; only "approved" parents may be built on`,
    });
  }
  return out;
}

/**
 * Step 15: the rules of section 7 for a token arriving against `index`, in
 * the section's order (cycle, duplicate, parent existence, temporal order,
 * workflow, parent policy, traversal limit).
 */
export function checkArrival(task: TaskRecord, index: TaskIndex, settings: Settings): Problem[] {
  const { jti, wid } = task;
  const cycle: Problem[] = [];
  const edges: Problem[] = [];
  const missing: Problem[] = [];

  if (task.pred.includes(jti)) {
    cycle.push({ code: 'cycle', pred: jti, message: `"pred" names this task's own jti ${jti}` });
  }
  // Walk the ancestors once: it finds a way back to this task (a corrupted or
  // merged store) and counts distinct ancestors for the traversal limit.
  const limit = settings.traversalLimit;
  const seen = new Set<TaskRecord>();
  // Each queued ancestor remembers which of this task's predecessors led to it.
  const queue: { rec: TaskRecord; via: string }[] = [];
  let overLimit = false;
  for (const p of task.pred) {
    const parent = findParent(index, p, wid);
    if (!parent) {
      missing.push({
        code: 'parent_not_found',
        pred: p,
        message: `predecessor ${p} is not in the store of accepted tasks`,
      });
      continue;
    }
    edges.push(...edgeProblems(task, parent, settings));
    if (!seen.has(parent)) {
      seen.add(parent);
      queue.push({ rec: parent, via: p });
    }
  }
  for (let i = 0; i < queue.length && !overLimit; i++) {
    const { rec: anc, via } = queue[i]!;
    for (const p of anc.pred) {
      if (p === jti && (wid === undefined || anc.wid === undefined || anc.wid === wid)) {
        if (!cycle.some((c) => c.pred === via)) {
          cycle.push({
            code: 'cycle',
            pred: via,
            message: `ancestor ${anc.jti} (reached through ${via}) names this task ${jti} as its predecessor: the store holds a loop`,
          });
        }
        continue;
      }
      const next = findParent(index, p, anc.wid);
      if (next && !seen.has(next)) {
        seen.add(next);
        if (seen.size > limit) {
          overLimit = true;
          break;
        }
        queue.push({ rec: next, via });
      }
    }
  }
  if (seen.size > limit) overLimit = true;

  const duplicates = index.tasks(jti).filter((t) => wid === undefined || t.wid === wid);
  const duplicate: Problem[] = duplicates.length
    ? [
        {
          code: 'duplicate_jti',
          claim: 'jti',
          message:
            wid === undefined
              ? `the store already holds a task with jti ${jti}`
              : `the store already holds a task with jti ${jti} in workflow ${wid}`,
        },
      ]
    : [];
  const order = ['temporal_violation', 'workflow_mismatch', 'parent_policy'];
  edges.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
  const traversal: Problem[] = overLimit
    ? [
        {
          code: 'traversal_limit',
          message: `this task has more than ${limit} distinct ancestors (traversalLimit); the walk stopped there`,
        },
      ]
    : [];
  return [...cycle, ...duplicate, ...missing, ...edges, ...traversal];
}

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

/**
 * Read access to the accepted tasks, for the DAG rules of step 15. Asynchronous, so that a
 * database can back it; the rules walk the ancestors one depth level at a time and ask for each
 * level's `jti`s in one call, so a database answers each level in one query.
 */
export interface TaskStore {
  /** Every stored task whose jti is one of `jtis` (all copies, any workflow), in any order. */
  tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]>;
}

/** A task record from a decoded payload; null without a string `jti`. */
export function taskRecord(payload: Record<string, unknown>): TaskRecord | null {
  const jti = str(payload.jti);
  if (!jti) return null;
  const rec: TaskRecord = { jti, pred: predOf(payload) };
  const wid = str(payload.wid);
  if (wid !== undefined) rec.wid = wid;
  const iat = int(payload.iat);
  if (iat !== undefined) rec.iat = iat;
  const { decision } = policyOf(payload);
  if (decision !== undefined) rec.policyDecision = decision;
  return rec;
}

/** The in-memory {@link TaskStore}: task records by `jti`, several per `jti` when the store holds copies. */
export class MemoryTaskStore implements TaskStore {
  readonly #byJti = new Map<string, TaskRecord[]>();
  #count = 0;

  /** Adds a record (a copy of a known `jti` is kept beside the others). */
  add(rec: TaskRecord): void {
    const list = this.#byJti.get(rec.jti);
    if (list) list.push(rec);
    else this.#byJti.set(rec.jti, [rec]);
    this.#count++;
  }

  tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]> {
    return Promise.resolve(this.tasksNow(jtis));
  }

  /** What {@link MemoryTaskStore.tasks} resolves to, at once: for callers in a synchronous context. */
  tasksNow(jtis: readonly string[]): TaskRecord[] {
    const out: TaskRecord[] = [];
    for (const jti of new Set(jtis)) {
      const list = this.#byJti.get(jti);
      if (list) out.push(...list);
    }
    return out;
  }

  /** How many records the store holds. */
  get size(): number {
    return this.#count;
  }
}

/** A parent is looked up within the child's workflow first, then anywhere. */
function pickParent(all: readonly TaskRecord[] | undefined, wid: string | undefined): TaskRecord | undefined {
  if (!all?.length) return undefined;
  return (wid !== undefined && all.find((t) => t.wid === wid)) || all[0];
}

/** One record per (wid, jti): the walk's notion of "the same ancestor", whatever objects a store returns. */
const nodeKey = (t: TaskRecord) => (t.wid === undefined ? `\u0001${t.jti}` : `${t.wid}\u0000${t.jti}`);

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
 * Step 15: the rules of section 7 for a token arriving against `store`, in the section's order
 * (cycle, duplicate, parent existence, temporal order, workflow, parent policy, traversal limit).
 * Rejects when the store does.
 */
export async function checkArrival(
  task: TaskRecord,
  store: TaskStore,
  settings: Settings,
): Promise<Problem[]> {
  const walk = arrivalRules(task, settings);
  let next = walk.next();
  while (!next.done) next = walk.next(await store.tasks(next.value));
  return next.value;
}

/**
 * The rules of {@link checkArrival} as a generator: it yields the `jti`s it needs (first the
 * task's own and its predecessors', then each further level of ancestors) and is resumed with the
 * store's records for them. The verification procedure drives it the same way, so that the
 * rules have one text.
 */
export function* arrivalRules(
  task: TaskRecord,
  settings: Settings,
): Generator<readonly string[], Problem[], readonly TaskRecord[]> {
  const { jti, wid } = task;
  const cycle: Problem[] = [];
  const edges: Problem[] = [];
  const missing: Problem[] = [];

  // Records fetched so far, by jti (an empty list: asked for, not there).
  const known = new Map<string, TaskRecord[]>();
  function* fetch(jtis: readonly string[]): Generator<readonly string[], void, readonly TaskRecord[]> {
    const wanted = [...new Set(jtis.filter((j) => !known.has(j)))];
    if (!wanted.length) return;
    for (const j of wanted) known.set(j, []);
    const got: unknown = yield wanted;
    if (!Array.isArray(got))
      throw new TypeError(`the task store's tasks() resolved to ${typeof got}, not an array of task records`);
    for (const r of got as readonly TaskRecord[]) {
      // A store may answer more than it was asked: only the records asked for count.
      if (r && typeof r === 'object' && Array.isArray(r.pred)) known.get(r.jti)?.push(r);
    }
  }

  yield* fetch([jti, ...task.pred]);

  if (task.pred.includes(jti)) {
    cycle.push({ code: 'cycle', pred: jti, message: `"pred" names this task's own jti ${jti}` });
  }
  // Walk the ancestors once, a depth level at a time: it finds a way back to this task (a
  // corrupted or merged store) and counts distinct ancestors for the traversal limit.
  const limit = settings.traversalLimit;
  const seen = new Set<string>();
  // Each ancestor of a level remembers which of this task's predecessors led to it.
  let level: { rec: TaskRecord; via: string }[] = [];
  for (const p of task.pred) {
    const parent = pickParent(known.get(p), wid);
    if (!parent) {
      missing.push({
        code: 'parent_not_found',
        pred: p,
        message: `predecessor ${p} is not in the store of accepted tasks`,
      });
      continue;
    }
    edges.push(...edgeProblems(task, parent, settings));
    const k = nodeKey(parent);
    if (!seen.has(k)) {
      seen.add(k);
      level.push({ rec: parent, via: p });
    }
  }
  let overLimit = seen.size > limit;
  while (level.length && !overLimit) {
    yield* fetch(level.flatMap(({ rec }) => rec.pred.filter((p) => p !== jti)));
    const following: typeof level = [];
    for (const { rec: anc, via } of level) {
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
        const next = pickParent(known.get(p), anc.wid);
        if (!next) continue;
        const k = nodeKey(next);
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size > limit) {
          overLimit = true;
          break;
        }
        following.push({ rec: next, via });
      }
      if (overLimit) break;
    }
    level = following;
  }

  const duplicates = (known.get(jti) ?? []).filter((t) => wid === undefined || t.wid === wid);
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

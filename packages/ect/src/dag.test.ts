import { describe, it, expect } from 'vitest';
import type { Problem } from './codes.ts';
import {
  arrivalRules,
  checkArrival as checkArrivalAsync,
  MemoryTaskStore,
  taskRecord,
  type TaskRecord,
  type TaskStore,
} from './dag.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';

const T0 = 1_767_225_600;
const W = 'workflow-w';
const W2 = 'workflow-w2';

const settings = (overrides: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...overrides });

function rec(jti: string, pred: string[] = [], extra: Partial<TaskRecord> = {}): TaskRecord {
  return { jti, pred, iat: T0, ...extra };
}

function store(...recs: TaskRecord[]): MemoryTaskStore {
  const index = new MemoryTaskStore();
  for (const r of recs) index.add(r);
  return index;
}

const codes = (problems: readonly Problem[]) => problems.map((p) => p.code);
/** code and pred only, for exact comparisons that ignore messages. */
const brief = (problems: readonly Problem[]) =>
  problems.map((p) => (p.pred === undefined ? { code: p.code } : { code: p.code, pred: p.pred }));

/** A store holding the chain C0 <- C1 <- ... <- C(n-1) (each names the one before as its predecessor). */
function chainStore(n: number, rootPred: string[] = []): MemoryTaskStore {
  const index = new MemoryTaskStore();
  for (let i = 0; i < n; i++) index.add(rec(`C${i}`, i === 0 ? rootPred : [`C${i - 1}`]));
  return index;
}

/**
 * The rules checkArrival applies, driven over a memory store without waiting a turn per level: the
 * same generator checkArrival drives (the async path has its own tests below).
 */
function checkArrival(task: TaskRecord, index: MemoryTaskStore, s: Settings): Problem[] {
  const walk = arrivalRules(task, s);
  let next = walk.next();
  while (!next.done) next = walk.next(index.tasksNow(next.value));
  return next.value;
}

describe('MemoryTaskStore', () => {
  it('keeps every record per jti and counts them', async () => {
    const index = store(rec('A'), rec('A', [], { wid: W }), rec('B'));
    expect(await index.tasks(['A'])).toHaveLength(2);
    expect(await index.tasks(['B'])).toHaveLength(1);
    expect(await index.tasks(['Z'])).toEqual([]);
    expect(await index.tasks(['A', 'B', 'A', 'Z'])).toHaveLength(3);
    expect(index.size).toBe(3);
  });
});

/** A store that answers as `inner` does, asynchronously, and logs what it was asked. */
function loggingStore(inner: MemoryTaskStore): TaskStore & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async tasks(jtis) {
      calls.push([...jtis]);
      await new Promise((r) => setTimeout(r, 1));
      return inner.tasksNow(jtis);
    },
  };
}

describe('checkArrival against an asynchronous store', () => {
  it('asks once per depth level, each level batched: the task and its parents, then each layer of ancestors', async () => {
    // X -> {P, Q}; P -> A; Q -> A, B; A -> R; B -> R
    const inner = store(rec('P', ['A']), rec('Q', ['A', 'B']), rec('A', ['R']), rec('B', ['R']), rec('R'));
    const s = loggingStore(inner);
    expect(await checkArrivalAsync(rec('X', ['P', 'Q']), s, settings())).toEqual([]);
    expect(s.calls.map((c) => [...c].sort())).toEqual([['P', 'Q', 'X'], ['A', 'B'], ['R']]);
  });

  it('gives what the same rules give over the memory store, for every case above', async () => {
    const cases: [TaskRecord, MemoryTaskStore, Settings][] = [
      [rec('X', ['A']), store(rec('A', ['X'])), settings()],
      [rec('X', ['M1', 'A', 'M2']), store(rec('A')), settings()],
      [rec('X', [], { wid: W }), store(rec('X', [], { wid: W })), settings()],
      [rec('X', ['C4']), chainStore(5), settings({ traversalLimit: 4 })],
    ];
    for (const [task, index, s] of cases) {
      expect(await checkArrivalAsync(task, loggingStore(index), s)).toEqual(checkArrival(task, index, s));
    }
  });

  it('ignores records the store gives that were not asked for', async () => {
    const extra: TaskStore = { tasks: async () => [rec('X'), rec('A'), rec('UNASKED', [])] };
    expect(await checkArrivalAsync(rec('Y', ['A']), extra, settings())).toEqual([]);
  });

  it('rejects when the store rejects', async () => {
    const down: TaskStore = { tasks: () => Promise.reject(new Error('connection refused')) };
    await expect(checkArrivalAsync(rec('X', ['A']), down, settings())).rejects.toThrow('connection refused');
  });
});

describe('taskRecord', () => {
  it('reads jti, wid, pred, iat and the -01 policy decision in ect_ext', () => {
    expect(
      taskRecord({
        jti: 'X',
        wid: W,
        iat: T0,
        pred: ['A', 'B'],
        ect_ext: { pol: 'p', pol_decision: 'rejected' },
      }),
    ).toEqual({ jti: 'X', wid: W, iat: T0, pred: ['A', 'B'], policyDecision: 'rejected' });
  });

  it('reads -00 par and a top-level pol_decision', () => {
    expect(taskRecord({ jti: 'X', par: ['A'], pol: 'p', pol_decision: 'approved' })).toEqual({
      jti: 'X',
      pred: ['A'],
      policyDecision: 'approved',
    });
  });

  it('is null without a string jti', () => {
    expect(taskRecord({ pred: [] })).toBeNull();
    expect(taskRecord({ jti: 7, pred: [] })).toBeNull();
  });
});

describe('checkArrival: clean arrivals', () => {
  it('accepts a root against an empty store', () => {
    expect(checkArrival(rec('X'), store(), settings())).toEqual([]);
  });

  it('accepts a child of approved parents in the same workflow', () => {
    const index = store(
      rec('A', [], { wid: W }),
      rec('B', ['A'], { wid: W, policyDecision: 'approved' }),
      rec('C', ['A'], { wid: W }),
    );
    expect(checkArrival(rec('X', ['B', 'C'], { wid: W }), index, settings())).toEqual([]);
  });
});

describe('checkArrival rule 1: cycle', () => {
  it('reports a self-loop first, with pred set to the token itself', () => {
    const problems = checkArrival(rec('X', ['X']), store(), settings());
    expect(problems[0]).toMatchObject({ code: 'cycle', pred: 'X' });
    expect(codes(problems).filter((c) => c === 'cycle')).toHaveLength(1);
  });

  it('reports an ancestor walk that reaches the token (a corrupted store)', () => {
    // The store already holds A, whose predecessor is X: X arriving with pred [A] closes a loop.
    const problems = checkArrival(rec('X', ['A']), store(rec('A', ['X'])), settings());
    expect(brief(problems)).toEqual([{ code: 'cycle', pred: 'A' }]);
  });

  it('finds the way back through several ancestors and names the predecessor it went through', () => {
    const index = store(rec('R'), rec('A', ['B']), rec('B', ['C']), rec('C', ['X']));
    const problems = checkArrival(rec('X', ['R', 'A']), index, settings());
    expect(brief(problems)).toEqual([{ code: 'cycle', pred: 'A' }]);
  });

  it('does not blame the token for a loop among its ancestors that does not reach it', () => {
    const index = store(rec('A', ['B']), rec('B', ['A']));
    expect(checkArrival(rec('X', ['A']), index, settings())).toEqual([]);
  });
});

describe('checkArrival rule 2: duplicate_jti', () => {
  it('is a duplicate when the store holds the jti in the same workflow', () => {
    const problems = checkArrival(rec('X', [], { wid: W }), store(rec('X', [], { wid: W })), settings());
    expect(brief(problems)).toEqual([{ code: 'duplicate_jti' }]);
  });

  it('is not a duplicate when the stored copy is in another workflow', () => {
    expect(checkArrival(rec('X', [], { wid: W }), store(rec('X', [], { wid: W2 })), settings())).toEqual([]);
  });

  it('without a wid, is a duplicate when the jti is anywhere in the store', () => {
    expect(codes(checkArrival(rec('X'), store(rec('X')), settings()))).toEqual(['duplicate_jti']);
    expect(codes(checkArrival(rec('X'), store(rec('X', [], { wid: W2 })), settings()))).toEqual([
      'duplicate_jti',
    ]);
  });

  it('reports one duplicate however many copies the store holds', () => {
    const index = store(rec('X', [], { wid: W }), rec('X', [], { wid: W }));
    expect(codes(checkArrival(rec('X', [], { wid: W }), index, settings()))).toEqual(['duplicate_jti']);
  });
});

describe('checkArrival rule 3: parent_not_found', () => {
  it('reports each missing predecessor, in pred order', () => {
    const problems = checkArrival(rec('X', ['M1', 'A', 'M2']), store(rec('A')), settings());
    expect(brief(problems)).toEqual([
      { code: 'parent_not_found', pred: 'M1' },
      { code: 'parent_not_found', pred: 'M2' },
    ]);
  });

  it('looks the parent up within the same workflow first', () => {
    // The copy of P in another workflow comes first and would break rules 4 and 5.
    const index = store(rec('P', [], { wid: W2, iat: T0 + 1000 }), rec('P', [], { wid: W, iat: T0 }));
    expect(checkArrival(rec('X', ['P'], { wid: W }), index, settings())).toEqual([]);
  });

  it('falls back to a parent in another workflow (found, but a workflow mismatch)', () => {
    const problems = checkArrival(rec('X', ['P'], { wid: W }), store(rec('P', [], { wid: W2 })), settings());
    expect(brief(problems)).toEqual([{ code: 'workflow_mismatch', pred: 'P' }]);
  });

  it('accepts an old (expired) parent', () => {
    const index = store(rec('P', [], { iat: T0 - 10 * 365 * 86400 }));
    expect(checkArrival(rec('X', ['P']), index, settings())).toEqual([]);
  });
});

describe('checkArrival rule 4: temporal_violation', () => {
  it('accepts a parent issued exactly clockSkew after the child', () => {
    const index = store(rec('P', [], { iat: T0 + 30 }));
    expect(checkArrival(rec('X', ['P'], { iat: T0 }), index, settings())).toEqual([]);
  });

  it('rejects a parent issued clockSkew + 1 after the child', () => {
    const index = store(rec('P', [], { iat: T0 + 31 }));
    expect(brief(checkArrival(rec('X', ['P'], { iat: T0 }), index, settings()))).toEqual([
      { code: 'temporal_violation', pred: 'P' },
    ]);
  });

  it('follows the clockSkew setting', () => {
    const index = store(rec('P', [], { iat: T0 }), rec('Q', [], { iat: T0 + 1 }));
    expect(checkArrival(rec('X', ['P'], { iat: T0 }), index, settings({ clockSkew: 0 }))).toEqual([]);
    expect(codes(checkArrival(rec('X', ['Q'], { iat: T0 }), index, settings({ clockSkew: 0 })))).toEqual([
      'temporal_violation',
    ]);
  });
});

describe('checkArrival rule 5: workflow_mismatch', () => {
  it('rejects a parent without a wid when the child has one', () => {
    expect(brief(checkArrival(rec('X', ['P'], { wid: W }), store(rec('P')), settings()))).toEqual([
      { code: 'workflow_mismatch', pred: 'P' },
    ]);
  });

  it('rejects a parent in another workflow', () => {
    const index = store(rec('P', [], { wid: W2 }));
    expect(brief(checkArrival(rec('X', ['P'], { wid: W }), index, settings()))).toEqual([
      { code: 'workflow_mismatch', pred: 'P' },
    ]);
  });

  it('does not apply when the child has no wid', () => {
    expect(checkArrival(rec('X', ['P']), store(rec('P', [], { wid: W })), settings())).toEqual([]);
  });
});

describe('checkArrival rule 6: parent_policy', () => {
  it('rejects parents whose decision is rejected or pending_human_review', () => {
    for (const decision of ['rejected', 'pending_human_review']) {
      const index = store(rec('P', [], { policyDecision: decision }));
      expect(brief(checkArrival(rec('X', ['P']), index, settings())), decision).toEqual([
        { code: 'parent_policy', pred: 'P' },
      ]);
    }
  });

  it('accepts an approved parent and a parent without a decision', () => {
    const index = store(rec('P', [], { policyDecision: 'approved' }), rec('Q'));
    expect(checkArrival(rec('X', ['P', 'Q']), index, settings())).toEqual([]);
  });

  it('is not applied when enforceParentPolicy is off', () => {
    const index = store(rec('P', [], { policyDecision: 'rejected' }));
    expect(checkArrival(rec('X', ['P']), index, settings({ enforceParentPolicy: false }))).toEqual([]);
  });
});

describe('checkArrival rule 7: traversal_limit', () => {
  // A diamond: D <- B, D <- C, B <- A, C <- A (A is reached twice but counted once).
  const diamond = () => store(rec('A'), rec('B', ['A']), rec('C', ['A']), rec('D', ['B', 'C']));

  it('counts each ancestor of a diamond once', () => {
    // X -> D -> {B, C} -> A: four distinct ancestors.
    expect(checkArrival(rec('X', ['D']), diamond(), settings({ traversalLimit: 4 }))).toEqual([]);
    expect(brief(checkArrival(rec('X', ['D']), diamond(), settings({ traversalLimit: 3 })))).toEqual([
      { code: 'traversal_limit' },
    ]);
  });

  it('counts ancestors shared by two direct predecessors once', () => {
    // X -> {B, C} -> A: three distinct ancestors.
    expect(checkArrival(rec('X', ['B', 'C']), diamond(), settings({ traversalLimit: 3 }))).toEqual([]);
    expect(codes(checkArrival(rec('X', ['B', 'C']), diamond(), settings({ traversalLimit: 2 })))).toEqual([
      'traversal_limit',
    ]);
  });

  it('allows exactly traversalLimit ancestors and rejects one more', () => {
    const index = chainStore(5); // X -> C4 -> ... -> C0: five ancestors
    expect(checkArrival(rec('X', ['C4']), index, settings({ traversalLimit: 5 }))).toEqual([]);
    expect(codes(checkArrival(rec('X', ['C4']), index, settings({ traversalLimit: 4 })))).toEqual([
      'traversal_limit',
    ]);
  });

  it('with limit 0, allows a root and rejects any predecessor', () => {
    const index = store(rec('P'));
    expect(checkArrival(rec('X'), index, settings({ traversalLimit: 0 }))).toEqual([]);
    expect(codes(checkArrival(rec('X', ['P']), index, settings({ traversalLimit: 0 })))).toEqual([
      'traversal_limit',
    ]);
  });

  it('walks a 50,000-long chain without overflowing the stack', () => {
    const n = 50_000;
    const index = chainStore(n);
    const x = rec('X', [`C${n - 1}`]);
    expect(checkArrival(x, index, settings({ traversalLimit: n }))).toEqual([]);
    expect(codes(checkArrival(x, index, settings({ traversalLimit: n - 1 })))).toEqual(['traversal_limit']);
    expect(codes(checkArrival(x, index, settings()))).toEqual(['traversal_limit']);
  });

  it('finds a loop back to the token at the end of a 50,000-long chain', () => {
    const n = 50_000;
    const index = chainStore(n, ['X']); // the chain's root names X: a corrupted store
    const problems = checkArrival(rec('X', [`C${n - 1}`]), index, settings({ traversalLimit: 100_000 }));
    expect(brief(problems)).toEqual([{ code: 'cycle', pred: `C${n - 1}` }]);
  });
});

describe('checkArrival: the order of the returned problems', () => {
  it('lists every rule in the order of section 7, whatever the order of pred', () => {
    const index = store(
      rec('X', [], { wid: W }), // a stored copy of the arriving jti: duplicate
      rec('P1', [], { wid: W, iat: T0 + 100 }), // issued after the child: temporal
      rec('P2', [], { wid: W2 }), // another workflow: workflow mismatch
      rec('P3', [], { wid: W, policyDecision: 'rejected' }), // parent policy
    );
    const task = rec('X', ['X', 'P3', 'M', 'P2', 'P1'], { wid: W });
    const problems = checkArrival(task, index, settings({ traversalLimit: 2 }));
    expect(brief(problems)).toEqual([
      { code: 'cycle', pred: 'X' },
      { code: 'duplicate_jti' },
      { code: 'parent_not_found', pred: 'M' },
      { code: 'temporal_violation', pred: 'P1' },
      { code: 'workflow_mismatch', pred: 'P2' },
      { code: 'parent_policy', pred: 'P3' },
      { code: 'traversal_limit' },
    ]);
    for (const p of problems) expect(p.message.trim()).not.toBe('');
  });

  it('lists one parent breaking rules 4, 5 and 6 in rule order', () => {
    const index = store(rec('P', [], { wid: W2, iat: T0 + 31, policyDecision: 'pending_human_review' }));
    expect(brief(checkArrival(rec('X', ['P'], { wid: W }), index, settings()))).toEqual([
      { code: 'temporal_violation', pred: 'P' },
      { code: 'workflow_mismatch', pred: 'P' },
      { code: 'parent_policy', pred: 'P' },
    ]);
  });
});

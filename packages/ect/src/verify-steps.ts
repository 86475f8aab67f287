/**
 * What the sixteen steps of one verification found, kept compactly while they run: two bit masks,
 * a note per step, and problems only for steps that fail. The step objects of the report are made
 * from it at the end, and only when someone will read them: a set's valid reports make them when
 * first read (verify-set.ts), which spares 16 objects per token that would only be garbage
 * (issue 17: the set API's young-generation churn).
 */
import type { Problem } from './codes.ts';
import type { StepReport } from './report.ts';
import { STEP_BY_ID, STEPS, type StepId } from './steps.ts';

/** The problems of a step that has none: one shared, frozen empty list (most steps of most tokens). */
export const NO_PROBLEMS = Object.freeze([]) as unknown as Problem[];

/** A step's note, or a function that writes it (called only when the steps are made). */
export type Note = string | (() => string);

const bit = (id: StepId) => 1 << (STEP_BY_ID[id].n - 1);

export class StepLog {
  /** Bit n-1 set: step n passed (the last of pass and fail wins, as with a status field). */
  private passed = 0;
  private failed = 0;
  private readonly notes: (Note | undefined)[] = [];
  /** Problems by step index, made at the first failure. */
  private problems: Problem[][] | null = null;

  pass(id: StepId, note?: Note): void {
    const b = bit(id);
    this.passed |= b;
    this.failed &= ~b;
    if (note) this.notes[STEP_BY_ID[id].n - 1] = note;
  }

  /** A step that did not run (its status stays 'skip' unless it was already set), and why. */
  skip(id: StepId, note: string): void {
    this.notes[STEP_BY_ID[id].n - 1] = note;
  }

  fail(id: StepId, problems: Problem[]): void {
    const b = bit(id);
    this.failed |= b;
    this.passed &= ~b;
    const i = STEP_BY_ID[id].n - 1;
    const all = (this.problems ??= []);
    all[i] = all[i] ? [...all[i], ...problems] : [...problems];
  }

  failedAt(id: StepId): boolean {
    return (this.failed & bit(id)) !== 0;
  }

  get anyFailed(): boolean {
    return this.failed !== 0;
  }

  /** The codes of all problems in step order, each once, and the first failing step's first one. */
  codes(): { codes: Problem['code'][]; code: Problem['code'] | null } {
    const codes: Problem['code'][] = [];
    if (!this.problems) return { codes, code: null };
    let code: Problem['code'] | null = null;
    let first = true;
    for (let i = 0; i < STEPS.length; i++) {
      const list = this.problems[i];
      if (first && this.failed & (1 << i)) {
        code = list?.[0]?.code ?? null;
        first = false;
      }
      if (list) for (const p of list) if (!codes.includes(p.code)) codes.push(p.code);
    }
    return { codes, code };
  }

  /** The step objects of the report, in the shape (and property order) verifyToken has always given. */
  steps(): StepReport[] {
    return STEPS.map((info, i): StepReport => {
      const b = 1 << i;
      const step: StepReport = {
        n: info.n,
        id: info.id,
        title: info.title,
        codes: info.codes,
        profileSection: info.profileSection,
        draftSection: info.draftSection,
        status: this.failed & b ? 'fail' : this.passed & b ? 'pass' : 'skip',
        problems: this.problems?.[i] ?? NO_PROBLEMS,
      };
      const note = this.notes[i];
      if (note !== undefined) step.note = typeof note === 'function' ? note() : note;
      return step;
    });
  }
}

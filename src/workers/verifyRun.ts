/**
 * The account of one verification of a set (who verified what, for how long): no DOM and no
 * worker here, so the Node-side browser bench (bench/browser-common.ts) reads the same type.
 */
/** Who verified a set, and what it cost each thread (ms): for the bench and the progress view. */
export interface VerifyRun {
  /** Workers started. */
  workers: number;
  /** Tokens verified by the workers, and by this thread. */
  byWorkers: number;
  byPage: number;
  /** This thread's time verifying its share. */
  pageMs: number;
  /** The workers' time verifying, summed over them (each chunk timed in its worker). */
  workerMs: number;
  /** From the start of the set to this thread joining in (-1: it did not). */
  helpFromMs: number;
  /** This thread's wait, once it had nothing left to verify, for the workers' last answers. */
  waitMs: number;
  /** This thread's time making the reports from the workers' verdicts. */
  reportsMs: number;
  /** From the start of the set to its last report. */
  ms: number;
}

export const newRun = (workers: number): VerifyRun => ({
  workers,
  byWorkers: 0,
  byPage: 0,
  pageMs: 0,
  workerMs: 0,
  helpFromMs: -1,
  waitMs: 0,
  reportsMs: 0,
  ms: 0,
});

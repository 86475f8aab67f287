/**
 * Verifying many tokens: verifyTokens (the reports verifyToken would make, faster for a set), and
 * the synchronous stored-mode verifiers a worker's outcome is finished with.
 */
import { str } from './claims.ts';
import type { JsonObject } from './decode.ts';
import type { StepReport, StoredVerifyOptions, VerificationReport, VerifyOptions } from './report.ts';
import { checkSignature, checkSignatureNow, type SignatureOutcome } from './signature.ts';
import { STEP_BY_ID } from './steps.ts';
import { clock, notify, verification, verifyToken } from './verify.ts';
import type { Pending } from './verify-answer.ts';
import { planOf, type Plan } from './verify-plan.ts';

/**
 * Tokens per round of verifyTokens: enough to keep each pass in cache, few enough to keep it there
 * (500, where signatures are checked through WebCrypto on this thread: Chromium). In Node each
 * token is finished as soon as its signature is checked, within the call (checkSignatureNow), and a
 * round is only how often the event loop gets a turn (500 tokens: about 75 ms).
 */
const BATCH = 500;

/** A turn of the event loop where there is setImmediate (Node): a set of 100,000 tokens must not hold it for 15 s. */
const setImmediateOf = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;

/**
 * The reports verifyToken would make of each token, one after another, made faster. Where the
 * signature can be checked within the call (Node: checkSignatureNow), each token is verified to the
 * end before the next, without waiting on a promise: Node's WebCrypto cost more than the whole
 * check through its hand-off to a thread pool and back (issue 17). Elsewhere the tokens of a
 * round are decoded and checked first, then their signatures are checked, then their reports
 * finished: alternating the two for each token costs more where the signature is checked on this
 * thread (the signature's native code and the parsing evict each other from the CPU's caches).
 * With a replay store, a ledger or a task store (steps that depend on the tokens before), or a key
 * resolver, this is verifyToken one token at a time. The clock (when `now` is not given) is read
 * once for the whole set. `onProgress` is called after each round; `onVerify` once per token.
 */
export async function verifyTokens(
  inputs: readonly string[],
  opts: VerifyOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<VerificationReport[]> {
  const plan = planOf(opts);
  const stateless = !plan.resolver && (plan.stored || (!plan.replay && !plan.ledger && !plan.store));
  if (!stateless) {
    const reports: VerificationReport[] = [];
    for (const input of inputs) reports.push(await verifyToken(input, opts));
    onProgress?.(inputs.length, inputs.length);
    return reports;
  }
  const reports: VerificationReport[] = new Array<VerificationReport>(inputs.length);
  // A valid token's steps are made when read, from a run with the set's plan but all its steps.
  const lazyPlan: Plan = { ...plan, lazySteps: true };
  const finish = (k: number, last: IteratorResult<unknown, VerificationReport>) => {
    // Nothing else to wait for without a ledger: a stateless run ends after its signature.
    if (!last.done) throw new Error('verifyTokens: unexpected step');
    reports[k] = last.value.valid ? withLazySteps(last.value, inputs[k]!, plan) : last.value;
  };
  for (let start = 0; start < inputs.length; start += BATCH) {
    const started = clock();
    const end = Math.min(inputs.length, start + BATCH);
    const waiting: {
      k: number;
      run: ReturnType<typeof verification>;
      job: Extract<Pending, { kind: 'signature' }>;
    }[] = [];
    for (let k = start; k < end; k++) {
      const run = verification(inputs[k]!, lazyPlan);
      const step = run.next();
      if (step.done) {
        finish(k, step);
        continue;
      }
      const job = step.value;
      if (job.kind !== 'signature') throw new Error('verifyTokens: unexpected step');
      const outcome = checkSignatureNow(job.parts, job.alg, job.candidates);
      if (outcome) finish(k, run.next(outcome));
      else waiting.push({ k, run, job });
    }
    if (waiting.length) {
      // Checked within each call in Chromium: one after another, without a turn of the event loop between.
      const outcomes = await Promise.all(
        waiting.map(({ job }) => checkSignature(job.token, job.parts, job.alg, job.candidates, job.crit)),
      );
      waiting.forEach(({ k, run }, i) => finish(k, run.next(outcomes[i]!)));
    } else if (setImmediateOf && end < inputs.length) await new Promise<void>((r) => setImmediateOf(r));
    if (opts.onVerify) {
      const durationMs = (clock() - started) / Math.max(1, end - start);
      for (let k = start; k < end; k++) {
        const report = reports[k]!;
        notify(opts, { jti: report.jti, valid: report.valid, code: report.code, report, durationMs });
      }
    }
    onProgress?.(end, inputs.length);
  }
  return reports;
}

/**
 * Steps 1-10 ('stored' mode) with the outcome of step 7 already known, because it was checked
 * elsewhere (a worker, with the same trust store and settings): synchronous and no crypto. The
 * report is the one verifyToken would make. `outcome` is trusted as given: pass only what this
 * workbench's own verification computed for this very token (`signatureOutcomeOf`); null when
 * the signature check did not run there.
 */
export function verifyStoredWith(
  input: string,
  opts: StoredVerifyOptions,
  outcome: SignatureOutcome | null,
): VerificationReport {
  const { trust, settings, audience, now } = opts;
  return completed(verification(input, planOf({ trust, settings, audience, now, mode: 'stored' })), outcome);
}

/** Runs a verification whose only wait is the signature check, with that check's outcome. */
function completed(
  run: ReturnType<typeof verification>,
  outcome: SignatureOutcome | null,
): VerificationReport {
  let next = run.next();
  while (!next.done) {
    if (next.value.kind !== 'signature' || !outcome)
      throw new Error('verification: the signature outcome does not match the token');
    next = run.next(outcome);
  }
  return next.value;
}

/**
 * What a lazy report keeps to build the rest of itself when first read: under a symbol, not
 * enumerable (not in JSON, not copied by a spread, not compared by deep equality).
 */
const LAZY = Symbol('ect.lazyReport');

/** A valid report of a stateless run: its token and its run's plan; the steps once made. */
interface LazySteps {
  input: string;
  plan: Plan;
  steps?: StepReport[];
}

/**
 * The accessors of lazy reports: one getter function each, shared by every report. A getter
 * closure per report (an object literal's `get steps() {...}`) gave each report hidden classes of
 * its own and its properties in a dictionary: 1,571 bytes retained per report of a 3,000-token set
 * against 702 for its decoded token, and scavenges of 11-15 ms against 0.3 ms with the reports
 * dropped (Node 20, load 5: the set's whole lag behind verifyToken one at a time, issue 17). V8
 * shares a hidden class between objects that define the same accessor function.
 */
const lazyStepsProperty: PropertyDescriptor = {
  get(this: { [LAZY]: LazySteps }): StepReport[] {
    const lazy = this[LAZY];
    // Step 7's outcome is in the report itself (its key), not kept twice.
    const outcome = signatureOutcomeOf(this as unknown as VerificationReport);
    return (lazy.steps ??= completed(verification(lazy.input, lazy.plan), outcome).steps);
  },
  enumerable: true,
  configurable: true,
};

/**
 * A valid report of a stateless run, its steps made again (synchronously, the same way) when first
 * read. The sixteen step objects are most of a report's memory, and kept for every token of a set
 * they outlive the young generation (issue 17). Its properties in verifyToken's order.
 */
function withLazySteps(report: VerificationReport, input: string, plan: Plan): VerificationReport {
  const { token, valid, code, codes, level, version, header, payload, jti, key, warnings } = report;
  const lazy = { token, valid, code, codes, level, version, header, payload, jti } as VerificationReport;
  Object.defineProperty(lazy, 'steps', lazyStepsProperty);
  lazy.warnings = warnings;
  if (key) lazy.key = key;
  const state: LazySteps = { input, plan };
  Object.defineProperty(lazy, LAZY, { value: state });
  return lazy;
}

/**
 * Step 7's outcome in a report: the key that verified, the failure, or null when it did not run.
 * A report made from an outcome (validStoredReport) answers with it, without making its steps.
 */
export function signatureOutcomeOf(report: VerificationReport): SignatureOutcome | null {
  const lazy = (report as { [LAZY]?: LazySteps | LazyStored })[LAZY];
  if (lazy && 'outcome' in lazy) return lazy.outcome;
  if (report.key) return { ok: true, kid: report.key.kid, issuer: report.key.issuer };
  if (report.valid) return null; // a valid token without a key is L1: no signature (steps not read)
  const step = report.steps[STEP_BY_ID.signature.n - 1];
  if (step?.status !== 'fail') return null;
  return { ok: false, message: step.problems[0]?.message ?? '' };
}

/** A stored report found valid elsewhere: what verifyStoredWith needs, and its report once made. */
interface LazyStored {
  token: string;
  opts: StoredVerifyOptions;
  outcome: SignatureOutcome | null;
  full?: VerificationReport;
}

/** The stored report in full, made on first need (verifyStoredWith). */
function madeReport(report: { [LAZY]: LazyStored }): VerificationReport {
  const lazy = report[LAZY];
  return (lazy.full ??= verifyStoredWith(lazy.token, lazy.opts, lazy.outcome));
}

/**
 * A valid stored report's key, from step 7's outcome alone: step 7 sets the report's key from the
 * outcome and from nothing else, and a report found valid reached it. The Ledger table reads every
 * entry's signer; through the full report that made 50,000 reports again in one 2.4 s task of its
 * first render (Chromium, load 7, issue 17).
 */
const storedKeyProperty: PropertyDescriptor = {
  get(this: { [LAZY]: LazyStored }): VerificationReport['key'] {
    const { full, outcome } = this[LAZY];
    if (full) return full.key;
    return outcome?.ok ? { kid: outcome.kid, issuer: outcome.issuer } : undefined;
  },
  enumerable: true,
  configurable: true,
};

/** One shared getter per lazily made property (see lazyStepsProperty: a closure each cost a hidden class each). */
const storedProperty = (name: 'level' | 'version' | 'header' | 'steps' | 'warnings') => ({
  get(this: { [LAZY]: LazyStored }): unknown {
    return madeReport(this)[name];
  },
  enumerable: true,
  configurable: true,
});
const STORED_PROPERTIES: PropertyDescriptorMap = {
  level: storedProperty('level'),
  version: storedProperty('version'),
  header: storedProperty('header'),
  steps: storedProperty('steps'),
  key: storedKeyProperty,
  warnings: storedProperty('warnings'),
};

/**
 * The report of a stored token already found valid elsewhere (a worker), built when first looked
 * at: `token`, `valid`, `code`, `codes`, `payload` and `jti` are there at once (what a whole-set
 * audit reads), the rest (steps, header, key, warnings…) comes from verifyStoredWith on first
 * access. `payload` must be the decoded payload of this very token.
 */
export function validStoredReport(
  token: string,
  payload: JsonObject,
  outcome: SignatureOutcome | null,
  opts: StoredVerifyOptions,
): VerificationReport {
  const report = { token, valid: true, code: null, codes: [], payload, jti: str(payload.jti) ?? null };
  Object.defineProperties(report, STORED_PROPERTIES);
  const state: LazyStored = { token, opts, outcome };
  Object.defineProperty(report, LAZY, { value: state });
  return report as unknown as VerificationReport;
}

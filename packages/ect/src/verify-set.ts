/**
 * Verifying many tokens: verifyTokens (the reports verifyToken would make, faster for a set), and
 * the synchronous stored-mode verifiers a worker's outcome is finished with.
 */
import { str } from './claims.ts';
import type { JsonObject } from './decode.ts';
import type { StoredVerifyOptions, VerificationReport, VerifyOptions } from './report.ts';
import { checkSignature, type SignatureOutcome } from './signature.ts';
import { STEP_BY_ID } from './steps.ts';
import { clock, notify, planOf, verification, verifyToken } from './verify.ts';

/**
 * Whether WebCrypto checks signatures on a thread of its own, the promise settling later (Node's
 * thread pool). Chromium checks them within the call itself.
 */
const OFF_THREAD_CRYPTO =
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/**
 * Tokens per round of verifyTokens: enough to keep each pass in cache, few enough to keep it there
 * (500, where signatures are checked on this thread). Where they are checked on another thread,
 * the rounds only decode ahead while it runs, and a few tokens suffice: a round of 500 half-done
 * verifications outlived V8's young generation and doubled what a set promoted to the old one
 * (Node, 6 x 3,000 tokens: 62 MB promoted and 2.3 s of scavenges with 500, 32 MB and 0.6 s with
 * 32, against 0.1 s for verifyToken one at a time dropping its reports; issue 17).
 */
const BATCH = OFF_THREAD_CRYPTO ? 32 : 500;

/**
 * The reports verifyToken would make of each token, one after another, made faster: the tokens are
 * decoded and checked first, then their signatures are checked, then their reports finished.
 * Alternating the two for each token costs more where the signature is checked on this thread
 * (the signature's native code and the parsing evict each other from the CPU's caches); where it
 * is checked on another thread, the next tokens are decoded while it runs. With a replay store, a
 * ledger or a task store (steps that depend on the tokens before), or a key resolver, this is
 * verifyToken one token at a time. The clock (when `now` is not given) is read once for the
 * whole set. `onProgress` is called after each round; `onVerify` once per token.
 */
export async function verifyTokens(
  inputs: readonly string[],
  opts: VerifyOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<VerificationReport[]> {
  const reports: VerificationReport[] = [];
  const plan = planOf(opts);
  const stateless = !plan.resolver && (plan.stored || (!plan.replay && !plan.ledger && !plan.store));
  if (!stateless) {
    for (const input of inputs) reports.push(await verifyToken(input, opts));
    onProgress?.(inputs.length, inputs.length);
    return reports;
  }
  const begin = (input: string) => {
    const run = verification(input, plan);
    return { input, run, step: run.next() };
  };
  let round = inputs.slice(0, BATCH).map(begin);
  for (let start = 0; start < inputs.length; start += BATCH) {
    const started = clock();
    const following = inputs.slice(start + BATCH, start + 2 * BATCH);
    const next: typeof round = [];
    const check = ({ step }: (typeof round)[number]) => {
      const job = step.done ? undefined : step.value;
      return job?.kind === 'signature'
        ? checkSignature(job.token, job.parts, job.alg, job.candidates, job.crit)
        : undefined;
    };
    let outcomes: (SignatureOutcome | undefined)[] = [];
    if (OFF_THREAD_CRYPTO) {
      for (const run of round) {
        const pending = check(run);
        // Decode a token of the next round while the signature is checked on the other thread:
        // still one signature check at a time.
        if (next.length < following.length) next.push(begin(following[next.length]!));
        outcomes.push(pending && (await pending));
      }
    } else {
      // Checked within each call: one after another, without a turn of the event loop between.
      outcomes = await Promise.all(round.map(check));
    }
    while (next.length < following.length) next.push(begin(following[next.length]!));
    round.forEach(({ input, run, step }, k) => {
      let last = step;
      if (!last.done) last = run.next(outcomes[k]!);
      // Nothing else to wait for without a ledger: a stateless run ends after its signature.
      if (!last.done) throw new Error('verifyTokens: unexpected step');
      reports.push(last.value.valid ? withLazySteps(last.value, input, plan) : last.value);
    });
    if (opts.onVerify) {
      const durationMs = (clock() - started) / Math.max(1, round.length);
      for (const report of reports.slice(-round.length))
        notify(opts, { jti: report.jti, valid: report.valid, code: report.code, report, durationMs });
    }
    onProgress?.(reports.length, inputs.length);
    round = next;
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
 * A valid report of a stateless run, its steps made again (synchronously, the same way) when first
 * read. The sixteen step objects are most of a report's memory, and kept for every token of a set
 * they outlive the young generation (issue 17).
 */
function withLazySteps(
  report: VerificationReport,
  input: string,
  plan: Parameters<typeof verification>[1],
): VerificationReport {
  const outcome = signatureOutcomeOf(report);
  let steps: VerificationReport['steps'] | undefined;
  const { token, valid, code, codes, level, version, header, payload, jti, key, warnings } = report;
  return {
    token,
    valid,
    code,
    codes,
    level,
    version,
    header,
    payload,
    jti,
    get steps() {
      return (steps ??= completed(verification(input, plan), outcome).steps);
    },
    ...(key ? { key } : {}),
    warnings,
  };
}

/** Step 7's outcome in a report: the key that verified, the failure, or null when it did not run. */
export function signatureOutcomeOf(report: VerificationReport): SignatureOutcome | null {
  if (report.key) return { ok: true, kid: report.key.kid, issuer: report.key.issuer };
  if (report.valid) return null; // a valid token without a key is L1: no signature (steps not read)
  const step = report.steps[STEP_BY_ID.signature.n - 1];
  if (step?.status !== 'fail') return null;
  return { ok: false, message: step.problems[0]?.message ?? '' };
}

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
  let full: VerificationReport | undefined;
  const made = () => (full ??= verifyStoredWith(token, opts, outcome));
  return {
    token,
    valid: true,
    code: null,
    codes: [],
    payload,
    jti: str(payload.jti) ?? null,
    get level() {
      return made().level;
    },
    get version() {
      return made().version;
    },
    get header() {
      return made().header;
    },
    get steps() {
      return made().steps;
    },
    get key() {
      return made().key;
    },
    get warnings() {
      return made().warnings;
    },
  };
}

/**
 * The verification procedure of ECT-PROFILE.md section 4: sixteen steps in
 * order. The first failing step gives the primary code; later steps still run
 * where they can, so a report lists every problem. Never throws for bad input.
 */
import { quote } from './text.ts';
import type { JWK } from 'jose';
import type { LedgerEntry } from './chain.ts';
import { checkClaims, checkExt, checkPredCount, int, str } from './claims.ts';
import type { ErrorCode, Problem } from './codes.ts';
import { arrivalRules, taskRecord, type TaskRecord, type TaskStore } from './dag.ts';
import { decodeToken, type DecodeProblem, type JsonObject } from './decode.ts';
import { OptionsError, StoreError } from './errors.ts';
import type { Ledger } from './ledger.ts';
import type { ReplayStore } from './replay.ts';
import { resolveWithResolver, type KeyResolver, type ResolverOutcome } from './resolver.ts';
import {
  DEFAULT_SETTINGS,
  isForbiddenAlg,
  LEVEL_RANK,
  type Level,
  type Settings,
  type Version,
} from './settings.ts';
import { checkSignature, type KeyCandidate, type SignatureOutcome } from './signature.ts';
import { STEP_BY_ID, STEPS, type StepId, type StepInfo } from './steps.ts';
import { parseTrustStore, resolveKey, type TrustStore } from './trust.ts';

export type { SignatureOutcome } from './signature.ts';

/** A step's outcome in a report. */
export type StepStatus = 'pass' | 'fail' | 'skip';

/** One of the sixteen steps in a {@link VerificationReport}. */
export interface StepReport extends StepInfo {
  status: StepStatus;
  problems: Problem[];
  /** What passed, or why the step was skipped. */
  note?: string;
}

/** The JSON form of a trust store or JWKS (ECT-PROFILE.md section 6), as {@link parseTrustStore} reads it. */
export interface TrustStoreDocument {
  issuers?: Record<string, { keys: readonly JWK[] }>;
  keys?: readonly JWK[];
}

/** What {@link VerifyOptions.onVerify} is called with, once per verification. */
export interface VerifyEvent {
  /** The token's `jti` when it has a string one. */
  jti: string | null;
  valid: boolean;
  /** The report's primary code (null when valid or when the verification threw). */
  code: ErrorCode | null;
  /** The report; absent when the verification threw (a store failed: see `error`). */
  report?: VerificationReport;
  /** The {@link StoreError} the verification threw, when it did. */
  error?: unknown;
  /** Wall-clock milliseconds the verification took (in verifyTokens' batches: the batch's average). */
  durationMs: number;
}

/** The options of {@link verifyToken}: who verifies, with which keys, stores and settings. */
export interface VerifyOptions {
  /** The verifier's own id, looked for in `aud` (step 11); none (or null) for an auditor. */
  audience?: string | null;
  /**
   * The trusted keys (step 6): a parsed trust store, or its JSON form (a trust store document or
   * a plain JWKS, parsed once per object; a bad one throws a `TrustStoreError`). Give this or
   * `resolveKey`.
   */
  trust?: TrustStore | TrustStoreDocument;
  /** Resolves the key for a `kid` and `iss` (step 6) instead of a trust store. */
  resolveKey?: KeyResolver;
  /** Accepted tasks for the DAG rules (step 15); default: the ledger, when there is one. */
  store?: TaskStore;
  /** Where accepted `jti`s are checked and recorded (step 14), e.g. a `MemoryReplayStore`; none: step 14 is skipped. */
  replay?: ReplayStore;
  /** Valid tokens are appended here (step 16); also the DAG store when `store` is not given. */
  ledger?: Ledger;
  /** Default: DEFAULT_SETTINGS (see resolveSettings and settingsFromEnv). */
  settings?: Settings;
  /** The verifier's clock, Unix seconds; defaults to the real clock. */
  now?: number;
  /**
   * Called once per verification, when it is over (the reference implementations' `LogVerify` /
   * `on_verify_attempt`). An exception thrown by the hook is ignored: it cannot change the outcome.
   */
  onVerify?: (event: VerifyEvent) => void;
  /**
   * 'arrival' (default) runs every step; 'stored' runs steps 1-10 only, for a token already in a
   * ledger: an old ledger is not "expired" (section 7).
   */
  mode?: 'arrival' | 'stored';
}

/** The options of the synchronous stored-mode verifiers (verifyStoredWith, validStoredReport). */
export type StoredVerifyOptions = Pick<VerifyOptions, 'settings' | 'audience' | 'now'> & {
  trust: TrustStore | TrustStoreDocument;
};

/** What verification found: every step's outcome, the first failing code, the decoded token. */
export interface VerificationReport {
  token: string;
  valid: boolean;
  /** The first failing step's first code; null when valid. */
  code: ErrorCode | null;
  /** Every code raised, in step order, without repeats. */
  codes: ErrorCode[];
  /** L1/L2 from the token; L3 once a ledger with a key issued a receipt. */
  level: Level | null;
  version: Version | null;
  header: JsonObject | null;
  payload: JsonObject | null;
  jti: string | null;
  steps: StepReport[];
  /** Where decoding failed, for pointing at the spot. */
  decodeProblem?: DecodeProblem;
  /** The trusted key whose signature check passed. */
  key?: { kid: string; issuer: string | null };
  warnings: string[];
  entry?: LedgerEntry;
}

/** The problems of a step that has none: one shared, frozen empty list (most steps of most tokens). */
const NO_PROBLEMS = Object.freeze([]) as unknown as Problem[];

const TYP_RE = /^(application\/)?(exec\+jwt|wimse-exec\+jwt)$/i;

/** What the steps wait for: a key, a signature check, task records, the replay store, an append. */
type Pending =
  | { kind: 'key'; kid: string; iss: string | undefined }
  | {
      kind: 'signature';
      token: string;
      parts: readonly [string, string, string];
      alg: string;
      candidates: readonly KeyCandidate[];
      crit: unknown[];
    }
  | { kind: 'tasks'; jtis: readonly string[] }
  | { kind: 'seen'; jti: string; now: number }
  | { kind: 'record'; jti: string; until: number; now: number }
  | { kind: 'append'; token: string; payload: JsonObject; now: number };

type Answer = ResolverOutcome | SignatureOutcome | readonly TaskRecord[] | boolean | LedgerEntry;

/** The options as the steps read them: the trust store parsed, a resolver or a store only when given. */
interface Plan {
  trust: TrustStore | null;
  resolver: boolean;
  settings: Settings;
  audience: string | null;
  now: number;
  stored: boolean;
  store: boolean;
  replay: ReplayStore | null;
  ledger: Ledger | null;
}

/** Trust store documents parsed once per object. */
const parsedTrust = new WeakMap<object, TrustStore>();

function trustStoreOf(trust: TrustStore | TrustStoreDocument): TrustStore {
  if ('kind' in trust && (trust.kind === 'issuers' || trust.kind === 'jwks') && Array.isArray(trust.keys))
    return trust as TrustStore;
  let store = parsedTrust.get(trust);
  if (!store) parsedTrust.set(trust, (store = parseTrustStore(trust)));
  return store;
}

function planOf(opts: VerifyOptions): Plan {
  if (opts.trust && opts.resolveKey)
    throw new OptionsError('give verifyToken either trust or resolveKey, not both');
  if (!opts.trust && !opts.resolveKey)
    throw new OptionsError(
      'verifyToken needs the trusted keys: a trust store or JWKS (trust), or a key resolver (resolveKey)',
    );
  if (opts.resolveKey !== undefined && typeof opts.resolveKey !== 'function')
    throw new OptionsError('resolveKey must be a function (kid, iss) => JWK | CryptoKey | undefined');
  return {
    trust: opts.trust ? trustStoreOf(opts.trust) : null,
    resolver: !opts.trust,
    settings: opts.settings ?? DEFAULT_SETTINGS,
    audience: opts.audience || null,
    now: opts.now ?? Math.floor(Date.now() / 1000),
    stored: opts.mode === 'stored',
    store: Boolean(opts.store ?? opts.ledger),
    replay: opts.replay ?? null,
    ledger: opts.ledger ?? null,
  };
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Does what a step waits for, with the caller's resolver, stores and ledger. */
async function answer(job: Pending, opts: VerifyOptions): Promise<Answer> {
  switch (job.kind) {
    case 'key':
      return resolveWithResolver(opts.resolveKey!, job.kid, job.iss);
    case 'signature':
      return checkSignature(job.token, job.parts, job.alg, job.candidates, job.crit);
    case 'tasks': {
      let got: unknown;
      try {
        got = await (opts.store ?? opts.ledger)!.tasks(job.jtis);
      } catch (e) {
        throw new StoreError(
          `the task store failed to look up ${job.jtis.length} task(s) for the DAG rules (step 15): ${messageOf(e)}; the token was not accepted`,
          e,
        );
      }
      if (!Array.isArray(got))
        throw new StoreError(
          `the task store's tasks() resolved to ${got === null ? 'null' : typeof got}, not an array of task records; the token was not accepted`,
          got,
        );
      return got as readonly TaskRecord[];
    }
    case 'seen':
    case 'record':
      try {
        const replay = opts.replay!;
        return job.kind === 'seen'
          ? Boolean(await replay.has!(job.jti, job.now))
          : (await replay.checkAndRecord(job.jti, job.until, job.now)) === true;
      } catch (e) {
        throw new StoreError(
          `the replay store failed (step 14): ${messageOf(e)}; the token was not accepted`,
          e,
        );
      }
    case 'append':
      try {
        return await opts.ledger!.append(job.token, job.payload, { now: job.now });
      } catch (e) {
        throw new StoreError(
          `the ledger failed to append the token (step 16): ${messageOf(e)}; it was not accepted (its jti is recorded for replay)`,
          e,
        );
      }
  }
}

const clock = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

/** Calls the hook, which must not change the outcome. */
function notify(opts: VerifyOptions, event: VerifyEvent): void {
  try {
    opts.onVerify?.(event);
  } catch {
    // an observability hook that throws is the hook's problem, not the token's
  }
}

/**
 * Verifies one token (ECT-PROFILE.md section 4): the sixteen steps, with the replay store, the
 * DAG store and the ledger when given. Never throws for a bad token: the report says what is
 * wrong. Throws an `OptionsError` for unusable options, a `TrustStoreError` for a bad trust
 * document, and a `StoreError` when a store or the ledger fails (the token is then not accepted).
 */
export async function verifyToken(input: string, opts: VerifyOptions): Promise<VerificationReport> {
  const started = clock();
  const plan = planOf(opts);
  try {
    const run = verification(input, plan);
    let next = run.next();
    while (!next.done) next = run.next(await answer(next.value, opts));
    const report = next.value;
    if (opts.onVerify)
      notify(opts, {
        jti: report.jti,
        valid: report.valid,
        code: report.code,
        report,
        durationMs: clock() - started,
      });
    return report;
  } catch (error) {
    if (opts.onVerify) {
      const d = decodeToken(input);
      const jti = d.ok ? str(d.decoded.payload.jti) : undefined;
      notify(opts, { jti: jti ?? null, valid: false, code: null, error, durationMs: clock() - started });
    }
    throw error;
  }
}

/** Tokens per round of verifyTokens: enough to keep each pass in cache, few enough to keep it there. */
const BATCH = 500;

/**
 * Whether WebCrypto checks signatures on a thread of its own, the promise settling later (Node's
 * thread pool). Chromium checks them within the call itself.
 */
const OFF_THREAD_CRYPTO =
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

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
    return { run, step: run.next() };
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
    round.forEach(({ run, step }, k) => {
      let last = step;
      if (!last.done) last = run.next(outcomes[k]!);
      // Nothing else to wait for without a ledger: a stateless run ends after its signature.
      if (!last.done) throw new Error('verifyTokens: unexpected step');
      reports.push(last.value);
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
  const run = verification(input, planOf({ trust, settings, audience, now, mode: 'stored' }));
  let next = run.next();
  while (!next.done) {
    if (next.value.kind !== 'signature' || !outcome)
      throw new Error('verifyStoredWith: the signature outcome does not match the token');
    next = run.next(outcome);
  }
  return next.value;
}

/** Step 7's outcome in a report: the key that verified, the failure, or null when it did not run. */
export function signatureOutcomeOf(report: VerificationReport): SignatureOutcome | null {
  if (report.key) return { ok: true, kid: report.key.kid, issuer: report.key.issuer };
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

/**
 * The sixteen steps. A generator, so that one text of the procedure serves both the asynchronous
 * verifier (which resolves keys, checks signatures, reads the stores and appends) and the
 * synchronous one of verifyStoredWith: it yields what it waits for and is resumed with the answer.
 */
function* verification(input: string, plan: Plan): Generator<Pending, VerificationReport, Answer> {
  const { settings, now, stored } = plan;
  const steps = STEPS.map((info): StepReport => ({
    n: info.n,
    id: info.id,
    title: info.title,
    codes: info.codes,
    profileSection: info.profileSection,
    draftSection: info.draftSection,
    status: 'skip',
    problems: NO_PROBLEMS,
  }));
  const at = (id: StepId) => steps[STEP_BY_ID[id].n - 1]!;
  const pass = (id: StepId, note?: string) => {
    const s = at(id);
    s.status = 'pass';
    if (note) s.note = note;
  };
  const skip = (id: StepId, note: string) => {
    at(id).note = note;
  };
  const fail = (id: StepId, problems: Problem[]) => {
    const s = at(id);
    s.status = 'fail';
    s.problems = s.problems === NO_PROBLEMS ? [...problems] : [...s.problems, ...problems];
  };
  const check = (id: StepId, problems: Problem[], note?: string) =>
    problems.length ? fail(id, problems) : pass(id, note);

  const report: VerificationReport = {
    token: input.trim(),
    valid: false,
    code: null,
    codes: [],
    level: null,
    version: null,
    header: null,
    payload: null,
    jti: null,
    steps,
    warnings: [],
  };
  const finish = (): VerificationReport => {
    for (const s of steps)
      for (const p of s.problems) if (!report.codes.includes(p.code)) report.codes.push(p.code);
    report.code = steps.find((s) => s.status === 'fail')?.problems[0]?.code ?? null;
    report.valid = report.code === null;
    return report;
  };

  // 1. decode
  const decoded = decodeToken(input);
  if (!decoded.ok) {
    fail('decode', [decoded.problem]);
    report.decodeProblem = decoded.problem;
    for (const s of steps.slice(1)) s.note = 'not run: the token could not be decoded';
    return finish();
  }
  const d = decoded.decoded;
  const payload = d.payload;
  Object.assign(report, {
    level: d.level,
    version: d.version,
    header: d.header,
    payload,
    jti: str(payload.jti) ?? null,
  });
  pass(
    'decode',
    d.level === 'L1' ? 'L1: base64url JSON claims, no signature' : 'L2: JWS compact serialization',
  );

  // 2. level (L3 is not in the token: it takes a ledger that signs receipts)
  const minLevel = settings.minLevel;
  if (LEVEL_RANK[d.level] < LEVEL_RANK[minLevel === 'L3' ? 'L2' : minLevel]) {
    fail('level', [
      {
        code: 'level_below_minimum',
        message: `this is an ${d.level} token (unsigned claims) but the verifier requires at least ${minLevel}; an L1 token may be a signed token stripped of its signature`,
      },
    ]);
  } else if (minLevel === 'L3' && !stored && !plan.ledger?.signsReceipts) {
    fail('level', [
      {
        code: 'level_below_minimum',
        message:
          'the verifier requires L3, but it has no ledger that signs receipts, so no token can reach L3 here',
      },
    ]);
  } else pass('level', `${d.level} meets the minimum ${minLevel}`);

  // 3-7: the JOSE header and signature, for JWS only
  let key: readonly KeyCandidate[] = [];
  if (d.level === 'L1') {
    for (const id of ['typ', 'alg', 'crit', 'key', 'signature'] as const)
      skip(id, 'L1 has no header and no signature');
  } else {
    const h = d.header;
    const typ = h.typ;
    check(
      'typ',
      typeof typ === 'string' && TYP_RE.test(typ)
        ? []
        : [
            {
              code: 'invalid_typ',
              claim: 'typ',
              message:
                typ === undefined
                  ? 'the header has no "typ"; an ECT carries typ "exec+jwt" (-01) or "wimse-exec+jwt" (-00)'
                  : `header typ ${quote(typ)} is not "exec+jwt" (-01) or "wimse-exec+jwt" (-00)`,
            },
          ],
      `typ ${quote(typ)}`,
    );

    const alg = h.alg as string; // decode guarantees a string
    const algAllowed = !isForbiddenAlg(alg) && settings.allowedAlgs.includes(alg);
    check(
      'alg',
      algAllowed
        ? []
        : [
            {
              code: 'alg_not_allowed',
              claim: 'alg',
              message: isForbiddenAlg(alg)
                ? `alg ${quote(alg)} is always refused: ECTs need an asymmetric signature that third parties can check`
                : `alg ${quote(alg)} is not in the allow-list [${settings.allowedAlgs.join(', ')}]`,
            },
          ],
      `${alg} is allowed`,
    );

    const critProblems: Problem[] =
      'crit' in h
        ? [
            {
              code: 'crit_unsupported',
              claim: 'crit',
              message: `the header marks ${quote(h.crit)} as critical; this verifier understands no critical extension`,
            },
          ]
        : [];
    check('crit', critProblems, 'no crit header');

    for (const name of ['jwk', 'jku', 'x5u', 'x5c'] as const) {
      if (name in h)
        report.warnings.push(
          `the header carries "${name}"; embedded key material is ignored, keys come only from the ${plan.trust ? 'trust store' : 'key resolver'}`,
        );
    }

    if (plan.trust) {
      const resolution = resolveKey(plan.trust, payload.iss, h.kid);
      if (resolution.ok) {
        key = resolution.candidates;
        if (resolution.warning) report.warnings.push(resolution.warning);
        pass('key', `kid ${quote(h.kid)}${key[0]!.issuer ? ` bound to ${key[0]!.issuer}` : ''}`);
      } else fail('key', [resolution.problem]);
    } else if (typeof h.kid !== 'string' || !h.kid) {
      fail('key', [
        {
          code: 'unknown_key',
          claim: 'kid',
          message:
            h.kid === undefined
              ? 'the JWS header has no "kid", so no key can be resolved'
              : `the header "kid" must be a non-empty string, got ${quote(h.kid)}`,
        },
      ]);
    } else {
      const iss = str(payload.iss);
      const resolved = (yield { kind: 'key', kid: h.kid, iss }) as ResolverOutcome;
      if (resolved.ok) {
        key = [resolved.candidate];
        pass('key', `kid ${quote(h.kid)} from the key resolver${iss === undefined ? '' : ` for ${iss}`}`);
      } else fail('key', [resolved.problem]);
    }

    if (!key.length) skip('signature', 'no trusted key to check the signature with');
    else if (!algAllowed) skip('signature', `not checked: alg ${quote(alg)} is not allowed`);
    else {
      const result = (yield {
        kind: 'signature',
        token: d.token,
        parts: d.parts,
        alg,
        candidates: key,
        crit: Array.isArray(h.crit) ? h.crit : [],
      }) as SignatureOutcome;
      if (result.ok) {
        report.key = { kid: result.kid, issuer: result.issuer };
        pass('signature', `verified with kid ${quote(result.kid)}`);
      } else fail('signature', [{ code: 'invalid_signature', message: result.message }]);
    }
  }

  // 8-10: claims
  check('claims', checkClaims(payload, settings), 'all required claims present and well-formed');
  check('ext', checkExt(payload, settings), 'within size and depth limits');
  check('pred_count', checkPredCount(payload, settings), 'within the limit');

  if (stored) {
    for (const id of ['audience', 'exp', 'iat', 'replay', 'dag', 'append'] as const) {
      skip(id, 'not applied to a stored token (checked at arrival)');
    }
    return finish();
  }

  // 11. audience
  const audience = plan.audience;
  if (!audience) skip('audience', 'the verifier has no id of its own (an auditor)');
  else {
    const aud = payload.aud;
    const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    check(
      'audience',
      list.includes(audience)
        ? []
        : [
            {
              code: 'audience_mismatch',
              claim: 'aud',
              message: `this verifier (${audience}) is not in aud ${quote(aud)}`,
            },
          ],
      `${audience} is in aud`,
    );
  }

  // 12-13: time
  const exp = int(payload.exp);
  const iat = int(payload.iat);
  const skew = settings.clockSkew;
  if (exp === undefined) skip('exp', 'no usable exp (see step 8)');
  else {
    check(
      'exp',
      now > exp + skew
        ? [
            {
              code: 'expired',
              claim: 'exp',
              message: `expired ${now - exp} s ago (at ${exp}; allowed skew ${skew} s)`,
            },
          ]
        : [],
      `expires in ${exp - now} s`,
    );
  }
  if (iat === undefined) skip('iat', 'no usable iat (see step 8)');
  else {
    const problems: Problem[] = [];
    if (iat > now + skew) {
      problems.push({
        code: 'iat_in_future',
        claim: 'iat',
        message: `issued ${iat - now} s in the future (allowed skew ${skew} s)`,
      });
    } else if (now - iat > settings.iatMaxAge) {
      problems.push({
        code: 'iat_too_old',
        claim: 'iat',
        message: `issued ${now - iat} s ago; the verifier accepts tokens at most ${settings.iatMaxAge} s old (iatMaxAge)`,
      });
    }
    check('iat', problems, `issued ${now - iat} s ago`);
  }

  // 14. replay: reported here, checked (and recorded) after step 15, once every other step has
  // passed, so that an invalid token never consumes its jti.
  const jti = str(payload.jti);
  const replay = settings.replayCache ? plan.replay : null;

  // 15. DAG rules
  const task = taskRecord(payload);
  if (!plan.store) skip('dag', 'no store of accepted tasks');
  else if (!task) skip('dag', 'no usable jti (see step 8)');
  else if (at('pred_count').status === 'fail')
    skip('dag', 'not run: too many predecessors to look up (see step 10)');
  else {
    // The rules' walk asks for the tasks it needs one depth level at a time: each is one yield.
    const rules = arrivalRules(task, settings);
    let step = rules.next();
    while (!step.done)
      step = rules.next((yield { kind: 'tasks', jtis: step.value }) as readonly TaskRecord[]);
    check('dag', step.value, `${task.pred.length} predecessor(s) found and consistent`);
  }

  // 14, checked now.
  const replayed = (): Problem[] => [
    {
      code: 'replay',
      claim: 'jti',
      message: `jti ${jti} was already accepted by this verifier within its lifetime (replay is checked on the jti alone, whatever the wid)`,
    },
  ];
  const invalid = steps.some((s) => s.status === 'fail');
  if (!replay) skip('replay', 'no replay cache');
  else if (!jti) skip('replay', 'no usable jti (see step 8)');
  else if (exp === undefined) skip('replay', 'no usable exp (see step 8)');
  else if (invalid) {
    if (!replay.has) skip('replay', 'not checked: the token is invalid, so its jti is not recorded');
    else if ((yield { kind: 'seen', jti, now }) as boolean) fail('replay', replayed());
    else pass('replay', 'jti not seen before (not recorded: the token is invalid)');
  } else if ((yield { kind: 'record', jti, until: exp + skew, now }) as boolean)
    pass('replay', 'jti not seen before; recorded');
  else fail('replay', replayed());

  // 16. append
  const failed = steps.some((s) => s.status === 'fail');
  if (failed) skip('append', 'not appended: the token is invalid');
  else if (plan.ledger) {
    report.entry = (yield { kind: 'append', token: report.token, payload, now: now * 1000 }) as LedgerEntry;
    if (report.entry.receipt) report.level = 'L3';
    pass(
      'append',
      `appended as entry ${report.entry.seq}${report.entry.receipt ? ' with a signed receipt (L3)' : ''}`,
    );
  } else pass('append', 'no ledger');
  return finish();
}

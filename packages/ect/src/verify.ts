/**
 * The verification procedure of ECT-PROFILE.md section 4: sixteen steps in
 * order. The first failing step gives the primary code; later steps still run
 * where they can, so a report lists every problem. Never throws for bad input.
 */
import { quote } from './text.ts';
import { compactVerify, errors as joseErrors, type CryptoKey } from 'jose';
import type { LedgerEntry } from './chain.ts';
import { decodeBase64Url } from './base64url.ts';
import { checkClaims, checkExt, checkPredCount, int, str } from './claims.ts';
import type { ErrorCode, Problem } from './codes.ts';
import { checkArrival, taskRecord, type TaskIndex } from './dag.ts';
import { decodeToken, type DecodeProblem, type JsonObject } from './decode.ts';
import { importedKey, importTrustedKey } from './keys.ts';
import type { Ledger } from './ledger.ts';
import { ReplayCache } from './replay.ts';
import {
  DEFAULT_SETTINGS,
  isForbiddenAlg,
  LEVEL_RANK,
  type Level,
  type Settings,
  type Version,
} from './settings.ts';
import { STEP_BY_ID, STEPS, type StepId, type StepInfo } from './steps.ts';
import { resolveKey, type TrustedKey, type TrustStore } from './trust.ts';

export type StepStatus = 'pass' | 'fail' | 'skip';

export interface StepReport extends StepInfo {
  status: StepStatus;
  problems: Problem[];
  /** What passed, or why the step was skipped. */
  note?: string;
}

export interface VerifyOptions {
  trust: TrustStore;
  settings?: Settings;
  /** The verifier's own id, looked for in `aud` (step 11); none for an auditor. */
  audience?: string | null;
  /** The verifier's clock, Unix seconds; defaults to the real clock. */
  now?: number;
  /** Accepted tasks for the DAG rules (step 15); defaults to the ledger's index. */
  index?: TaskIndex;
  replay?: ReplayCache;
  /** Valid tokens are appended here (step 16). */
  ledger?: Ledger;
  /**
   * 'arrival' (default) runs every step; 'stored' runs steps 1-10 only, for a
   * token already in a ledger: an old ledger is not "expired" (section 7).
   */
  mode?: 'arrival' | 'stored';
}

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

/**
 * Step 7's outcome: the trusted key whose signature check passed, or why none did. What a worker
 * sends back instead of a whole report (see verifyStoredWith).
 */
export type SignatureOutcome =
  { ok: true; kid: string; issuer: string | null } | { ok: false; message: string };

/** What the steps wait for: a signature check (step 7) or an append (step 16). */
type Pending =
  | {
      kind: 'signature';
      token: string;
      parts: readonly [string, string, string];
      alg: string;
      candidates: TrustedKey[];
      crit: unknown[];
    }
  | { kind: 'append'; token: string; payload: JsonObject; now: number };

export async function verifyToken(input: string, opts: VerifyOptions): Promise<VerificationReport> {
  const run = verification(input, opts);
  let next = run.next();
  while (!next.done) {
    const job = next.value;
    next =
      job.kind === 'signature'
        ? run.next(await checkSignature(job.token, job.parts, job.alg, job.candidates, job.crit))
        : run.next(await opts.ledger!.append(job.token, job.payload, { now: job.now }));
  }
  return next.value;
}

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
 * is checked on another thread, the next tokens are decoded while it runs. With a replay cache, a ledger or a task index (steps
 * that depend on the tokens before), this is verifyToken one token at a time. The clock (when
 * `now` is not given) is read once for the whole set. `onProgress` is called after each round.
 */
export async function verifyTokens(
  inputs: readonly string[],
  opts: VerifyOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<VerificationReport[]> {
  const reports: VerificationReport[] = [];
  const stateless = opts.mode === 'stored' || (!opts.replay && !opts.ledger && !opts.index);
  if (!stateless) {
    for (const input of inputs) reports.push(await verifyToken(input, opts));
    onProgress?.(inputs.length, inputs.length);
    return reports;
  }
  const withNow = { ...opts, now: opts.now ?? Math.floor(Date.now() / 1000) };
  const begin = (input: string) => {
    const run = verification(input, withNow);
    return { input, run, step: run.next() };
  };
  let round = inputs.slice(0, BATCH).map(begin);
  for (let start = 0; start < inputs.length; start += BATCH) {
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
      reports.push(last.value.valid ? withLazySteps(last.value, input, withNow) : last.value);
    });
    onProgress?.(reports.length, inputs.length);
    round = next;
  }
  return reports;
}

/**
 * A valid report of a stateless run, its steps made again (synchronously, the same way) when first
 * read. The sixteen step objects are most of a report's memory, and kept for every token of a set
 * they outlive the young generation (issue 17).
 */
function withLazySteps(report: VerificationReport, input: string, opts: VerifyOptions): VerificationReport {
  const outcome = signatureOutcomeOf(report);
  let steps: StepReport[] | undefined;
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
      return (steps ??= completed(verification(input, opts), outcome).steps);
    },
    ...(key ? { key } : {}),
    warnings,
  };
}

/** Runs a verification whose only wait is the signature check, with that check's outcome. */
function completed(
  run: Generator<Pending, VerificationReport, SignatureOutcome | LedgerEntry>,
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
 * Steps 1-10 ('stored' mode) with the outcome of step 7 already known, because it was checked
 * elsewhere (a worker, with the same trust store and settings): synchronous and no crypto. The
 * report is the one verifyToken would make. `outcome` is trusted as given: pass only what this
 * workbench's own verification computed for this very token (`signatureOutcomeOf`); null when
 * the signature check did not run there.
 */
export function verifyStoredWith(
  input: string,
  opts: Omit<VerifyOptions, 'mode' | 'ledger' | 'replay' | 'index'>,
  outcome: SignatureOutcome | null,
): VerificationReport {
  return completed(verification(input, { ...opts, mode: 'stored' }), outcome);
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
  opts: Omit<VerifyOptions, 'mode' | 'ledger' | 'replay' | 'index'>,
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
 * verifier (which checks signatures and appends) and the synchronous one of verifyStoredWith: it
 * yields what it waits for and is resumed with the answer.
 */
function* verification(
  input: string,
  opts: VerifyOptions,
): Generator<Pending, VerificationReport, SignatureOutcome | LedgerEntry> {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const stored = opts.mode === 'stored';
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
  } else if (minLevel === 'L3' && !stored && !opts.ledger?.signsReceipts) {
    fail('level', [
      {
        code: 'level_below_minimum',
        message:
          'the verifier requires L3, but it has no ledger that signs receipts, so no token can reach L3 here',
      },
    ]);
  } else pass('level', `${d.level} meets the minimum ${minLevel}`);

  // 3-7: the JOSE header and signature, for JWS only
  let key: TrustedKey[] = [];
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
          `the header carries "${name}"; embedded key material is ignored, keys come only from the trust store`,
        );
    }

    const resolution = resolveKey(opts.trust, payload.iss, h.kid);
    if (resolution.ok) {
      key = resolution.candidates;
      if (resolution.warning) report.warnings.push(resolution.warning);
      if (resolution.capped) report.warnings.push(resolution.capped);
      pass('key', `kid ${quote(h.kid)}${key[0]!.issuer ? ` bound to ${key[0]!.issuer}` : ''}`);
    } else fail('key', [resolution.problem]);

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
  if (!opts.audience) skip('audience', 'the verifier has no id of its own (an auditor)');
  else {
    const aud = payload.aud;
    const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    check(
      'audience',
      list.includes(opts.audience)
        ? []
        : [
            {
              code: 'audience_mismatch',
              claim: 'aud',
              message: `this verifier (${opts.audience}) is not in aud ${quote(aud)}`,
            },
          ],
      `${opts.audience} is in aud`,
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

  // 14. replay
  // Keyed on jti alone (section 4): another wid does not make a reused jti new.
  const jti = str(payload.jti);
  if (!settings.replayCache || !opts.replay) skip('replay', 'no replay cache');
  else if (!jti) skip('replay', 'no usable jti (see step 8)');
  else {
    check(
      'replay',
      opts.replay.has(jti, now)
        ? [
            {
              code: 'replay',
              claim: 'jti',
              message: `jti ${jti} was already accepted by this verifier within its lifetime (replay is checked on the jti alone, whatever the wid)`,
            },
          ]
        : [],
      'jti not seen before',
    );
  }

  // 15. DAG rules
  const index = opts.index ?? opts.ledger?.index;
  const task = taskRecord(payload);
  if (!index) skip('dag', 'no store of accepted tasks');
  else if (!task) skip('dag', 'no usable jti (see step 8)');
  else if (at('pred_count').status === 'fail')
    skip('dag', 'not run: too many predecessors to look up (see step 10)');
  else
    check(
      'dag',
      checkArrival(task, index, settings),
      `${task.pred.length} predecessor(s) found and consistent`,
    );

  // 16. append and record
  const failed = steps.some((s) => s.status === 'fail');
  if (failed) skip('append', 'not appended: the token is invalid');
  else {
    if (opts.replay && jti && exp !== undefined) opts.replay.record(jti, exp + skew);
    if (opts.ledger) {
      report.entry = (yield { kind: 'append', token: report.token, payload, now: now * 1000 }) as LedgerEntry;
      if (report.entry.receipt) report.level = 'L3';
      pass(
        'append',
        `appended as entry ${report.entry.seq}${report.entry.receipt ? ' with a signed receipt (L3)' : ''}`,
      );
    } else pass('append', opts.replay ? 'recorded for replay; no ledger' : 'no ledger');
  }
  return finish();
}

/** WebCrypto parameters for the ECDSA algorithms, whose JWS signature (r || s) WebCrypto takes as it is. */
const ECDSA: Readonly<Record<string, { name: 'ECDSA'; hash: string }>> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  ES512: { name: 'ECDSA', hash: 'SHA-512' },
};

const asciiEncoder = new TextEncoder();

/** The JWS signing input `header.payload` as bytes: both parts are base64url (ASCII), checked at step 1. */
function asciiBytes(header: string, payload: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(header.length + 1 + payload.length);
  asciiEncoder.encodeInto(`${header}.${payload}`, bytes);
  return bytes;
}

const mismatch = (kid: string) =>
  `the signature does not verify under trusted key ${quote(kid)}: the token was changed after signing, or signed by another key`;

const unusable = (kid: string, alg: string, e: unknown) =>
  `trusted key ${quote(kid)} cannot be used with ${alg}: ${e instanceof Error ? e.message : String(e)}`;

function checkSignature(
  token: string,
  parts: readonly [string, string, string],
  alg: string,
  candidates: TrustedKey[],
  crit: unknown[],
): Promise<SignatureOutcome> {
  // The common case, kept lean: one trusted key, already imported, an ECDSA signature.
  const ecdsa = ECDSA[alg];
  const only = candidates.length === 1 ? candidates[0]! : undefined;
  const key = ecdsa && only ? importedKey(only, alg) : undefined;
  if (ecdsa && only && key) {
    const signature = decodeBase64Url(parts[2]) as Uint8Array<ArrayBuffer>;
    return crypto.subtle.verify(ecdsa, key, signature, asciiBytes(parts[0], parts[1])).then(
      (ok): SignatureOutcome =>
        ok ? { ok: true, kid: only.kid, issuer: only.issuer } : { ok: false, message: mismatch(only.kid) },
      (e: unknown): SignatureOutcome => ({ ok: false, message: unusable(only.kid, alg, e) }),
    );
  }
  return checkSignatureWithAnyKey(token, parts, alg, candidates, crit);
}

async function checkSignatureWithAnyKey(
  token: string,
  parts: readonly [string, string, string],
  alg: string,
  candidates: TrustedKey[],
  crit: unknown[],
): Promise<SignatureOutcome> {
  let last = 'the signature does not verify under the trusted key';
  // The header and payload are already decoded and checked strictly (step 1), so ECDSA goes
  // straight to WebCrypto instead of through jose's second parse: verification is the hot path.
  const ecdsa = ECDSA[alg];
  const signingInput = ecdsa ? asciiBytes(parts[0], parts[1]) : undefined;
  const signature = ecdsa ? decodeBase64Url(parts[2]) : undefined;
  // crit was judged at step 5; tell jose the names are known so it still checks the signature.
  const critOption = () =>
    Object.fromEntries(crit.filter((c): c is string => typeof c === 'string').map((c) => [c, false]));
  for (const candidate of candidates) {
    let cryptoKey: CryptoKey;
    try {
      cryptoKey = importedKey(candidate, alg) ?? (await importTrustedKey(candidate, alg));
    } catch (e) {
      last = unusable(candidate.kid, alg, e);
      continue;
    }
    if (ecdsa && signingInput && signature) {
      let ok: boolean;
      try {
        ok = await crypto.subtle.verify(ecdsa, cryptoKey, signature as Uint8Array<ArrayBuffer>, signingInput);
      } catch (e) {
        last = unusable(candidate.kid, alg, e);
        continue;
      }
      if (ok) return { ok: true, kid: candidate.kid, issuer: candidate.issuer };
      last = mismatch(candidate.kid);
      continue;
    }
    try {
      await compactVerify(token, cryptoKey, { algorithms: [alg], crit: critOption() });
      return { ok: true, kid: candidate.kid, issuer: candidate.issuer };
    } catch (e) {
      last =
        e instanceof joseErrors.JWSSignatureVerificationFailed
          ? mismatch(candidate.kid)
          : `the signature could not be checked: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return { ok: false, message: last };
}

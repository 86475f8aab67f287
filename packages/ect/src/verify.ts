/**
 * The verification procedure of ECT-PROFILE.md section 4: sixteen steps in
 * order. The first failing step gives the primary code; later steps still run
 * where they can, so a report lists every problem. Never throws for bad input.
 */
import { quote } from './text.ts';
import type { LedgerEntry } from './chain.ts';
import { checkClaims, checkExt, checkPredCount, int, str } from './claims.ts';
import type { Problem } from './codes.ts';
import { arrivalRules, MemoryTaskStore, taskRecord, type TaskRecord } from './dag.ts';
import { decodeToken } from './decode.ts';
import { MemoryLedger } from './ledger.ts';
import type { StepReport, VerificationReport, VerifyEvent, VerifyOptions } from './report.ts';
import type { ResolverOutcome } from './resolver.ts';
import { isForbiddenAlg, LEVEL_RANK } from './settings.ts';
import type { KeyCandidate, SignatureOutcome } from './signature.ts';
import { STEP_IDS, type StepId } from './steps.ts';
import { answer, type Answer, type Pending } from './verify-answer.ts';
import { planOf, type Plan } from './verify-plan.ts';
import { NO_PROBLEMS, StepLog, type Note } from './verify-steps.ts';
import { resolveKey } from './trust.ts';

/** The steps of a report whose steps are made later (a set's valid report, until withLazySteps). */
const NO_STEPS = Object.freeze([]) as unknown as StepReport[];

const TYP_RE = /^(application\/)?(exec\+jwt|wimse-exec\+jwt)$/i;

export const clock = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

/** Calls the hook, which must not change the outcome. */
export function notify(opts: VerifyOptions, event: VerifyEvent): void {
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
    // The in-memory stores answer the DAG walk at once, without a turn of the event loop per level.
    const store = opts.store ?? opts.ledger;
    const memory = store instanceof MemoryTaskStore || store instanceof MemoryLedger ? store : null;
    let next = run.next();
    while (!next.done) {
      const job = next.value;
      next = run.next(memory && job.kind === 'tasks' ? memory.tasksNow(job.jtis) : await answer(job, opts));
    }
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

/**
 * The sixteen steps. A generator, so that one text of the procedure serves both the asynchronous
 * verifier (which resolves keys, checks signatures, reads the stores and appends) and the
 * synchronous one of verifyStoredWith: it yields what it waits for and is resumed with the answer.
 */
export function* verification(input: string, plan: Plan): Generator<Pending, VerificationReport, Answer> {
  const { settings, now, stored } = plan;
  const log = new StepLog();
  // A note that takes work to write is a function, called only if the steps are made (not for a
  // set's valid token: issue 17).
  const pass = (id: StepId, note?: Note) => log.pass(id, note);
  const skip = (id: StepId, note: string) => log.skip(id, note);
  const fail = (id: StepId, problems: Problem[]) => log.fail(id, problems);
  const check = (id: StepId, problems: Problem[], note?: Note) =>
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
    steps: NO_STEPS,
    warnings: [],
  };
  const finish = (): VerificationReport => {
    const { codes, code } = log.codes();
    report.codes = codes;
    report.code = code;
    report.valid = code === null;
    // A set's valid reports make their steps when first read (verify-set.ts: withLazySteps).
    if (!(plan.lazySteps && report.valid)) report.steps = log.steps();
    return report;
  };

  // 1. decode
  const decoded = decodeToken(input);
  if (!decoded.ok) {
    fail('decode', [decoded.problem]);
    report.decodeProblem = decoded.problem;
    for (const id of STEP_IDS.slice(1)) skip(id, 'not run: the token could not be decoded');
    return finish();
  }
  const d = decoded.decoded;
  const payload = d.payload;
  report.level = d.level;
  report.version = d.version;
  report.header = d.header;
  report.payload = payload;
  report.jti = str(payload.jti) ?? null;
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
  } else pass('level', () => `${d.level} meets the minimum ${minLevel}`);

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
        ? NO_PROBLEMS
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
      () => `typ ${quote(typ)}`,
    );

    const alg = h.alg as string; // decode guarantees a string
    const algAllowed = !isForbiddenAlg(alg) && settings.allowedAlgs.includes(alg);
    check(
      'alg',
      algAllowed
        ? NO_PROBLEMS
        : [
            {
              code: 'alg_not_allowed',
              claim: 'alg',
              message: isForbiddenAlg(alg)
                ? `alg ${quote(alg)} is always refused: ECTs need an asymmetric signature that third parties can check`
                : `alg ${quote(alg)} is not in the allow-list [${settings.allowedAlgs.join(', ')}]`,
            },
          ],
      () => `${alg} is allowed`,
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
        : NO_PROBLEMS;
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
        if (resolution.capped) report.warnings.push(resolution.capped);
        pass('key', () => `kid ${quote(h.kid)}${key[0]!.issuer ? ` bound to ${key[0]!.issuer}` : ''}`);
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
        pass(
          'key',
          () => `kid ${quote(h.kid)} from the key resolver${iss === undefined ? '' : ` for ${iss}`}`,
        );
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
        pass('signature', () => `verified with kid ${quote(result.kid)}`);
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
        ? NO_PROBLEMS
        : [
            {
              code: 'audience_mismatch',
              claim: 'aud',
              message: `this verifier (${audience}) is not in aud ${quote(aud)}`,
            },
          ],
      () => `${audience} is in aud`,
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
        : NO_PROBLEMS,
      () => `expires in ${exp - now} s`,
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
    check('iat', problems, () => `issued ${now - iat} s ago`);
  }

  // 14. replay: reported here, checked (and recorded) after step 15, once every other step has
  // passed, so that an invalid token never consumes its jti.
  const jti = str(payload.jti);
  const replay = settings.replayCache ? plan.replay : null;

  // 15. DAG rules (the task record only where there is a store to check it against)
  const task = plan.store ? taskRecord(payload) : null;
  if (!plan.store) skip('dag', 'no store of accepted tasks');
  else if (!task) skip('dag', 'no usable jti (see step 8)');
  else if (log.failedAt('pred_count')) skip('dag', 'not run: too many predecessors to look up (see step 10)');
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
  const invalid = log.anyFailed;
  /** The jti this verification recorded: released again if the append then writes nothing. */
  let recorded: string | null = null;
  if (!replay) skip('replay', 'no replay cache');
  else if (!jti) skip('replay', 'no usable jti (see step 8)');
  else if (exp === undefined) skip('replay', 'no usable exp (see step 8)');
  else if (invalid) {
    if (!replay.has) skip('replay', 'not checked: the token is invalid, so its jti is not recorded');
    else if ((yield { kind: 'seen', jti, now }) as boolean) fail('replay', replayed());
    else pass('replay', 'jti not seen before (not recorded: the token is invalid)');
  } else if ((yield { kind: 'record', jti, until: exp + skew, now }) as boolean) {
    recorded = jti;
    pass('replay', 'jti not seen before; recorded');
  } else fail('replay', replayed());

  // 16. append
  if (log.anyFailed) skip('append', 'not appended: the token is invalid');
  else if (plan.ledger) {
    report.entry = (yield {
      kind: 'append',
      token: report.token,
      payload,
      now: now * 1000,
      recorded,
    }) as LedgerEntry;
    if (report.entry.receipt) report.level = 'L3';
    pass(
      'append',
      `appended as entry ${report.entry.seq}${report.entry.receipt ? ' with a signed receipt (L3)' : ''}`,
    );
  } else pass('append', 'no ledger');
  return finish();
}

/**
 * The ECT claims (ECT-PROFILE.md sections 1 and 3): version detection,
 * accessors that hide the -00/-01 names, and the claim checks of
 * verification steps 8 (claims), 9 (extension limits) and 10 (predecessors).
 */
import type { Problem } from './codes.ts';
import { quote } from './text.ts';
import type { Settings, Version } from './settings.ts';

/** A UUID (any version), as `jti` and `wid` must be when `requireUuid` is on. */
export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SHA256_B64URL_RE = /^[A-Za-z0-9_-]{43}$/;
/** The values `pol_decision` may take. */
export const POLICY_DECISIONS = ['approved', 'rejected', 'pending_human_review'] as const;
/** A `pol_decision` value. */
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The claim names of each version. */
export const CLAIM_NAMES: Readonly<Record<Version, { pred: 'pred' | 'par'; ext: 'ect_ext' | 'ext' }>> = {
  '00': { pred: 'par', ext: 'ext' },
  '01': { pred: 'pred', ext: 'ect_ext' },
};

/** What detectVersion found in a payload. */
export interface VersionDetection {
  version: Version | null;
  /** Set when the payload mixes -00 and -01 claims. */
  conflict?: string;
}

/** The answers of detectVersion without a conflict: shared, as every token of a set asks (issue 17). */
const VERSION_00: VersionDetection = Object.freeze({ version: '00' });
const VERSION_01: VersionDetection = Object.freeze({ version: '01' });
const VERSION_NONE: VersionDetection = Object.freeze({ version: null });

/**
 * -00 when the payload has `par`, `ext`, or top-level `pol`/`pol_decision`;
 * -01 when it has `pred` or `ect_ext`; both at once is a conflict; neither is
 * null (the checks then treat it as -01, the current version).
 */
export function detectVersion(payload: Record<string, unknown>): VersionDetection {
  const anyOld =
    has(payload, 'par') || has(payload, 'ext') || has(payload, 'pol') || has(payload, 'pol_decision');
  const anyCur = has(payload, 'pred') || has(payload, 'ect_ext');
  if (!anyOld) return anyCur ? VERSION_01 : VERSION_NONE;
  if (!anyCur) return VERSION_00;
  const old = ['par', 'ext', 'pol', 'pol_decision'].filter((k) => has(payload, k));
  const cur = ['pred', 'ect_ext'].filter((k) => has(payload, k));
  return {
    version: null,
    conflict: `the payload mixes -00 claims (${old.join(', ')}) with -01 claims (${cur.join(', ')}); use one version's names`,
  };
}

/** Predecessor ids, whatever the version; [] when absent or not a string array. */
export function predOf(payload: Record<string, unknown>): string[] {
  const v = has(payload, 'pred') ? payload.pred : payload.par;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function extOf(payload: Record<string, unknown>): Record<string, unknown> | undefined {
  const v = has(payload, 'ect_ext') ? payload.ect_ext : payload.ext;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The policy decision: top level in -00, inside `ect_ext` in -01. */
export function policyOf(payload: Record<string, unknown>): { pol?: unknown; decision?: unknown } {
  if (has(payload, 'pol') || has(payload, 'pol_decision'))
    return { pol: payload.pol, decision: payload.pol_decision };
  const ext = extOf(payload);
  if (ext && (has(ext, 'pol') || has(ext, 'pol_decision')))
    return { pol: ext.pol, decision: ext.pol_decision };
  return {};
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;

const describe = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${quote(v, 60)}`;
};

/** Step 8: required claims present, with the right types and formats. */
export function checkClaims(payload: Record<string, unknown>, settings: Settings): Problem[] {
  const problems: Problem[] = [];
  const missing = (claim: string, why: string) =>
    problems.push({ code: 'missing_claim', claim, message: `"${claim}" is required: ${why}` });
  const invalid = (claim: string, message: string) =>
    problems.push({ code: 'invalid_claim', claim, message });

  const detected = detectVersion(payload);
  if (detected.conflict) invalid(has(payload, 'par') ? 'par' : 'ext', detected.conflict);
  const names = CLAIM_NAMES[detected.version ?? '01'];

  const requireString = (claim: string, why: string) => {
    if (!has(payload, claim)) return missing(claim, why);
    const v = payload[claim];
    if (typeof v !== 'string' || v.length === 0)
      invalid(claim, `"${claim}" must be a non-empty string, got ${describe(v)}`);
  };
  requireString('iss', 'it names the agent that performed the task');

  if (!has(payload, 'aud')) missing('aud', 'it lists every intended verifier (next agents, the ledger)');
  else {
    const aud = payload.aud;
    const ok =
      (typeof aud === 'string' && aud.length > 0) ||
      (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string' && a.length > 0));
    if (!ok) invalid('aud', `"aud" must be a string or a non-empty array of strings, got ${describe(aud)}`);
  }

  for (const [claim, why] of [
    ['iat', 'it is the time the task was recorded'],
    ['exp', 'it ends the verification window'],
  ] as const) {
    if (!has(payload, claim)) missing(claim, why);
    else if (int(payload[claim]) === undefined) {
      invalid(
        claim,
        `"${claim}" must be a whole number of seconds since 1970, got ${describe(payload[claim])}`,
      );
    }
  }

  const uuidCheck = (claim: string, required: boolean, why: string) => {
    if (!has(payload, claim)) {
      if (required) missing(claim, why);
      return;
    }
    const v = payload[claim];
    if (typeof v !== 'string' || v.length === 0)
      invalid(claim, `"${claim}" must be a string, got ${describe(v)}`);
    else if (settings.requireUuid && !UUID_RE.test(v)) {
      invalid(
        claim,
        `"${claim}" must be a UUID (RFC 9562), like 550e8400-e29b-41d4-a716-446655440000; got ${describe(v)}`,
      );
    }
  };
  uuidCheck('jti', true, 'it is the token id and the task id');
  uuidCheck('wid', false, '');

  requireString('exec_act', 'it names the action performed, e.g. "review_spec"');

  const pred = names.pred;
  if (!has(payload, pred))
    missing(pred, `use [] for a root task (in -${detected.version ?? '01'}, the claim is "${pred}")`);
  else {
    const v = payload[pred];
    if (!Array.isArray(v))
      invalid(pred, `"${pred}" must be an array of task ids (jti values), got ${describe(v)}`);
    else {
      const i = v.findIndex((x) => typeof x !== 'string' || x.length === 0);
      if (i !== -1) invalid(pred, `"${pred}"[${i}] must be a task id string, got ${describe(v[i])}`);
    }
  }

  for (const claim of ['inp_hash', 'out_hash']) {
    if (!has(payload, claim)) continue;
    const v = payload[claim];
    if (typeof v !== 'string' || !SHA256_B64URL_RE.test(v)) {
      invalid(
        claim,
        `"${claim}" must be the base64url (unpadded) SHA-256 digest, exactly 43 characters with no prefix such as "sha-256:"; got ${describe(v)}`,
      );
    }
  }

  const extName = names.ext;
  if (has(payload, extName)) {
    const v = payload[extName];
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      invalid(extName, `"${extName}" must be a JSON object, got ${describe(v)}`);
    }
  }

  checkPolicy(payload, detected.version, problems);
  return problems;
}

function checkPolicy(payload: Record<string, unknown>, version: Version | null, problems: Problem[]): void {
  const where = version === '00' ? payload : extOf(payload);
  if (!where) return;
  const prefix = version === '00' ? '' : `${CLAIM_NAMES['01'].ext}.`;
  const hasPol = has(where, 'pol');
  const hasDecision = has(where, 'pol_decision');
  if (hasPol !== hasDecision) {
    const absent = hasPol ? 'pol_decision' : 'pol';
    problems.push({
      code: 'missing_claim',
      claim: `${prefix}${absent}`,
      message: `"${prefix}pol" and "${prefix}pol_decision" come as a pair; "${prefix}${absent}" is missing`,
    });
  }
  if (hasPol && typeof where.pol !== 'string') {
    problems.push({
      code: 'invalid_claim',
      claim: `${prefix}pol`,
      message: `"${prefix}pol" must be a string (the policy id)`,
    });
  }
  if (hasDecision && !(POLICY_DECISIONS as readonly unknown[]).includes(where.pol_decision)) {
    problems.push({
      code: 'invalid_claim',
      claim: `${prefix}pol_decision`,
      message: `"${prefix}pol_decision" must be one of ${POLICY_DECISIONS.join(', ')}; got ${describe(where.pol_decision)}`,
    });
  }
}

/** JSON depth as the profile counts it: the object itself is 1, each nested object or array adds 1. */
export function jsonDepth(value: unknown): number {
  // Iterative so hostile nesting cannot overflow the stack.
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d > max) max = d;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return max;
}

/** Whether `value` nests deeper than `limit` (as jsonDepth counts); stops at the first path that does. */
export function jsonDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}

/** Step 9: extension object size and depth. */
export function checkExt(payload: Record<string, unknown>, settings: Settings): Problem[] {
  const name = has(payload, 'ect_ext') ? 'ect_ext' : has(payload, 'ext') ? 'ext' : null;
  if (!name) return [];
  const ext = payload[name];
  if (!ext || typeof ext !== 'object' || Array.isArray(ext)) return []; // step 8 reports the type
  const problems: Problem[] = [];
  let bytes: number | null;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(ext)).length;
  } catch {
    bytes = null; // too deep even to serialize: the depth check below reports it
  }
  if (bytes !== null && bytes > settings.extMaxBytes) {
    problems.push({
      code: 'invalid_ext',
      claim: name,
      message: `"${name}" is ${bytes} bytes as compact JSON; the limit is ${settings.extMaxBytes}`,
    });
  }
  const depth = jsonDepth(ext);
  if (depth > settings.extMaxDepth) {
    problems.push({
      code: 'invalid_ext',
      claim: name,
      message: `"${name}" is nested ${depth} levels deep (the object itself counts as 1); the limit is ${settings.extMaxDepth}`,
    });
  }
  return problems;
}

/** Step 10: at most `maxPredecessors` predecessors. */
export function checkPredCount(payload: Record<string, unknown>, settings: Settings): Problem[] {
  const name = has(payload, 'par') && !has(payload, 'pred') ? 'par' : 'pred';
  const v = payload[name];
  if (!Array.isArray(v) || v.length <= settings.maxPredecessors) return [];
  return [
    {
      code: 'too_many_predecessors',
      claim: name,
      message: `"${name}" names ${v.length} predecessors; at most ${settings.maxPredecessors} are accepted`,
    },
  ];
}

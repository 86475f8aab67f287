/**
 * The creator's payload model, pure and DOM-free: defaults, switching a
 * payload between -00 and -01 claim names, reading and writing the policy
 * pair wherever the version puts it, and the dry run of the core's checks
 * that shows problems next to each field before signing.
 */
import {
  CLAIM_NAMES,
  checkClaims,
  checkExt,
  checkPredCount,
  detectVersion,
  fillClaims,
  type JsonObject,
  type Problem,
  type Settings,
  type Version,
} from 'wimse-ect';

/** The example agent B: the default audience of a new token. */
export const DEFAULT_AUDIENCE = 'spiffe://example.com/agent/b';

const has = (o: JsonObject, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export const isObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A fresh -01 or -00 payload that verifies once `iss` and `exec_act` are set. */
export function defaultPayload(version: Version, now: number, settings: Settings, iss = ''): JsonObject {
  const payload: JsonObject = {};
  if (iss) payload.iss = iss;
  payload.aud = [DEFAULT_AUDIENCE];
  payload.iat = now;
  payload.exp = now + settings.defaultExpiry;
  payload.jti = crypto.randomUUID();
  payload.exec_act = '';
  payload[CLAIM_NAMES[version].pred] = [];
  return payload;
}

/** Keys in `payload` that the form has a field for; the rest are "other claims". */
export function formClaimNames(version: Version): string[] {
  const n = CLAIM_NAMES[version];
  return [
    'iss',
    'aud',
    'iat',
    'exp',
    'jti',
    'wid',
    'exec_act',
    n.pred,
    'inp_hash',
    'out_hash',
    n.ext,
    ...(version === '00' ? ['pol', 'pol_decision'] : []),
  ];
}

/** Sets (or, for `undefined`, removes) a top-level claim, keeping the other claims' order. */
export function withClaim(payload: JsonObject, name: string, value: unknown): JsonObject {
  const out: JsonObject = { ...payload };
  if (value === undefined) delete out[name];
  else out[name] = value;
  return out;
}

/** Renames `from` to `to` in place of the old key (same position), unless `to` exists already. */
function renameKey(payload: JsonObject, from: string, to: string): JsonObject {
  if (!has(payload, from) || has(payload, to)) return payload;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(payload)) out[k === from ? to : k] = v;
  return out;
}

/**
 * The same claims under the other version's names: `pred`/`par`,
 * `ect_ext`/`ext`, and the policy pair moved between the top level (-00)
 * and the extension object (-01).
 */
export function convertVersion(payload: JsonObject, to: Version): JsonObject {
  const from: Version = to === '01' ? '00' : '01';
  const a = CLAIM_NAMES[from];
  const b = CLAIM_NAMES[to];
  const policy = readPolicy(payload, from);
  let out = stripPolicy(payload, from);
  out = renameKey(out, a.pred, b.pred);
  out = renameKey(out, a.ext, b.ext);
  return writePolicy(out, to, policy);
}

export interface Policy {
  pol?: unknown;
  pol_decision?: unknown;
}

/** The policy pair where `version` puts it: top level (-00) or inside `ect_ext` (-01). */
export function readPolicy(payload: JsonObject, version: Version): Policy {
  const where = version === '00' ? payload : payload[CLAIM_NAMES['01'].ext];
  if (!isObject(where)) return {};
  const out: Policy = {};
  if (has(where, 'pol')) out.pol = where.pol;
  if (has(where, 'pol_decision')) out.pol_decision = where.pol_decision;
  return out;
}

function stripPolicy(payload: JsonObject, version: Version): JsonObject {
  if (version === '00') {
    const out = { ...payload };
    delete out.pol;
    delete out.pol_decision;
    return out;
  }
  const name = CLAIM_NAMES['01'].ext;
  const ext = payload[name];
  if (!isObject(ext) || !(has(ext, 'pol') || has(ext, 'pol_decision'))) return payload;
  const rest = { ...ext };
  delete rest.pol;
  delete rest.pol_decision;
  // An extension object that only held the policy goes away with it.
  return withClaim(payload, name, Object.keys(rest).length ? rest : undefined);
}

/** Writes the policy pair where `version` puts it; an `undefined` member is removed. */
export function writePolicy(payload: JsonObject, version: Version, policy: Policy): JsonObject {
  const set = (o: JsonObject) => {
    const out = { ...o };
    for (const k of ['pol', 'pol_decision'] as const) {
      if (policy[k] === undefined) delete out[k];
      else out[k] = policy[k];
    }
    return out;
  };
  if (version === '00') return set(payload);
  const name = CLAIM_NAMES['01'].ext;
  const ext = payload[name];
  if (ext !== undefined && !isObject(ext)) {
    // Not an object: the claim check reports it; do not overwrite what the user wrote.
    return payload;
  }
  const none = policy.pol === undefined && policy.pol_decision === undefined;
  if (ext === undefined) return none ? payload : withClaim(payload, name, set({}));
  const next = set(ext);
  const hadPolicy = has(ext, 'pol') || has(ext, 'pol_decision');
  // An extension object that only held the policy goes away with it; an empty one the user wrote stays.
  return withClaim(payload, name, Object.keys(next).length || !hadPolicy ? next : undefined);
}

/** The form field a core problem belongs to ("general" when none fits). */
export type FieldKey =
  | 'iss'
  | 'aud'
  | 'iat'
  | 'exp'
  | 'jti'
  | 'wid'
  | 'exec_act'
  | 'pred'
  | 'inp_hash'
  | 'out_hash'
  | 'ext'
  | 'pol'
  | 'pol_decision'
  | 'general';

export function fieldOf(claim: string | undefined): FieldKey {
  switch (claim) {
    case 'iss':
    case 'aud':
    case 'iat':
    case 'exp':
    case 'jti':
    case 'wid':
    case 'exec_act':
    case 'inp_hash':
    case 'out_hash':
    case 'pol':
    case 'pol_decision':
      return claim;
    case 'pred':
    case 'par':
      return 'pred';
    case 'ect_ext':
    case 'ext':
      return 'ext';
    case 'ect_ext.pol':
    case 'ext.pol':
      return 'pol';
    case 'ect_ext.pol_decision':
    case 'ext.pol_decision':
      return 'pol_decision';
    default:
      return 'general';
  }
}

export interface DryRun {
  /** What `createToken` would refuse, in the core's words. */
  problems: Problem[];
  byField: Partial<Record<FieldKey, Problem[]>>;
  /** Claims absent from the payload that signing fills in (iat, exp, jti, pred/par). */
  filled: string[];
}

/**
 * The checks `createToken` runs before signing, on the payload as it stands:
 * the version detection, then steps 8-10 on the payload with the claims the
 * core fills in (iat, exp, jti, the predecessor list) when absent.
 */
export function dryRun(payload: JsonObject, version: Version, settings: Settings, now: number): DryRun {
  const problems: Problem[] = [];
  const detected = detectVersion(payload);
  if (!detected.conflict && detected.version && detected.version !== version) {
    const names = CLAIM_NAMES[version];
    problems.push({
      code: 'invalid_claim',
      message: `the payload uses -${detected.version} claim names but version -${version} is selected; in -${version} use "${names.pred}" and "${names.ext}", or switch the version`,
    });
  }
  const filledPayload = fillClaims(payload, version, now, settings);
  const filled = Object.keys(filledPayload).filter((k) => !has(payload, k));
  problems.push(
    ...checkClaims(filledPayload, settings),
    ...checkExt(filledPayload, settings),
    ...checkPredCount(filledPayload, settings),
  );
  const byField: DryRun['byField'] = {};
  for (const p of problems) (byField[fieldOf(p.claim)] ??= []).push(p);
  return { problems, byField, filled };
}

/**
 * Claim and header dictionary for the UI's "explain every claim" table
 * (ECT-PROFILE.md sections 1-3), plus -00 → -01 migration hints.
 */

export interface ClaimInfo {
  /** E.g. "pred". */
  name: string;
  /** E.g. "Predecessors". */
  label: string;
  kind: 'claim' | 'header' | 'ext';
  /** Required in the version(s) it belongs to. */
  required: boolean;
  versions: ('00' | '01')[];
  /** What it records. */
  meaning: string;
  /** Type/format rule from ECT-PROFILE §3 / §2. */
  rule: string;
  /** Draft section by name. */
  draftSection: string;
  /** For -01 names: the -00 name. */
  renamedFrom?: string;
  /** For -00 names: the -01 name. */
  renamedTo?: string;
  /** True for iat/exp (the UI shows dates). */
  time?: boolean;
}

const BOTH: ('00' | '01')[] = ['00', '01'];
const HASH_RULE =
  'String: base64url without padding of a SHA-256 digest, exactly 43 characters; a prefix such as ' +
  '"sha-256:" is invalid.';
const POL_DECISION_RULE =
  'String, one of "approved", "rejected", "pending_human_review"; comes paired with "pol" (both or neither).';

export const CLAIMS: readonly ClaimInfo[] = Object.freeze([
  // Claims
  {
    name: 'iss',
    label: 'Issuer',
    kind: 'claim',
    required: true,
    versions: BOTH,
    meaning: 'The agent that performed the task and signed the record.',
    rule:
      'String, any URI (a SPIFFE ID in WIMSE deployments). Together with the header "kid" it selects the ' +
      'verification key in the trust store.',
    draftSection: 'Claims',
  },
  {
    name: 'aud',
    label: 'Audience',
    kind: 'claim',
    required: true,
    versions: BOTH,
    meaning: 'Every intended verifier: the next agent(s) and, when there is one, the ledger.',
    rule: 'String or non-empty array of strings; a verifier with an identifier must find it here.',
    draftSection: 'Claims',
  },
  {
    name: 'iat',
    label: 'Issued at',
    kind: 'claim',
    required: true,
    versions: BOTH,
    meaning: 'When the token was issued, i.e. when the task was recorded.',
    rule:
      'Integer seconds since 1970. Refused when later than now + clockSkew (30 s) or older than iatMaxAge ' +
      '(900 s); a parent may not be later than its child\'s "iat" + clockSkew.',
    draftSection: 'Claims',
    time: true,
  },
  {
    name: 'exp',
    label: 'Expires',
    kind: 'claim',
    required: true,
    versions: BOTH,
    meaning: 'End of the window in which the token may be presented and verified.',
    rule:
      'Integer seconds since 1970; expired when now > exp + clockSkew. Default lifetime 600 s. Expired ' +
      'tokens remain valid parents.',
    draftSection: 'Claims',
    time: true,
  },
  {
    name: 'jti',
    label: 'Token and task id',
    kind: 'claim',
    required: true,
    versions: BOTH,
    meaning:
      'Identifies this token and the task at once; children name it in "pred". Used for replay detection.',
    rule:
      'String, a UUID (RFC 9562) while requireUuid is on (default). Unique within "wid" when present, ' +
      'otherwise across the store.',
    draftSection: 'Claims',
  },
  {
    name: 'wid',
    label: 'Workflow id',
    kind: 'claim',
    required: false,
    versions: BOTH,
    meaning: 'Groups the tasks of one workflow; scopes "jti" uniqueness.',
    rule: 'String, a UUID while requireUuid is on. A token with a "wid" needs parents with the same "wid".',
    draftSection: 'Claims',
  },
  {
    name: 'exec_act',
    label: 'Action',
    kind: 'claim',
    required: true,
    versions: BOTH,
    meaning: 'The action the agent performed, e.g. "review_spec".',
    rule: 'Non-empty string.',
    draftSection: 'Claims',
  },
  {
    name: 'pred',
    label: 'Predecessors',
    kind: 'claim',
    required: true,
    versions: ['01'],
    meaning: 'The tasks this one builds on: the edges of the workflow DAG.',
    rule:
      'Array of strings, each a predecessor\'s "jti"; [] for a root task. At most maxPredecessors (100) ' +
      'entries. Not allowed together with "par".',
    draftSection: 'Claims',
    renamedFrom: 'par',
  },
  {
    name: 'par',
    label: 'Parents (-00)',
    kind: 'claim',
    required: true,
    versions: ['00'],
    meaning: 'The -00 name of the predecessor list: the tasks this one builds on.',
    rule:
      'Array of strings, each a parent\'s "jti"; [] for a root task. At most maxPredecessors (100) ' +
      'entries. Not allowed together with "pred".',
    draftSection: 'Claims',
    renamedTo: 'pred',
  },
  {
    name: 'inp_hash',
    label: 'Input hash',
    kind: 'claim',
    required: false,
    versions: BOTH,
    meaning: "Digest of the task's input, so the input can be matched later without being disclosed.",
    rule: HASH_RULE,
    draftSection: 'Claims',
  },
  {
    name: 'out_hash',
    label: 'Output hash',
    kind: 'claim',
    required: false,
    versions: BOTH,
    meaning: "Digest of the task's output, so the output can be matched later without being disclosed.",
    rule: HASH_RULE,
    draftSection: 'Claims',
  },
  {
    name: 'ect_ext',
    label: 'Extensions',
    kind: 'claim',
    required: false,
    versions: ['01'],
    meaning: 'Additional keys beyond the core claims, e.g. the policy keys "pol" and "pol_decision".',
    rule:
      'JSON object (otherwise invalid_claim); at most 4096 bytes as compact UTF-8 JSON and depth 5, the ' +
      'object itself being depth 1 (otherwise invalid_ext). Unknown keys are ignored. Not allowed with ' +
      '"ext".',
    draftSection: 'Claims: Extension Object',
    renamedFrom: 'ext',
  },
  {
    name: 'ext',
    label: 'Extensions (-00)',
    kind: 'claim',
    required: false,
    versions: ['00'],
    meaning: 'The -00 name of the extension object.',
    rule:
      'JSON object; at most 4096 bytes as compact UTF-8 JSON and depth 5. Unknown keys are ignored. ' +
      'Not allowed together with "ect_ext".',
    draftSection: 'Claims: Extension Object',
    renamedTo: 'ect_ext',
  },
  {
    name: 'pol',
    label: 'Policy (-00, top level)',
    kind: 'claim',
    required: false,
    versions: ['00'],
    meaning: 'The policy applied to the task, as set at top level by the -00 reference implementation.',
    rule: 'String; comes paired with "pol_decision" (both or neither). In -01 it moves inside "ect_ext".',
    draftSection: 'Claims (-00 reference implementation)',
  },
  {
    name: 'pol_decision',
    label: 'Policy decision (-00, top level)',
    kind: 'claim',
    required: false,
    versions: ['00'],
    meaning: 'The outcome of the policy check, as set at top level by the -00 reference implementation.',
    rule: `${POL_DECISION_RULE} In -01 it moves inside "ect_ext".`,
    draftSection: 'Claims (-00 reference implementation)',
  },
  {
    name: 'sub',
    label: 'Subject (not an ECT claim)',
    kind: 'claim',
    required: false,
    versions: ['00'],
    meaning: 'Set equal to "iss" by the -00 reference implementation; not an ECT claim in -01.',
    rule: 'Ignored if present; it is neither checked nor used. -01 issuers should not send it.',
    draftSection: 'Claims',
  },
  // JOSE header (L2/L3; an L1 token has no header)
  {
    name: 'alg',
    label: 'Algorithm',
    kind: 'header',
    required: true,
    versions: BOTH,
    meaning: 'The JWS signature algorithm.',
    rule:
      'Must be in allowedAlgs (default ["ES256"]), case-sensitive. "none" and HS* are always refused; ' +
      'ES384, ES512, RS256-512, PS256-512 (RSA keys of 2048 bits or more), EdDSA and Ed25519 (two names, ' +
      'each allowed on its own) may be added to allowedAlgs.',
    draftSection: 'JOSE Header',
  },
  {
    name: 'typ',
    label: 'Type',
    kind: 'header',
    required: true,
    versions: BOTH,
    meaning: 'Marks the JWS as an execution context token.',
    rule:
      '"exec+jwt" (-01) or "wimse-exec+jwt" (-00, still accepted); case-insensitive, optional ' +
      '"application/" prefix. Missing or other values: invalid_typ.',
    draftSection: 'JOSE Header',
  },
  {
    name: 'kid',
    label: 'Key id',
    kind: 'header',
    required: true,
    versions: BOTH,
    meaning: "Selects the issuer's verification key in the trust store.",
    rule:
      'String; resolved together with "iss" among the usable keys of the trust store (a kid; "use" sig and ' +
      '"key_ops" with verify when present; RSA of 2048 bits or more). Missing or unknown: unknown_key. ' +
      'Several keys may share a kid (rotation): the signature is valid if any of them verifies it.',
    draftSection: 'Identity Binding',
  },
  {
    name: 'crit',
    label: 'Critical extensions',
    kind: 'header',
    required: false,
    versions: BOTH,
    meaning: 'Header extensions a verifier must understand (RFC 7515).',
    rule: 'Not allowed: this profile understands no critical extension, so any "crit" is crit_unsupported.',
    draftSection: 'JOSE Header',
  },
  ...(['jwk', 'jku', 'x5u'] as const).map((name): ClaimInfo => ({
    name,
    label: { jwk: 'Embedded JWK', jku: 'JWK Set URL', x5u: 'X.509 URL' }[name],
    kind: 'header',
    required: false,
    versions: BOTH,
    meaning: 'Key material, or where to fetch it, supplied by the token itself.',
    rule: 'Never trusted by itself: keys come only from the trust store, by ("iss", "kid").',
    draftSection: 'Identity Binding',
  })),
  // Keys inside ect_ext (-01)
  {
    name: 'pol',
    label: 'Policy',
    kind: 'ext',
    required: false,
    versions: ['01'],
    meaning: 'The policy applied to the task (key inside "ect_ext").',
    rule: 'String; comes paired with "pol_decision" (both or neither).',
    draftSection: 'Claims: Extension Object (policy companion draft)',
  },
  {
    name: 'pol_decision',
    label: 'Policy decision',
    kind: 'ext',
    required: false,
    versions: ['01'],
    meaning:
      'The outcome of the policy check (key inside "ect_ext"). With enforceParentPolicy on, children of a ' +
      'token whose decision is not "approved" are refused (parent_policy).',
    rule: POL_DECISION_RULE,
    draftSection: 'Claims: Extension Object (policy companion draft)',
  },
] satisfies ClaimInfo[]);

const KIND_ORDER = ['claim', 'header', 'ext'] as const;

/**
 * Looks up a name. Without `kind`, claims win over header parameters and ext
 * keys ("pol" is the -00 top-level claim); "ect_ext.pol" or "ext.pol" finds the ext key.
 */
export function claimInfo(name: string, kind?: 'claim' | 'header' | 'ext'): ClaimInfo | undefined {
  const dotted = /^(?:ect_ext|ext)\.(.+)$/.exec(name);
  if (dotted?.[1] !== undefined && (kind === undefined || kind === 'ext')) {
    return CLAIMS.find((c) => c.kind === 'ext' && c.name === dotted[1]);
  }
  for (const k of kind ? [kind] : KIND_ORDER) {
    const found = CLAIMS.find((c) => c.kind === k && c.name === name);
    if (found) return found;
  }
  return undefined;
}

const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const UNCHANGED = ['iss', 'aud', 'iat', 'exp', 'jti', 'wid', 'exec_act', 'inp_hash', 'out_hash'];

/**
 * For a -00 payload: one line per field saying what -01 calls it and where it
 * goes. Returns [] when the payload has no -00 field.
 */
export function migrationHints(payload: Record<string, unknown>): string[] {
  const hints: string[] = [];
  if (has(payload, 'par')) {
    hints.push(
      has(payload, 'pred')
        ? 'par → pred: the payload has both; keep only "pred" (both at once is invalid_claim).'
        : 'par → pred: rename the claim; the array of predecessor jti values stays the same.',
    );
  }
  if (has(payload, 'ext')) {
    hints.push(
      has(payload, 'ect_ext')
        ? 'ext → ect_ext: the payload has both; merge them into "ect_ext" (both at once is invalid_claim).'
        : 'ext → ect_ext: rename the claim; its keys and limits (4096 bytes, depth 5) stay the same.',
    );
  }
  for (const key of ['pol', 'pol_decision']) {
    if (has(payload, key)) {
      hints.push(
        `${key} → ect_ext.${key}: move it from the top level into "ect_ext" (-01 has no top-level ${key}).`,
      );
    }
  }
  if (has(payload, 'sub')) {
    hints.push('sub: not an ECT claim in -01; drop it (a -01 verifier ignores it).');
  }
  if (hints.length === 0) return hints;
  hints.push(
    'typ header "wimse-exec+jwt" → "exec+jwt". The issuer must sign a new token with the -01 claims; ' +
      'the -00 token stays verifiable as it is.',
  );
  const same = UNCHANGED.filter((k) => has(payload, k));
  if (same.length) hints.push(`${same.join(', ')}: unchanged in -01.`);
  return hints;
}

/**
 * One plain-language explanation per error code (ECT-PROFILE.md section 9),
 * shown wherever a code appears: what is wrong, why it matters, how to fix it,
 * and where it comes from (profile step, draft section by name).
 */
import { ERROR_CODES, type ErrorCode } from './codes.ts';

export interface Explanation {
  code: ErrorCode;
  /** Short, e.g. "Signature does not verify". */
  title: string;
  /** What is wrong, for a developer new to ECTs. */
  what: string;
  /** Why it matters (security or audit consequence). */
  why: string;
  /** How to fix it: which claim, setting or key. */
  fix: string;
  /** The verification step of ECT-PROFILE.md section 4 that raises it. */
  step: number;
  /** E.g. "ECT-PROFILE §4 step 7". */
  profileSection: string;
  /** Draft section by name (numbers moved between -00 and -01). */
  draftSection: string;
  /** Malformed input is 400; every other refusal is 403 (never 401). */
  httpStatus: 400 | 403;
}

type Entry = Omit<Explanation, 'code' | 'profileSection' | 'httpStatus'>;

const ENTRIES: Record<ErrorCode, Entry> = {
  malformed: {
    title: 'Token cannot be decoded',
    what:
      'The value is neither a JWS (three base64url parts whose first part is a JSON object with "alg") nor ' +
      'a base64url-encoded JSON object (an L1 token), or one of its parts holds a character outside the ' +
      'base64url alphabet or does not decode to a JSON object.',
    why:
      'Nothing in it can be checked, so it is refused as a bad request (HTTP 400) before any other step. A ' +
      'value that looks like a JWS is never retried as unsigned L1, so decoding cannot be used to ' +
      'downgrade a token.',
    fix:
      'Pass the compact token whole: no quotes, spaces or line breaks inside it, base64url characters only ' +
      '("-" and "_", not "+" and "/"). If it came in a header, send only the value after ' +
      '"Execution-Context:".',
    step: 1,
    draftSection: 'Assurance Levels: Level Detection',
  },
  level_below_minimum: {
    title: 'Assurance level below the minimum',
    what:
      'The token was detected at a lower assurance level than the verifier requires; usually an unsigned ' +
      'L1 token (base64url JSON, no signature) while `minLevel` is L2, the default.',
    why:
      'An L1 token is self-asserted: anyone can write one. An attacker can strip the signature from an L2 ' +
      'token and resend its claims as L1, so accepting L1 where L2 is expected defeats the signature (a ' +
      'downgrade).',
    fix:
      'Have the issuer sign the ECT as a JWS (L2, ES256). Set `minLevel` to L1 only for a verifier that ' +
      'sits inside a trusted transport boundary.',
    step: 2,
    draftSection: 'Security Considerations: Downgrade Attacks',
  },
  invalid_typ: {
    title: 'Header "typ" is not an ECT type',
    what:
      'The JOSE header has no "typ", or its value is not "exec+jwt" or "wimse-exec+jwt" (compared ' +
      'case-insensitively, with an optional "application/" prefix).',
    why:
      'Explicit typing keeps other JWTs signed by the same key (access tokens, ID tokens, ACT "act+jwt" ' +
      'tokens) from being accepted as execution records.',
    fix:
      'Set "typ": "exec+jwt" in the header when signing (-00 issuers use "wimse-exec+jwt", which is also ' +
      'accepted).',
    step: 3,
    draftSection: 'JOSE Header',
  },
  alg_not_allowed: {
    title: 'Signature algorithm not allowed',
    what:
      'The header "alg" is not in the verifier\'s `allowedAlgs` (default ["ES256"]; compared ' +
      'case-sensitively, so "es256" fails), or it is "none" or a symmetric HS* algorithm, which are ' +
      'refused whatever the settings say.',
    why:
      'Letting the token choose its algorithm enables algorithm-substitution attacks; "none" has no ' +
      'signature and HS* uses a shared secret, so neither proves which agent wrote the record to a third ' +
      'party such as an auditor.',
    fix:
      'Sign with ES256 (a P-256 key). To accept another asymmetric algorithm (ES384, ES512, RS256-512 or ' +
      'PS256-512 with RSA keys of 2048 bits or more, EdDSA, Ed25519), add it to `allowedAlgs`: EdDSA and ' +
      'Ed25519 are two names, each allowed on its own. Listing "none" or HS* there has no effect.',
    step: 4,
    draftSection: 'Verification Procedure',
  },
  crit_unsupported: {
    title: 'Header has "crit"',
    what:
      'The JOSE header has a "crit" parameter. "crit" lists extensions the verifier must understand, and ' +
      'this profile understands none.',
    why:
      'Under RFC 7515 a verifier that does not implement a critical extension must reject the token; ' +
      'ignoring it could accept a token under rules its issuer did not intend.',
    fix: 'Remove "crit" (and the extension it names) from the header when signing. No setting changes this.',
    step: 5,
    draftSection: 'JOSE Header',
  },
  unknown_key: {
    title: 'No trusted key for this issuer and kid',
    what:
      'The trust store has no key matching the token\'s ("iss", "kid") pair: the header has no "kid", the ' +
      '"kid" is unknown, or "iss" is missing. A plain JWKS matches "kid" only. Embedded keys (jwk, jku, ' +
      'x5u) are never used.',
    why:
      'Without a key bound to the issuer out of band, the signature proves nothing about who wrote the ' +
      'record; a key the token brings along would let anyone sign as anyone.',
    fix:
      'Add the issuer\'s public key to the trust store under its "iss", with the same "kid" the issuer ' +
      'puts in the header, and make sure the issuer sets "kid" and "iss" on every token.',
    step: 6,
    draftSection: 'Identity Binding',
  },
  issuer_mismatch: {
    title: 'Key belongs to another issuer',
    what:
      'The header "kid" names a key in the trust store, but that key is bound to a different issuer than ' +
      'the token\'s "iss" (or "iss" is missing).',
    why:
      'An agent holding its own valid key could otherwise sign records claiming to be another agent; the ' +
      'audit trail would attribute work to the wrong party.',
    fix:
      'Make "iss" the identity the signing key is registered under (e.g. the agent\'s SPIFFE ID), or fix ' +
      'the trust store if the key was registered under the wrong issuer.',
    step: 6,
    draftSection: 'Identity Binding',
  },
  invalid_signature: {
    title: 'Signature does not verify',
    what:
      'The JWS signature does not match the header and payload under the key found for ("iss", "kid"). The ' +
      'token was changed after signing, was signed with another key, or the signature is not in JOSE form ' +
      '(ES256 is the 64-byte r||s value, not DER).',
    why:
      'A failed signature means the claims cannot be attributed to the issuer; the record may be forged or ' +
      'tampered with and must not enter the DAG or the ledger.',
    fix:
      'Re-sign the exact bytes that are sent (do not re-encode header or payload afterwards), with the ' +
      'private key that matches the trust-store entry for that "kid"; after a key rotation, update the ' +
      'trust store.',
    step: 7,
    draftSection: 'Verification Procedure',
  },
  missing_claim: {
    title: 'Required claim missing',
    what:
      'A required claim is absent: "iss", "aud", "iat", "exp", "jti", "exec_act", or the predecessor list ' +
      '("pred" in -01, "par" in -00). Also raised when "pol" or "pol_decision" appears without the other.',
    why:
      'Each required claim answers part of "who did what, when, for whom, after which tasks"; without it ' +
      'the record cannot be placed in the workflow or checked for replay and expiry.',
    fix:
      'Add the named claim; a root task needs "pred": [] rather than no "pred". Put "pol" and ' +
      '"pol_decision" together (inside "ect_ext" in -01, top level in -00), or neither.',
    step: 8,
    draftSection: 'Claims',
  },
  invalid_claim: {
    title: 'Claim has the wrong type or format',
    what:
      'A claim is present but malformed: "jti"/"wid" not a UUID (while `requireUuid` is on), "iat"/"exp" ' +
      'not whole seconds, "aud" empty, "inp_hash"/"out_hash" not 43 base64url characters, "pol_decision" ' +
      'not approved/rejected/pending_human_review, "ect_ext" not an object, or -00 and -01 names mixed.',
    why:
      'Verifiers and auditors must read every claim the same way; a value each tool interprets differently ' +
      'breaks replay checks, DAG links and hash comparisons.',
    fix:
      'Correct the named claim: UUIDs for ids (turn `requireUuid` off only for teaching ids like ' +
      '"task-001"), unpadded base64url SHA-256 without a "sha-256:" prefix for hashes, one version\'s ' +
      'claim names only.',
    step: 8,
    draftSection: 'Claims',
  },
  invalid_ext: {
    title: 'Extension object too large or too deep',
    what:
      'The extension object ("ect_ext" in -01, "ext" in -00) is over `extMaxBytes` (default 4096 bytes as ' +
      'compact UTF-8 JSON) or nested deeper than `extMaxDepth` (default 5; the object itself is depth 1).',
    why:
      'Unbounded extensions let a token carry arbitrary data into every verifier, header and ledger entry ' +
      '(resource exhaustion, oversized HTTP headers).',
    fix:
      'Keep bulk data out of the token: record it elsewhere and put its digest in "inp_hash"/"out_hash" or ' +
      'a reference in the extension. `extMaxBytes` and `extMaxDepth` change the limits.',
    step: 9,
    draftSection: 'Claims: Extension Object',
  },
  too_many_predecessors: {
    title: 'Too many predecessors',
    what:
      'The predecessor list ("pred", or "par" in -00) names more tasks than `maxPredecessors` allows ' +
      '(default 100).',
    why:
      'A very large fan-in makes every DAG check on the token expensive and can be used to slow verifiers ' +
      'down.',
    fix:
      'Merge the inputs through intermediate tasks, each naming part of the predecessors, or raise ' +
      '`maxPredecessors` if such fan-in is expected.',
    step: 10,
    draftSection: 'DAG Validation',
  },
  audience_mismatch: {
    title: 'Verifier is not in "aud"',
    what:
      'The verifier\'s own identifier is not in "aud" (a string or an array of strings). Skipped when the ' +
      'verifier has no identifier, e.g. an auditor.',
    why:
      'A token meant for one agent must not be usable at another; accepting it would let a record be ' +
      'replayed to parties it was never sent to.',
    fix:
      'The issuer lists every intended verifier in "aud": the next agent(s) and the ledger, when there is ' +
      'one. Check that the verifier\'s configured identifier is spelled exactly as in "aud".',
    step: 11,
    draftSection: 'Verification Procedure',
  },
  expired: {
    title: 'Token has expired',
    what:
      'The current time is past "exp" plus `clockSkew` (default 30 s). Created tokens get a 600 s lifetime ' +
      'by default (`defaultExpiry`).',
    why:
      '"exp" bounds the window in which a token may be presented; accepting it later widens the replay ' +
      'window. It does not limit use as a parent: expired parents in the store stay valid.',
    fix:
      'Deliver and verify tokens promptly, and check that issuer and verifier clocks agree. `clockSkew` ' +
      'adds tolerance; the issuer can set a later "exp". Audits of a stored set do not apply this check.',
    step: 12,
    draftSection: 'Verification Procedure',
  },
  iat_in_future: {
    title: 'Issued in the future',
    what: '"iat" is later than the current time plus `clockSkew` (default 30 s).',
    why:
      'A future "iat" usually means a wrong clock or a forged time; it would also distort the order of ' +
      'tasks in the DAG, which relies on "iat".',
    fix:
      'Synchronise the issuer\'s clock (NTP) and set "iat" to the actual issue time; `clockSkew` adds ' +
      'tolerance.',
    step: 13,
    draftSection: 'Verification Procedure',
  },
  iat_too_old: {
    title: 'Issued too long ago',
    what:
      'More than `iatMaxAge` seconds (default 900) have passed since "iat", even if "exp" has not been ' +
      'reached.',
    why:
      'Bounding the age independently of "exp" limits how long a captured token stays usable when an ' +
      'issuer sets a long "exp".',
    fix:
      'Send the token soon after issuing it, or raise `iatMaxAge` if the workflow legitimately delays ' +
      'delivery.',
    step: 13,
    draftSection: 'Verification Procedure',
  },
  replay: {
    title: 'Token already accepted (replay)',
    what:
      'This verifier has already accepted a token with this "jti" within its lifetime (replay cache, ' +
      '`replayCache` on by default).',
    why:
      'Each ECT records one task once; accepting it twice would duplicate the task in the audit trail or ' +
      'repeat an action triggered by it.',
    fix:
      'Give every task a new UUID "jti". A retried delivery of the same token was already accepted the ' +
      'first time. Turning `replayCache` off is for demonstrations only.',
    step: 14,
    draftSection: 'Security Considerations: Replay',
  },
  duplicate_jti: {
    title: 'Task id already in the store',
    what:
      'The store of accepted tokens already holds this "jti" (within the same "wid" when the token has ' +
      'one, otherwise anywhere). In an audit, every copy is reported.',
    why:
      '"jti" is the task id that children name in "pred"; two tokens with one id make the DAG ambiguous ' +
      'and let one record shadow another.',
    fix: 'Generate a fresh UUID "jti" for every task; never reuse a task id, even for a corrected task.',
    step: 15,
    draftSection: 'DAG Validation',
  },
  parent_not_found: {
    title: 'Predecessor not found',
    what:
      'A "pred" entry names a task that is not in the store (looked up within the same "wid" first). ' +
      'Expired parents are fine; missing ones are not.',
    why:
      'An unverified parent cannot support the lineage; naming unknown or invented tasks is how false ' +
      'provenance is built.',
    fix:
      'Verify and store the parent tokens before the child (or import the ledger or bundle that holds ' +
      'them), and check that the "pred" values are the parents\' "jti" values exactly.',
    step: 15,
    draftSection: 'DAG Validation',
  },
  temporal_violation: {
    title: 'Parent issued after child',
    what: 'A parent\'s "iat" is later than this token\'s "iat" plus `clockSkew` (default 30 s).',
    why:
      'A task cannot depend on one that happened after it; the order suggests wrong clocks or a forged ' +
      'lineage.',
    fix:
      'Issue children after their parents and keep agent clocks synchronised; `clockSkew` sets the ' +
      'tolerance.',
    step: 15,
    draftSection: 'DAG Validation',
  },
  cycle: {
    title: 'Predecessors form a cycle',
    what:
      '"pred" names the token\'s own "jti", or following the predecessors back leads to this token again. ' +
      'In an audit, every edge inside the loop is reported.',
    why:
      'The workflow record must be a directed acyclic graph; a loop means a corrupted or merged store and ' +
      'leaves no consistent order of tasks.',
    fix:
      'Remove the token\'s own "jti" and any descendant\'s "jti" from "pred"; a task can only name earlier ' +
      'tasks.',
    step: 15,
    draftSection: 'DAG Validation',
  },
  workflow_mismatch: {
    title: 'Parent belongs to another workflow',
    what: 'The token has a "wid", and a parent\'s "wid" differs or is missing.',
    why:
      'Linking tasks across workflows mixes unrelated records and lets one workflow borrow the history of ' +
      'another.',
    fix: 'Give every task of a workflow the same "wid", or name only parents from the child\'s own workflow.',
    step: 15,
    draftSection: 'DAG Validation: Workflow Consistency',
  },
  parent_policy: {
    title: 'Parent was not approved',
    what:
      'A parent carries a "pol_decision" other than "approved" ("rejected" or "pending_human_review"), and ' +
      '`enforceParentPolicy` is on (the default).',
    why:
      'Building on a task its policy rejected or did not yet clear would let work continue past a failed ' +
      'or pending control, such as a required human review.',
    fix:
      'Wait for an approval: record it as a new task with "pol_decision": "approved" and name that task in ' +
      '"pred". `enforceParentPolicy` off skips this check.',
    step: 15,
    draftSection: 'DAG Validation (policy keys: policy and compensation companion draft)',
  },
  traversal_limit: {
    title: 'Too many ancestors',
    what:
      'The token has more than `traversalLimit` distinct ancestors (default 10000; each counted once, the ' +
      'token itself not counted).',
    why:
      'The ancestor walk of the DAG checks must stay bounded so a huge or hostile graph cannot exhaust the ' +
      'verifier.',
    fix:
      'Close very long histories by starting a new workflow (a new "wid" and a root task with "pred": ' +
      '[]), or raise `traversalLimit` if such histories are expected.',
    step: 15,
    draftSection: 'DAG Validation',
  },
};

export const EXPLANATIONS: Readonly<Record<ErrorCode, Explanation>> = Object.freeze(
  Object.fromEntries(
    ERROR_CODES.map((code): [ErrorCode, Explanation] => {
      const e = ENTRIES[code];
      return [
        code,
        Object.freeze({
          code,
          ...e,
          profileSection: `ECT-PROFILE §4 step ${e.step}`,
          httpStatus: code === 'malformed' ? 400 : 403,
        }),
      ];
    }),
  ) as Record<ErrorCode, Explanation>,
);

export function explain(code: ErrorCode): Explanation {
  return EXPLANATIONS[code];
}

/**
 * The sixteen verification steps of ECT-PROFILE.md section 4, in order, with
 * the codes each may raise and where the rule comes from.
 */
import type { ErrorCode } from './codes.ts';

/** The ids of the sixteen verification steps, in order. */
export const STEP_IDS = [
  'decode',
  'level',
  'typ',
  'alg',
  'crit',
  'key',
  'signature',
  'claims',
  'ext',
  'pred_count',
  'audience',
  'exp',
  'iat',
  'replay',
  'dag',
  'append',
] as const;

/** The id of a verification step. */
export type StepId = (typeof STEP_IDS)[number];

/** A verification step: its number, id, title, the codes it may raise and where its rule comes from. */
export interface StepInfo {
  n: number;
  id: StepId;
  title: string;
  codes: readonly ErrorCode[];
  profileSection: string;
  /** By name: the draft's section numbers moved between -00 and -01. */
  draftSection: string;
}

const step = (
  n: number,
  id: StepId,
  title: string,
  codes: ErrorCode[],
  profileSection: string,
  draftSection: string,
): StepInfo => ({ n, id, title, codes, profileSection, draftSection });

/** The sixteen verification steps of ECT-PROFILE.md section 4, in order. */
export const STEPS: readonly StepInfo[] = [
  step(
    1,
    'decode',
    'Decode: level detection, base64url, JSON',
    ['malformed'],
    '§5',
    'Assurance Levels: level detection',
  ),
  step(
    2,
    'level',
    'Level at least the minimum',
    ['level_below_minimum'],
    '§5',
    'Assurance Levels: downgrade protection',
  ),
  step(3, 'typ', 'Header typ', ['invalid_typ'], '§2', 'JOSE Header'),
  step(
    4,
    'alg',
    'Algorithm allowed',
    ['alg_not_allowed'],
    '§2',
    'Verification Procedure: algorithm allow-list',
  ),
  step(5, 'crit', 'No critical extensions', ['crit_unsupported'], '§2', 'JOSE Header (RFC 7515 crit)'),
  step(
    6,
    'key',
    'Key resolution by iss and kid',
    ['unknown_key', 'issuer_mismatch'],
    '§6',
    'Identity Binding',
  ),
  step(7, 'signature', 'Signature', ['invalid_signature'], '§2', 'Verification Procedure: signature'),
  step(8, 'claims', 'Required claims and formats', ['missing_claim', 'invalid_claim'], '§3', 'ECT Claims'),
  step(9, 'ext', 'Extension object limits', ['invalid_ext'], '§3', 'ECT Claims: ect_ext'),
  step(
    10,
    'pred_count',
    'Predecessor count',
    ['too_many_predecessors'],
    '§4',
    'DAG Validation: fan-in limit',
  ),
  step(11, 'audience', 'Verifier in aud', ['audience_mismatch'], '§4', 'Verification Procedure: audience'),
  step(12, 'exp', 'Not expired', ['expired'], '§4', 'Verification Procedure: expiry'),
  step(
    13,
    'iat',
    'Issued-at within bounds',
    ['iat_in_future', 'iat_too_old'],
    '§4',
    'Verification Procedure: issued-at',
  ),
  // Checked last, once every other step has passed (an invalid token never consumes its jti), and recorded then.
  step(14, 'replay', 'Not a replay', ['replay'], '§4', 'Security Considerations: replay'),
  step(
    15,
    'dag',
    'DAG rules against the store',
    [
      'cycle',
      'duplicate_jti',
      'parent_not_found',
      'temporal_violation',
      'workflow_mismatch',
      'parent_policy',
      'traversal_limit',
    ],
    '§7',
    'DAG Validation',
  ),
  step(16, 'append', 'Append to the ledger', [], '§8', 'Audit Ledger Interface'),
];

export const STEP_BY_ID: Readonly<Record<StepId, StepInfo>> = Object.fromEntries(
  STEPS.map((s) => [s.id, s]),
) as Record<StepId, StepInfo>;

/**
 * The ledger check's problem codes (ECT-PROFILE.md section 8), the shape of a problem, and one
 * plain-language explanation per code for the app, the command and the docs. Split from
 * ledgerCheck.ts, which finds them.
 */

/** The codes of the ledger check's problems (ECT-PROFILE.md section 8), each found at an entry. */
export const LEDGER_PROBLEM_CODES = [
  'chain_broken',
  'sequence_gap',
  'receipt_missing',
  'receipt_invalid',
  'receipt_mismatch',
  'checkpoint_mismatch',
] as const;

/** A ledger problem's code (reported apart from the tokens' error codes). */
export type LedgerProblemCode = (typeof LEDGER_PROBLEM_CODES)[number];

/** One thing wrong with a ledger, at the entry where it is. */
export interface LedgerProblem {
  /** The entry's sequence number (for a checkpoint: the entry at its size, which may be missing). */
  seq: number;
  code: LedgerProblemCode;
  /** Specific: what does not match, with the values. */
  message: string;
}

/** A ledger problem code explained. */
export interface ProblemExplanation {
  code: LedgerProblemCode;
  title: string;
  what: string;
  why: string;
  fix: string;
}

const EXPLANATIONS: Record<LedgerProblemCode, Omit<ProblemExplanation, 'code'>> = {
  chain_broken: {
    title: 'Hash chain broken',
    what: "An entry's hash is not SHA-256 of its previous hash and its token, it does not link to the entry before it, or its stored claims differ from its token.",
    why: 'The chain is what proves that nothing was changed, removed or inserted since the entries were appended: from the first break on, the ledger proves nothing more.',
    fix: 'Treat this entry and every later one as untrusted. Restore the ledger from a bundle or backup that checks against your latest checkpoint, and find out who could write to the store.',
  },
  sequence_gap: {
    title: 'Sequence numbers skip or repeat',
    what: 'Sequence numbers must start at 1 and go up by one; here one is missing, repeated or out of order.',
    why: 'A gap means entries were removed (or the rest renumbered): a history with pieces missing.',
    fix: 'Restore the missing entries from a bundle or backup that checks against your latest checkpoint.',
  },
  receipt_missing: {
    title: 'Receipt missing',
    what: 'This ledger has its own key and signs a receipt for every append, but this entry has none.',
    why: 'A ledger with a key receipts every entry: an entry without one was added behind the ledger, or its receipt was removed to hide a change (an unsigned entry is not an L2 entry here, it is a break).',
    fix: 'Treat the entry as untrusted; restore it from a bundle or backup that checks against your latest checkpoint.',
  },
  receipt_invalid: {
    title: 'Receipt not signed by the ledger key',
    what: "The entry's receipt does not verify under the ledger key (the pinned key, when one is pinned).",
    why: 'A receipt by any other key proves nothing: whoever holds that key could have re-signed a rewritten history. A ledger whose key was swapped shows this against a pinned key or checkpoint.',
    fix: "Compare the ledger key's fingerprint with the one you recorded. If they differ, the ledger was replaced: restore it from a trusted bundle.",
  },
  receipt_mismatch: {
    title: 'Receipt signs other values',
    what: "The receipt verifies, but signs another sequence number, entry hash, jti or append time than the entry's.",
    why: 'The entry (or its time) was changed after the ledger signed for it, or a receipt of another entry was copied here.',
    fix: 'Treat the entry as untrusted; its receipt says what the ledger originally recorded.',
  },
  checkpoint_mismatch: {
    title: 'Does not match the checkpoint',
    what: 'The ledger does not extend a checkpoint it was checked against: it is shorter, its entry at the checkpoint has another hash, or its key is another.',
    why: 'A checkpoint kept outside the ledger is the anchor against truncation and wholesale rewriting: whoever can write the store can recompute every hash, but cannot forge the checkpoint you kept.',
    fix: 'Restore the ledger from a bundle that matches the checkpoint; find out who could write to the store.',
  },
};

/** One plain-language explanation per ledger problem code: what is wrong, why it matters, what to do. */
export function explainLedgerProblem(code: LedgerProblemCode): ProblemExplanation {
  return { code, ...EXPLANATIONS[code] };
}

const LEDGER_CODE_SET: ReadonlySet<string> = new Set(LEDGER_PROBLEM_CODES);
/** Whether `value` is one of the ledger problem codes. */
export function isLedgerProblemCode(value: unknown): value is LedgerProblemCode {
  return typeof value === 'string' && LEDGER_CODE_SET.has(value);
}

/**
 * The one check of a ledger's integrity (ECT-PROFILE.md section 8), for every reader of a ledger
 * or an exported bundle: the app (open, import, re-check), `ect audit`, `ect verify --ledger`, a
 * shared store. It reports every problem at the entry where it is, apart from token violations:
 *
 * - `sequence_gap`: sequence numbers start at 1 and go up by one;
 * - `chain_broken`: each `prev_hash` is the previous `entry_hash` (64 zeros for the first), each
 *   `entry_hash` is SHA-256(prev_hash ‖ token), and a stored copy of the claims is the token's;
 * - `receipt_missing`: a ledger that has a key receipts every entry;
 * - `receipt_invalid`: a receipt verifies under the ledger key (the pinned one when pinned);
 * - `receipt_mismatch`: it signs this entry's `seq`, `entry_hash`, `jti` and append time;
 * - `checkpoint_mismatch`: the ledger extends each checkpoint it is checked against (same key,
 *   at least as long, the same hash at the checkpoint's size).
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { computeEntryHash, GENESIS_HASH, verifyReceipt, type ReceiptClaims } from './chain.ts';
import { keyFingerprint, type Checkpoint } from './checkpoint.ts';
import { decodeToken, type JsonObject } from './decode.ts';
import { quote } from './text.ts';

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

/** An entry as a ledger or a bundle holds it: what the check reads. */
export interface CheckableEntry {
  seq: number;
  /** The compact token: the chain covers it. */
  token: string;
  /** Unix milliseconds; a receipt signs it (in seconds). */
  appendedAt: number;
  prevHash: string;
  entryHash: string;
  receipt?: string;
  /** A stored copy of the claims, when the store keeps one: compared with the token's. */
  claims?: Record<string, unknown>;
  /** A stored copy of the `jti`, when the store keeps one: compared with the token's. */
  jti?: string;
}

/** The options of {@link checkLedger}. */
export interface LedgerCheckOptions {
  /**
   * The ledger key as the ledger itself declares it (stored with it, carried by a bundle): a JWK,
   * or an imported public CryptoKey. With a key, every entry needs a valid receipt.
   */
  key?: JWK | CryptoKey | null;
  /**
   * The key the reader expects (from its own records, `--ledger-key`, or a checkpoint it kept):
   * receipts must verify under it, whatever key the ledger declares.
   */
  pinnedKey?: JWK | null;
  /** Checkpoints the ledger must extend (signature already checked by readCheckpoint). */
  checkpoints?: readonly (Checkpoint & { label?: string })[];
  /** Continue a check: these entries follow those of `after` (same options). */
  after?: LedgerCheckReport;
  /**
   * Entries the caller itself made a moment ago from these very values (hashed, signed): their
   * sequence and link are checked, their hash, receipt and claims not recomputed.
   */
  own?: ReadonlySet<object>;
  /** Called with the claims decoded from each checked entry's token (null when it does not decode). */
  onClaims?: (index: number, claims: JsonObject | null) => void;
  /**
   * Awaited between slices of about 40 ms of work: a page passes a function that lets it paint
   * and take input. Chromium settles a digest within the call, without a task in between, so
   * checking 100,000 entries was one task of 4-8 s in the workbench (issue 17).
   */
  pause?: () => Promise<void>;
  /** Milliseconds of work between two pauses (default 40). */
  sliceMs?: number;
  /**
   * Computes an entry's hash, SHA-256(prev_hash ‖ token) as lowercase hex, in place of the core's
   * WebCrypto `computeEntryHash`: a page may pass a synchronous SHA-256, since awaiting one digest
   * per entry costs several times the digest itself (issue 17). It must give the same result.
   */
  hashEntry?: (prevHash: string, token: string) => string | Promise<string>;
  /**
   * The stored copy of an entry's claims, or undefined when the store keeps none (default: the
   * entry's `claims`). A store that decodes an entry's claims from its token on demand says so
   * here, so that the check neither compares the token with itself nor decodes it twice.
   */
  storedClaims?: (entry: CheckableEntry) => Record<string, unknown> | undefined;
}

/** What checkLedger found: every problem at its entry, the chain's length and head. */
export interface LedgerCheckReport {
  /** No problem at all. */
  ok: boolean;
  /** Entries checked. */
  length: number;
  /** The last entry's sequence number (0 when empty). */
  lastSeq: number;
  /** The last entry's `entry_hash` as stored (the genesis hash when empty). */
  head: string;
  /** Entries whose receipt verified and matched. */
  receipts: number;
  /** Every problem found, by sequence number. */
  problems: LedgerProblem[];
  /** The first problem: from this entry on, the chain proves nothing more. */
  firstBreak?: LedgerProblem;
  /** Fingerprint of the key receipts were checked under, when it was a JWK. */
  keyFingerprint?: string;
}

/** Before version 2 of the check: the same report. */
export type ChainReport = LedgerCheckReport;

const short = (h: unknown): string =>
  typeof h === 'string' && /^[0-9a-f]{64}$/.test(h) ? `${h.slice(0, 12)}…` : quote(h, 24);

function isCryptoKey(k: JWK | CryptoKey): k is CryptoKey {
  return typeof (k as CryptoKey).algorithm === 'object' && typeof (k as CryptoKey).type === 'string';
}

/**
 * Structural equality of two JSON values, key order aside. Iterative: a hostile token's claims
 * may nest 10,000 levels deep, past what recursion can follow.
 */
function sameJson(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      if (x.length !== ys.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], ys[i]]);
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const keys = Object.keys(xo);
    if (keys.length !== Object.keys(yo).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(yo, k)) return false;
      stack.push([xo[k], yo[k]]);
    }
  }
  return true;
}

/** The top-level claims where a stored copy differs from the token's. */
function differingClaims(stored: Record<string, unknown>, token: JsonObject): string[] {
  const keys = new Set([...Object.keys(stored), ...Object.keys(token)]);
  return [...keys].filter((k) => !sameJson(stored[k], token[k]));
}

async function importKey(key: JWK | CryptoKey): Promise<CryptoKey | null> {
  if (isCryptoKey(key)) return key;
  try {
    return (await importJWK(key, 'ES256')) as CryptoKey;
  } catch {
    return null;
  }
}

async function fingerprintOf(key: JWK | CryptoKey | null | undefined): Promise<string | undefined> {
  if (!key || isCryptoKey(key)) return undefined;
  try {
    return await keyFingerprint(key);
  } catch {
    return undefined;
  }
}

/**
 * Checks a ledger's entries, in order (an array, or any iterable: a store may page through its
 * entries), and returns every problem at its entry. Never throws for bad data: whatever the
 * entries hold, each problem is reported with its entry's sequence number.
 */
export async function checkLedger(
  entries: Iterable<CheckableEntry> | AsyncIterable<CheckableEntry>,
  opts: LedgerCheckOptions = {},
): Promise<LedgerCheckReport> {
  const problems: LedgerProblem[] = opts.after ? [...opts.after.problems] : [];
  const add = (seq: number, code: LedgerProblemCode, message: string) =>
    problems.push({ seq, code, message });

  const declared = opts.key ?? null;
  const receiptKey = opts.pinnedKey ?? declared;
  const [cryptoKey, fingerprint, declaredPrint] = await Promise.all([
    receiptKey ? importKey(receiptKey) : null,
    fingerprintOf(receiptKey),
    fingerprintOf(declared),
  ]);
  const keyName = fingerprint
    ? `the ${opts.pinnedKey ? 'pinned ' : ''}ledger key (${fingerprint})`
    : 'the ledger key';
  const replaced =
    opts.pinnedKey && declaredPrint && fingerprint && declaredPrint !== fingerprint
      ? `; the ledger declares another key (${declaredPrint}): its key was replaced`
      : opts.pinnedKey && !declared
        ? '; the ledger declares no key: its key was removed'
        : '';
  // The entry hash at each checkpoint's size, taken as the entries go by.
  const wanted = new Map<number, string | undefined>();
  for (const c of opts.checkpoints ?? []) wanted.set(c.size, undefined);

  let lastSeq = opts.after?.lastSeq ?? 0;
  let prev = opts.after?.head ?? GENESIS_HASH;
  let length = opts.after?.length ?? 0;
  let receipts = opts.after?.receipts ?? 0;
  let index = -1;
  let since = performance.now();

  for await (const e of entries) {
    if (opts.pause && performance.now() - since > (opts.sliceMs ?? 40)) {
      await opts.pause();
      since = performance.now();
    }
    index++;
    length++;
    const seq = typeof e.seq === 'number' && Number.isSafeInteger(e.seq) ? e.seq : NaN;
    const at = Number.isNaN(seq) ? lastSeq + 1 : seq;
    // Sequence: 1, 2, 3… without a gap, a repeat or a jump back.
    if (Number.isNaN(seq))
      add(at, 'sequence_gap', `entry ${length} has no valid sequence number (${quote(e.seq)})`);
    else if (seq > lastSeq + 1)
      add(
        seq,
        'sequence_gap',
        seq === lastSeq + 2
          ? `entry #${lastSeq + 1} is missing: #${seq} follows #${lastSeq}`
          : `entries #${lastSeq + 1}–#${seq - 1} are missing: #${seq} follows #${lastSeq}`,
      );
    else if (seq < lastSeq + 1)
      add(seq, 'sequence_gap', `entry #${seq} comes after #${lastSeq}: entries were reordered or repeated`);
    if (wanted.has(at) && typeof e.entryHash === 'string') wanted.set(at, e.entryHash);

    // The link to the entry before.
    if (e.prevHash !== prev) {
      add(
        at,
        'chain_broken',
        length === 1 && !opts.after
          ? `the first entry links to previous hash ${short(e.prevHash)}, not to the genesis hash (64 zeros): entries before it were removed`
          : `entry #${at} links to previous hash ${short(e.prevHash)}, but the entry before it has hash ${short(prev)}: an entry was removed, inserted or changed between them`,
      );
    }
    prev = typeof e.entryHash === 'string' ? e.entryHash : '';

    const own = opts.own?.has(e) ?? false;
    let jti = '';
    if (!own) {
      // Its hash, over its own prev_hash and token.
      if (typeof e.token !== 'string' || typeof e.prevHash !== 'string') {
        add(at, 'chain_broken', `entry #${at} has no token or previous hash to hash`);
      } else {
        const hashed = (opts.hashEntry ?? computeEntryHash)(e.prevHash, e.token);
        // A synchronous hasher's answer is used at once: an await per entry is what it saves.
        const expected = typeof hashed === 'string' ? hashed : await hashed;
        if (expected !== e.entryHash)
          add(
            at,
            'chain_broken',
            `entry #${at} was changed after it was appended: its token hashes to ${short(expected)}, not the stored ${short(e.entryHash)}`,
          );
      }
      // What is shown of it comes from the token: a stored copy must say the same.
      const d = typeof e.token === 'string' ? decodeToken(e.token) : null;
      const claims = d?.ok ? d.decoded.payload : null;
      jti = typeof claims?.jti === 'string' ? claims.jti : '';
      const changed: string[] = [];
      if (e.jti !== undefined && e.jti !== jti) changed.push('jti');
      const copy = opts.storedClaims ? opts.storedClaims(e) : e.claims;
      if (copy !== undefined) {
        for (const k of claims ? differingClaims(copy, claims) : Object.keys(copy))
          if (!changed.includes(k)) changed.push(k);
      }
      if (changed.length) {
        const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ', …' : '');
        add(
          at,
          'chain_broken',
          `entry #${at}'s stored claims differ from its token (${shown}${e.jti !== undefined && e.jti !== jti ? `: jti stored as ${quote(e.jti)}, the token says ${quote(jti)}` : ''}): the copy was changed after it was appended; only the token is covered by the chain`,
        );
      }
      opts.onClaims?.(index, claims); // after the comparison: the caller may replace the copy
    }

    // Its receipt.
    if (!receiptKey) {
      if (e.receipt !== undefined)
        add(at, 'receipt_invalid', `entry #${at} has a receipt, but the ledger has no key to check it under`);
    } else if (e.receipt === undefined || e.receipt === null || e.receipt === '') {
      add(
        at,
        'receipt_missing',
        `entry #${at} has no receipt, but this ledger signs one for every append: it was removed, or the entry was added behind the ledger's back${replaced}`,
      );
    } else if (own) {
      receipts++;
    } else {
      const r = cryptoKey && typeof e.receipt === 'string' ? await verifyReceipt(e.receipt, cryptoKey) : null;
      if (!r) {
        add(
          at,
          'receipt_invalid',
          cryptoKey
            ? `entry #${at}'s receipt is not signed by ${keyName}${replaced}`
            : `entry #${at}'s receipt cannot be checked: the ledger key is not a usable ES256 public key`,
        );
      } else {
        const diff = receiptDiff(r, { seq: at, entryHash: e.entryHash, jti, appendedAt: e.appendedAt });
        if (diff.length)
          add(at, 'receipt_mismatch', `entry #${at}'s receipt signs other values: ${diff.join('; ')}`);
        else receipts++;
      }
    }
    if (!Number.isNaN(seq)) lastSeq = Math.max(seq, lastSeq);
    else lastSeq = at;
  }

  // A checkpoint names the key the ledger had: compared with the key the ledger declares now.
  const ledgerPrint = declared ? (declaredPrint ?? fingerprint) : undefined;
  for (const c of opts.checkpoints ?? []) {
    const ledger = { length: lastSeq, hashAt: wanted.get(c.size), fingerprint: ledgerPrint };
    for (const message of await checkpointProblems(c, ledger)) add(c.size, 'checkpoint_mismatch', message);
  }

  problems.sort((a, b) => a.seq - b.seq);
  const report: LedgerCheckReport = {
    ok: problems.length === 0,
    length,
    lastSeq,
    head: length ? prev : GENESIS_HASH,
    receipts,
    problems,
  };
  if (problems[0]) report.firstBreak = problems[0];
  if (fingerprint) report.keyFingerprint = fingerprint;
  return report;
}

/** What a verified receipt signs differently from its entry. */
function receiptDiff(
  r: ReceiptClaims,
  e: { seq: number; entryHash: string; jti: string; appendedAt: number },
): string[] {
  const out: string[] = [];
  if (r.seq !== e.seq) out.push(`seq ${quote(r.seq)}, the entry is #${e.seq}`);
  if (r.entry_hash !== e.entryHash)
    out.push(`entry_hash ${short(r.entry_hash)}, the entry has ${short(e.entryHash)}`);
  if (r.jti !== e.jti) out.push(`jti ${quote(r.jti)}, the token's is ${quote(e.jti)}`);
  const t = typeof e.appendedAt === 'number' ? Math.floor(e.appendedAt / 1000) : NaN;
  if (r.appended_at !== t)
    out.push(
      `appended at ${isoTime(r.appended_at)}, the entry says ${Number.isNaN(t) ? quote(e.appendedAt) : isoTime(t)}`,
    );
  return out;
}

const isoTime = (s: unknown): string => {
  if (typeof s !== 'number' || !Number.isFinite(s)) return quote(s);
  const d = new Date(s * 1000);
  return Number.isNaN(d.getTime()) ? String(s) : d.toISOString().replace('.000Z', 'Z');
};

/**
 * Why a ledger does not extend a checkpoint (empty when it does): the checkpoint's key is the
 * ledger's (`fingerprint`: the key receipts are checked under), the ledger is at least `size`
 * long, and its entry at `size` has the checkpoint's head hash (`hashAt`). The entries up to
 * `size` are then those the checkpoint saw, provided the chain check found nothing before it.
 */
export async function checkpointProblems(
  c: Checkpoint & { label?: string },
  ledger: { length: number; hashAt: string | undefined; fingerprint: string | undefined },
): Promise<string[]> {
  const what = `${c.label ?? 'the checkpoint'} of ${isoTime(c.time)} (${c.size} ${c.size === 1 ? 'entry' : 'entries'}, head ${short(c.head)})`;
  const out: string[] = [];
  if (!ledger.fingerprint)
    out.push(
      `${what} is signed by ledger key ${c.key}, but this ledger has no key: its key and receipts were removed`,
    );
  else if (ledger.fingerprint !== c.key)
    out.push(
      `${what} is signed by ledger key ${c.key}, but this ledger's key is ${ledger.fingerprint}: the key was replaced (and the receipts re-signed), or this is another ledger`,
    );
  if (c.size === 0) {
    if (c.head !== GENESIS_HASH)
      out.push(`${what} is of an empty ledger but names a head other than the genesis hash`);
  } else if (ledger.length < c.size)
    out.push(
      `${what}: this ledger has only ${ledger.length} ${ledger.length === 1 ? 'entry' : 'entries'}: entries #${ledger.length + 1}–#${c.size} were removed (truncated)`,
    );
  else if (ledger.hashAt !== c.head)
    out.push(
      `${what}: entry #${c.size} now has hash ${short(ledger.hashAt)}: the ledger up to it was rewritten`,
    );
  return out;
}

/**
 * The hash chain and receipts of `entries` (the check above, without checkpoints): what each
 * `Ledger` implementation's own `verifyChain` returns.
 */
export function verifyChain(
  entries: Iterable<CheckableEntry> | AsyncIterable<CheckableEntry>,
  key?: JWK | CryptoKey | null,
): Promise<LedgerCheckReport> {
  return checkLedger(entries, key ? { key } : {});
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

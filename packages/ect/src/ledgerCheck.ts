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
import { computeEntryHash, GENESIS_HASH, verifyReceipt } from './chain.ts';
import { keyFingerprint, type Checkpoint } from './checkpoint.ts';
import { decodeToken, type JsonObject } from './decode.ts';
import { checkpointProblems, receiptDiff, short } from './ledgerCheckpoint.ts';
import type { LedgerProblem, LedgerProblemCode } from './ledgerProblems.ts';
import { quote } from './text.ts';

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
   * `index` is the entry's position among those checked (0 for the first), for a caller that
   * hashed them elsewhere beforehand (the workbench, in a worker, while the page reads).
   */
  hashEntry?: (prevHash: string, token: string, index: number) => string | Promise<string>;
  /**
   * The claims of entry `index`'s token as decodeToken gives its payload, decoded elsewhere
   * beforehand (the workbench, in the worker that hashes the entries), or undefined to decode the
   * token here. Only for a token that decodes; it must be the payload decodeToken gives.
   */
  decodedClaims?: (index: number, token: string) => JsonObject | undefined;
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
        const hashed = opts.hashEntry
          ? opts.hashEntry(e.prevHash, e.token, index)
          : computeEntryHash(e.prevHash, e.token);
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
      let claims: JsonObject | null = null;
      if (typeof e.token === 'string') {
        const known = opts.decodedClaims?.(index, e.token);
        if (known !== undefined) claims = known;
        else {
          const d = decodeToken(e.token);
          if (d.ok) claims = d.decoded.payload;
        }
      }
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

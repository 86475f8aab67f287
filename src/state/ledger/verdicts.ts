/**
 * The verdicts of a ledger's tokens kept with the ledger (IndexedDB), so that opening it again does
 * not verify every signature again: 100,000 tokens took 12.8 s of the page's main thread (and the
 * workers') on every opening, most of a 30 s wait for the Graph tab (issue 17, profiled).
 *
 * What is kept is what the verification workers answer (verifyProtocol.ts): whether each token is
 * valid, and its signature check's outcome; a report is made again from it without any crypto
 * (validStoredReport, verifyStoredWith). A stored verdict counts only
 *  - for the same trust store and settings (their digest is stored with it), and
 *  - for tokens the ledger check vouches for: the first `count` entries, when the check finds no
 *    problem among them and entry #count still has the hash stored with the verdicts. That hash
 *    covers every token up to it, so no token can change under a kept verdict.
 * Whoever can write this record can as well add a key to the keyring, kept in the same database:
 * keeping verdicts there trusts storage no more than the app already does.
 */
import {
  signatureOutcomeOf,
  validStoredReport,
  verifyStoredWith,
  type JsonObject,
  type LedgerCheckReport,
  type Settings,
  type SignatureOutcome,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import { workbenchDb } from '../../storage/db.ts';
import type { EntryRecord } from '../../storage/ledger.ts';
import { yieldToPage } from '../../lib/yieldToPage.ts';

/** The stored form, one record per ledger in the `meta` table. */
export interface StoredVerdicts {
  /** Digest of the trust store's keys and the settings the verdicts were reached with. */
  basis: string;
  /** Verdicts of entries #1 … #count. */
  count: number;
  /** entryHash of entry #count when the verdicts were stored. */
  hashAt: string;
  valid: Uint8Array;
  /** Index in `keys` of the key that verified the signature; -1: no key did (see `failures`). */
  keyIndex: Int16Array;
  keys: { kid: string; issuer: string | null }[];
  /** Signature checks that failed: entry index, and the message. */
  failures: [index: number, message: string][];
}

const recordKey = (ledgerId: string) => `verdicts:${ledgerId}`;
/** Reports made between two chances for the page to paint. */
const SLICE = 5000;

const bases = new WeakMap<TrustStore, WeakMap<Settings, Promise<string>>>();

/** The digest of what a verdict depends on besides the token: the trusted keys and the settings. */
export function verdictBasis(trust: TrustStore, settings: Settings): Promise<string> {
  let bySettings = bases.get(trust);
  if (!bySettings) bases.set(trust, (bySettings = new WeakMap()));
  let basis = bySettings.get(settings);
  if (!basis) {
    const text = JSON.stringify([trust.kind, trust.keys, settings]);
    basis = crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(text))
      .then((d) => Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join(''));
    bySettings.set(settings, basis);
  }
  return basis;
}

/** How many leading entries the ledger check vouches for: those before its first problem. */
export function vouchedFor(check: LedgerCheckReport, length: number): number {
  let first = length + 1;
  for (const p of check.problems) first = Math.min(first, p.seq);
  return Math.max(0, Math.min(length, first - 1));
}

/**
 * The reports of the first entries that stored verdicts cover (none when none apply), made
 * without crypto; `entries[i].claims` must be the claims decoded from `entries[i].token`.
 */
export async function storedReports(
  ledgerId: string,
  entries: readonly EntryRecord[],
  check: LedgerCheckReport,
  trust: TrustStore,
  settings: Settings,
): Promise<VerificationReport[]> {
  let rec: StoredVerdicts | undefined;
  try {
    rec = (await workbenchDb().meta.get(recordKey(ledgerId)))?.value as StoredVerdicts | undefined;
  } catch {
    return []; // unreadable: verify again
  }
  if (!wellFormed(rec) || rec.count > vouchedFor(check, entries.length)) return [];
  if (entries[rec.count - 1]!.entryHash !== rec.hashAt) return [];
  if (rec.basis !== (await verdictBasis(trust, settings))) return [];
  const failed = new Map(rec.failures);
  const ok = rec.keys.map((k): SignatureOutcome => ({ ok: true, kid: k.kid, issuer: k.issuer }));
  const opts = { trust, settings };
  const out: VerificationReport[] = new Array<VerificationReport>(rec.count);
  for (let i = 0; i < rec.count; i++) {
    // 100,000 reports in one go were a 0.3-0.9 s task (with the garbage collection they cause).
    if (i % SLICE === SLICE - 1) await yieldToPage();
    const e = entries[i]!;
    const k = rec.keyIndex[i]!;
    const message = failed.get(i);
    const outcome: SignatureOutcome | null =
      k >= 0 ? ok[k]! : message !== undefined ? { ok: false, message } : null;
    out[i] = rec.valid[i]
      ? validStoredReport(e.token, e.claims as JsonObject, outcome, opts)
      : verifyStoredWith(e.token, opts, outcome);
  }
  return out;
}

/**
 * Whether a stored record has the shape this version writes: anything else (another version's, a
 * record edited or cut short in storage) is ignored and the tokens are verified again.
 */
function wellFormed(rec: StoredVerdicts | undefined): rec is StoredVerdicts {
  if (!rec || typeof rec !== 'object') return false;
  const { count, valid, keyIndex, keys, failures } = rec;
  return (
    Number.isSafeInteger(count) &&
    count >= 1 &&
    typeof rec.basis === 'string' &&
    typeof rec.hashAt === 'string' &&
    valid instanceof Uint8Array &&
    valid.length >= count &&
    keyIndex instanceof Int16Array &&
    keyIndex.length >= count &&
    Array.isArray(keys) &&
    keys.every((k) => typeof k?.kid === 'string' && (k.issuer === null || typeof k.issuer === 'string')) &&
    keyIndex.subarray(0, count).every((k) => k < keys.length) &&
    Array.isArray(failures) &&
    failures.every((f) => Array.isArray(f) && Number.isInteger(f[0]) && typeof f[1] === 'string')
  );
}

/** The compact form of `reports`, the verdicts of entries #1 … #reports.length. */
export function compactVerdicts(
  reports: readonly VerificationReport[],
): Pick<StoredVerdicts, 'valid' | 'keyIndex' | 'keys' | 'failures'> {
  const n = reports.length;
  const valid = new Uint8Array(n);
  const keyIndex = new Int16Array(n).fill(-1);
  const keys: { kid: string; issuer: string | null }[] = [];
  const keyAt = new Map<string, number>();
  const failures: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    const report = reports[i]!;
    valid[i] = report.valid ? 1 : 0;
    // Without making a lazily made report's steps (signatureOutcomeOf reads its outcome).
    const outcome = signatureOutcomeOf(report);
    if (!outcome) continue;
    if (!outcome.ok) {
      failures.push([i, outcome.message]);
      continue;
    }
    const name = `${outcome.kid}\u0000${outcome.issuer === null ? '-' : `+${outcome.issuer}`}`;
    let k = keyAt.get(name);
    if (k === undefined) {
      // More distinct keys than an Int16 holds: keep the verdicts up to here only.
      if (keys.length >= 0x7fff) return compactVerdicts(reports.slice(0, i));
      k = keys.length;
      keys.push({ kid: outcome.kid, issuer: outcome.issuer });
      keyAt.set(name, k);
    }
    keyIndex[i] = k;
  }
  return { valid, keyIndex, keys, failures };
}

/**
 * Keeps the verdicts of the entries the check vouches for (best effort: failing to keep them only
 * means verifying again next time). Nothing is written when what is stored is already that.
 */
export async function keepVerdicts(
  ledgerId: string,
  entries: readonly EntryRecord[],
  reports: readonly VerificationReport[],
  check: LedgerCheckReport,
  trust: TrustStore,
  settings: Settings,
  stored: number,
): Promise<void> {
  const count = vouchedFor(check, Math.min(entries.length, reports.length));
  if (count < 1 || count === stored) return;
  try {
    const compact = compactVerdicts(reports.slice(0, count));
    const kept = compact.valid.length;
    if (kept < 1) return;
    const rec: StoredVerdicts = {
      basis: await verdictBasis(trust, settings),
      count: kept,
      hashAt: entries[kept - 1]!.entryHash,
      ...compact,
    };
    await workbenchDb().meta.put({ key: recordKey(ledgerId), value: rec });
  } catch {
    // quota, a closing database: the next opening verifies again
  }
}

/** Forgets a ledger's verdicts (the ledger is deleted). */
export function forgetVerdicts(ledgerId: string): Promise<void> {
  return workbenchDb()
    .meta.delete(recordKey(ledgerId))
    .catch(() => undefined);
}

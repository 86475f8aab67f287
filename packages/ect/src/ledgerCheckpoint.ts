/**
 * The ledger check's comparisons with what was signed elsewhere: a receipt's values against its
 * entry, and a ledger against a checkpoint it must extend. Split from ledgerCheck.ts, with the
 * formatting their messages share.
 */
import { GENESIS_HASH, type ReceiptClaims } from './chain.ts';
import type { Checkpoint } from './checkpoint.ts';
import { quote } from './text.ts';

/** A hash as messages show it: its first 12 hex digits, or the value quoted when it is not one. */
export const short = (h: unknown): string =>
  typeof h === 'string' && /^[0-9a-f]{64}$/.test(h) ? `${h.slice(0, 12)}…` : quote(h, 24);

/** What a verified receipt signs differently from its entry. */
export function receiptDiff(
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

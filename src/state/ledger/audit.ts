/**
 * Checking the open ledger: its chain, sequence, receipts and pinned checkpoint with the core's one
 * ledger check (wimse-ect's checkLedger), then every token and the DAG rules (the whole-set audit).
 * What the app shows of an entry comes from what the chain covers: the claims (and jti, wid, iss,
 * exec_act) of each entry are replaced by those decoded from its token; a stored copy that differs
 * is a `chain_broken` problem at the entry.
 */
import {
  auditReportsInSlices,
  checkLedger,
  checkpointProblems,
  keyFingerprint,
  type Checkpoint,
  type JsonObject,
  type LedgerCheckReport,
  type LedgerProblem,
  type Settings,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import {
  withDamage,
  type EntryRecord,
  type IndexedDbLedger,
  type SegmentDamage,
} from '../../storage/ledger.ts';
import { verifyStoredReports } from '../../workers/verifyPool.ts';
import { hashesFromWorker } from './chainHashes.ts';
import { useKeyring } from '../keyring.ts';
import { useVerifierSettings } from '../verifierSettings.ts';
import {
  keyringSettled,
  NO_PROBLEMS,
  problemsBySeq,
  storedCheckOptions,
  type LedgerContext,
} from './context.ts';
import { keepVerdicts, storedReports } from './verdicts.ts';
import { yieldToPage } from '../../lib/yieldToPage.ts';

/**
 * Verification reports of the last audit, by token, for one trust store and one set of settings:
 * re-auditing after an import verifies only the new tokens (the DAG half is cheap).
 */
let reportCache: { trust: TrustStore; settings: Settings; reports: Map<string, VerificationReport> } | null =
  null;

/**
 * Reports put in a Map between two chances for the page to paint: a Map of 100,000 tokens (each
 * a few hundred characters to hash) was one task of about 400 ms (issue 17, profiled, load 5).
 */
const CACHE_SLICE = 10_000;

async function putReports(
  into: Map<string, VerificationReport>,
  reports: readonly VerificationReport[],
  at: readonly number[] | null = null,
): Promise<void> {
  const n = at ? at.length : reports.length;
  for (let k = 0; k < n; k++) {
    if (k && k % CACHE_SLICE === 0) await yieldToPage();
    const r = reports[at ? at[k]! : k]!;
    into.set(r.token, r);
  }
}

/** The entry as shown: its claims and their copies taken from its token (empty when it does not decode). */
function fromToken(e: EntryRecord, claims: JsonObject | null): void {
  const c = claims ?? {};
  e.claims = c;
  e.jti = typeof c.jti === 'string' ? c.jti : '';
  for (const k of ['wid', 'iss', 'exec_act'] as const) {
    if (typeof c[k] === 'string') e[k] = c[k];
    else delete e[k];
  }
}

/** The entry with sequence number `seq` (entries are in order, usually seq = position + 1). */
function entryAt(entries: readonly EntryRecord[], seq: number): EntryRecord | undefined {
  const guess = entries[seq - 1];
  return guess?.seq === seq ? guess : entries.find((e) => e.seq === seq);
}

/** The check `base` plus the pinned checkpoint's problems over `entries`. */
async function withPinned(
  base: LedgerCheckReport,
  entries: readonly EntryRecord[],
  pinned: Checkpoint | null,
  ledger: IndexedDbLedger,
): Promise<{ chain: LedgerCheckReport; pinnedProblems: LedgerProblem[] }> {
  if (!pinned) return { chain: base, pinnedProblems: [] };
  const messages = await checkpointProblems(pinned, {
    length: base.lastSeq,
    hashAt: entryAt(entries, pinned.size)?.entryHash,
    fingerprint: ledger.publicKey ? await keyFingerprint(ledger.publicKey) : undefined,
  });
  const pinnedProblems = messages.map((message) => ({
    seq: pinned.size,
    code: 'checkpoint_mismatch' as const,
    message,
  }));
  if (!pinnedProblems.length) return { chain: base, pinnedProblems };
  const problems = [...base.problems, ...pinnedProblems].sort((a, b) => a.seq - b.seq);
  return { chain: { ...base, ok: false, problems, firstBreak: problems[0]! }, pinnedProblems };
}

export interface Auditor {
  /**
   * Reads the entries, checks the ledger, audits. `append`: the entries shown are still those of
   * the ledger (it only grew: an import, another tab), so only the new entries are read and
   * checked, continuing the last check; `own` are entries this tab hashed itself a moment ago
   * (linked, not hashed again). Otherwise (opening a ledger, Re-check, a checkpoint pinned)
   * everything is read and checked from storage.
   */
  reaudit(opts?: { append?: boolean; own?: readonly EntryRecord[] }): Promise<void>;
  /** Stops the audit that is running (an import is about to start its own). */
  interrupt(): void;
}

export function makeAuditor(ctx: LedgerContext): Auditor {
  /** The latest audit run: an older one that is still running stops writing the state. */
  let auditRun = 0;
  /** Aborts the verification of the audit run that a newer one replaces. */
  let auditAbort = new AbortController();
  const nextAuditRun = () => {
    auditAbort.abort();
    auditAbort = new AbortController();
    return ++auditRun;
  };

  /** Signs a checkpoint of what was just checked, when it is intact and the ledger has a key. */
  const latestCheckpoint = async (
    ledger: IndexedDbLedger,
    chain: LedgerCheckReport,
    current: () => boolean,
  ) => {
    if (!chain.ok) return ctx.set({ checkpoint: null });
    const kept = ctx.get().checkpoint;
    if (kept && kept.size === chain.lastSeq && kept.head === chain.head) return;
    const jws = await ledger.checkpoint(chain.lastSeq, chain.head);
    if (!current()) return;
    ctx.set({
      checkpoint: jws
        ? { jws, size: chain.lastSeq, head: chain.head, time: Math.floor(Date.now() / 1000) }
        : null,
    });
  };

  const reaudit: Auditor['reaudit'] = async (opts = {}) => {
    const run = nextAuditRun();
    const { signal } = auditAbort;
    const ledger = ctx.open;
    const current = () => run === auditRun && ctx.open === ledger;
    if (!ledger) {
      ctx.base = null;
      return ctx.set({ entries: [], chain: null, problems: NO_PROBLEMS, audit: null, progress: null });
    }
    await ledger.refresh();
    const { entries: shown, currentId } = ctx.get();
    const base = ctx.base;
    const checkOpts = storedCheckOptions(ctx, ledger);
    let entries: EntryRecord[];
    let checked: LedgerCheckReport;
    let damage: readonly SegmentDamage[];
    if (
      opts.append &&
      currentId === ledger.id &&
      base !== null &&
      base.length === shown.length &&
      (shown.at(-1)?.seq ?? 0) === shown.length
    ) {
      // Entries this tab has just written need not be read back, unless another tab appended too.
      const own = opts.own ?? [];
      const ownAreNew =
        own.length > 0 && own[0]!.seq === shown.length + 1 && own.at(-1)!.seq === ledger.head.seq;
      const read = ownAreNew ? { entries: own, damage: [] } : await ledger.entriesToCheck(shown.length + 1);
      if (!current()) return;
      const fresh = read.entries;
      entries = fresh.length ? shown.concat(fresh) : shown;
      ctx.set({ progress: { phase: 'auditing', done: 0, total: entries.length } });
      checked = await checkLedger(fresh, {
        ...checkOpts,
        after: base,
        own: new Set<object>(own),
        onClaims: (i, claims) => fromToken(fresh[i]!, claims),
        pause: yieldToPage,
      });
      damage = read.damage;
    } else {
      // A large ledger's entries are hashed in a worker while this thread reads them (chainHashes.ts).
      const hashes = hashesFromWorker(ledger.id, ledger.head.seq);
      try {
        const read = await ledger.entriesToCheck();
        if (!current()) return;
        const all = (entries = read.entries);
        ctx.set({ progress: { phase: 'auditing', done: 0, total: entries.length } });
        checked = await checkLedger(entries, {
          ...checkOpts,
          ...(hashes
            ? {
                hashEntry: (prev, token, i) => hashes.hash(all[i]!.seq, prev, token),
                decodedClaims: (i, token) => hashes.claims(all[i]!.seq, all[i]!.prevHash, token),
              }
            : {}),
          onClaims: (i, claims) => fromToken(all[i]!, claims),
          pause: yieldToPage,
        });
        damage = read.damage;
        if (hashes) {
          performance.mark('ect.ledger.worker_hashes', { detail: hashes.fromWorker });
          performance.mark('ect.ledger.worker_claims', { detail: hashes.claimsFromWorker });
        }
      } finally {
        hashes?.stop();
      }
    }
    // What is wrong with the stored segments themselves (segmentRead.ts), which the check cannot
    // see: part of the report, and of the base an append's check continues from.
    checked = withDamage(checked, damage);
    if (!current()) return;
    const { chain, pinnedProblems } = await withPinned(checked, entries, ctx.pinned, ledger);
    if (!current()) return;
    ctx.base = checked;
    const pinned = ctx.get().pinned;
    ctx.set({
      entries,
      chain,
      problems: problemsBySeq(chain.problems),
      ...(pinned ? { pinned: { ...pinned, problems: pinnedProblems } } : {}),
    });
    await latestCheckpoint(ledger, chain, current);

    await keyringSettled();
    const { trust } = useKeyring.getState();
    const { settings } = useVerifierSettings.getState();
    const cache =
      reportCache && reportCache.trust === trust && reportCache.settings === settings
        ? reportCache.reports
        : new Map<string, VerificationReport>();
    const reports: VerificationReport[] = new Array<VerificationReport>(entries.length);
    let missing: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (i && i % CACHE_SLICE === 0) {
        await yieldToPage();
        if (!current()) return;
      }
      const report = cache.get(entries[i]!.token);
      if (report) reports[i] = report;
      else missing.push(i);
    }
    // Opening a ledger: the verdicts kept with it (verdicts.ts) spare verifying it all again.
    let stored = 0;
    if (missing.length && !opts.append) {
      const kept = await storedReports(ledger.id, entries, checked, trust, settings);
      if (!current()) return;
      stored = kept.length;
      kept.forEach((r, i) => (reports[i] ??= r));
      if (stored) missing = missing.filter((i) => i >= stored);
    }
    if (missing.length) {
      const known = entries.length - missing.length;
      let fresh: VerificationReport[];
      try {
        // On every core (src/workers/), or here for a few tokens.
        fresh = await verifyStoredReports(
          missing.map((i) => entries[i]!.token),
          {
            trust,
            settings,
            // The claims the ledger check decoded from each token (fromToken): not decoded again.
            payloads: missing.map((i) => entries[i]!.claims as JsonObject),
            signal,
            helpFrom: Promise.resolve(), // this thread has nothing else to do meanwhile
            onProgress: (done) => {
              if (current())
                ctx.set({ progress: { phase: 'auditing', done: known + done, total: entries.length } });
            },
          },
        );
      } catch (e) {
        if (!current()) return; // replaced by a newer audit
        throw e;
      }
      missing.forEach((i, k) => (reports[i] = fresh[k]!));
    }
    if (!current()) return;
    if (cache === reportCache?.reports && cache.size + missing.length === entries.length) {
      // The cache holds this ledger's reports and nothing else: only the fresh ones go in.
      await putReports(cache, reports, missing);
    } else {
      const map = new Map<string, VerificationReport>();
      await putReports(map, reports);
      if (!current()) return;
      reportCache = { trust, settings, reports: map };
    }
    // In slices: the DAG half of 100,000 tokens was one task of 0.8-1.6 s (issue 17, profiled).
    const audit = await auditReportsInSlices(reports, settings, yieldToPage);
    if (!current()) return;
    ctx.set({ audit, progress: null });
    // The audit's last pass, the render of its verdicts and the verdicts' compaction for keeping
    // were one task: 160 ms at 250,000 entries, 321 ms with a GC in it (profiled, session 10).
    await yieldToPage();
    // Awaited: a page opened right after (a reload) finds them, whatever the timing. Not awaiting
    // made the kept-verdicts tests flaky once hashing stopped yielding per entry (entryHash.ts).
    await keepVerdicts(ledger.id, entries, reports, checked, trust, settings, stored);
  };

  return { reaudit, interrupt: () => void nextAuditRun() };
}

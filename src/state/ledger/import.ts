/**
 * Importing into the open ledger: any input form, or a bundle. A bundle is checked first with the
 * core's ledger check (its chain, receipts, own checkpoint): one with problems is refused, naming
 * each problem at its entry, unless the user chooses to import its tokens anyway (as new entries
 * of this ledger, which its audit then checks like any others). The write is one transaction.
 */
import {
  BundleError,
  checkBundle,
  decodeToken,
  isBundleDocument,
  parseBundle,
  splitInput,
  type JsonObject,
  type LedgerBundle,
  type LedgerProblem,
} from 'wimse-ect';
import { LedgerDeletedError, type EntryRecord } from '../../storage/ledger.ts';
import { verifyStoredReports, verifyWorkerCount } from '../../workers/verifyPool.ts';
import { useKeyring } from '../keyring.ts';
import { useVerifierSettings } from '../verifierSettings.ts';
import type { Auditor } from './audit.ts';
import { keyringSettled, type ImportResult, type LedgerContext } from './context.ts';
import { yieldToPage } from '../../lib/yieldToPage.ts';
import {
  isJsonStart,
  SPLIT_BLOCK,
  splitLinesInBlocks,
  wholeWhereNeeded,
  type TextInput,
} from '../../lib/textParts.ts';

export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled: nothing was written');
    this.name = 'ImportCancelled';
  }
}

/** A bundle whose own ledger check found problems: nothing was written. */
export class BundleRefused extends Error {
  /** Each problem, with the jti of the bundle's entry it is at (when that entry decodes). */
  readonly problems: (LedgerProblem & { jti?: string })[];
  readonly entries: number;
  constructor(bundle: LedgerBundle, problems: readonly LedgerProblem[]) {
    const n = problems.length;
    super(
      `the bundle's own ledger check found ${n} problem${n === 1 ? '' : 's'}, the first at entry #${problems[0]!.seq}: nothing was written`,
    );
    this.name = 'BundleRefused';
    this.entries = bundle.entries.length;
    const jtiAt = new Map<number, string>();
    for (const e of bundle.entries) {
      const d = decodeToken(e.token);
      if (d.ok && typeof d.decoded.payload.jti === 'string') jtiAt.set(e.seq, d.decoded.payload.jti);
    }
    this.problems = problems.map((p) => (jtiAt.has(p.seq) ? { ...p, jti: jtiAt.get(p.seq)! } : { ...p }));
  }
}

/** The bundle in `text`, when it is one (its shape checked: BundleError otherwise). */
function bundleIn(text: string): LedgerBundle | null {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed.startsWith('{')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return null; // not JSON: read as lines of tokens
  }
  return isBundleDocument(doc) ? parseBundle(doc) : null;
}

/**
 * splitInput's tokens of `text`. A text in the line form (one string or the slices a file was read
 * in) is split a block of lines at a time, the page given a turn between blocks; a JSON text (an
 * array of tokens) is parsed at once, as before.
 */
async function tokensIn(text: TextInput): Promise<string[]> {
  if (typeof text === 'string' && (text.length <= SPLIT_BLOCK || isJsonStart(text)))
    return splitInput(text).tokens;
  return splitLinesInBlocks(text);
}

export async function importText(
  ctx: LedgerContext,
  auditor: Auditor,
  text: TextInput,
  opts: { signal?: AbortSignal; acceptBundleProblems?: boolean },
): Promise<ImportResult> {
  if (!ctx.open) throw new Error('no ledger is open');
  const ledger = ctx.open;
  const check = () => {
    if (opts.signal?.aborted) throw new ImportCancelled();
  };
  ctx.importing = true;
  // An audit still running is stopped (its progress would mix with the import's); the import
  // audits again when it is written, and a failed or cancelled import resumes the audit.
  const interrupted = ctx.get().progress !== null;
  auditor.interrupt();
  // Verification of a large import starts at once, in the workers, while this thread decodes,
  // hashes, writes and checks the ledger; the audit after that gets the reports from it.
  const early = new AbortController();
  // The import's stages as User Timing measures (DevTools' Performance panel, the bench).
  let since = performance.now();
  const mark = (stage: string) => {
    const now = performance.now();
    performance.measure(`ect.import.${stage}`, { start: since, end: now });
    since = now;
  };
  try {
    // Slices of a JSON text are joined (a bundle, an array of tokens); lines are split as they are.
    text = wholeWhereNeeded(text);
    const bundle = typeof text === 'string' ? bundleIn(text) : null;
    let bundleProblems = 0;
    if (bundle) {
      ctx.set({ progress: { phase: 'checking', done: 0, total: bundle.entries.length }, error: null });
      const report = await checkBundle(bundle);
      check();
      if (!report.ok && !opts.acceptBundleProblems) throw new BundleRefused(bundle, report.problems);
      bundleProblems = report.problems.length;
    }
    const tokens = bundle ? bundle.entries.map((e) => e.token) : await tokensIn(text);
    check();
    ctx.set({ progress: { phase: 'reading', done: 0, total: tokens.length }, error: null });
    const payloads: (JsonObject | undefined)[] = new Array<JsonObject | undefined>(tokens.length);
    await keyringSettled();
    const { trust } = useKeyring.getState();
    const { settings } = useVerifierSettings.getState();
    if (verifyWorkerCount(tokens.length) > 0) {
      // No helpFrom: this thread joins in when the audit asks for these reports (verifyPool.ts's
      // joinRunning), once its own work is done: decoding, hashing, writing, the ledger check.
      // Joining when the write was done left the audit's own work to after the last verdict,
      // with the worker idle (issue 17, session 7: 3.5 s of a 17 s import, traced).
      verifyStoredReports(tokens, {
        trust,
        settings,
        payloads, // filled in below, long before the workers are done (or decoded there)
        signal: early.signal,
      }).catch(() => undefined); // the audit's call gets the reports, or verifies them itself
    }
    const items: { token: string; claims: Record<string, unknown> }[] = [];
    const skipped: ImportResult['skipped'] = [];
    for (let i = 0; i < tokens.length; i++) {
      const d = decodeToken(tokens[i]!);
      // Tokens that decode are kept whatever their defects (the audit shows them);
      // text that is not a token at all has no place in a ledger.
      if (d.ok) {
        items.push({ token: d.decoded.token, claims: d.decoded.payload });
        payloads[i] = d.decoded.payload;
      } else skipped.push({ index: i, message: d.problem.message });
      if (i % 1000 === 999) {
        ctx.set({ progress: { phase: 'reading', done: i + 1, total: tokens.length } });
        await yieldToPage();
        check();
      }
    }
    check();
    mark('reading');
    let written: EntryRecord[] = [];
    if (items.length) {
      ctx.set({ progress: { phase: 'hashing', done: 0, total: items.length } });
      try {
        written = await ledger.appendBatch(items, {
          ...(opts.signal ? { signal: opts.signal } : {}),
          onProgress: (done, total) =>
            ctx.set({ progress: { phase: done === total ? 'writing' : 'hashing', done, total } }),
        });
      } catch (e) {
        // Aborted before the write: the storage wrote nothing.
        if (opts.signal?.aborted) throw new ImportCancelled();
        throw e;
      }
    }
    mark('writing');
    ctx.importing = false;
    await auditor.reaudit({ append: true, own: written });
    mark('auditing');
    return { added: items.length, skipped, ...(bundle && bundleProblems ? { bundleProblems } : {}) };
  } catch (e) {
    early.abort();
    ctx.set({ progress: null });
    ctx.importing = false;
    if (e instanceof LedgerDeletedError) {
      // Deleted in another tab meanwhile: nothing was written; show the ledgers as they are now.
      void ctx
        .get()
        .load()
        .catch(() => undefined);
    } else if (interrupted || !ctx.get().audit) void auditor.reaudit().catch(() => undefined);
    if (e instanceof BundleError)
      throw new Error(`this is not a usable ledger bundle: ${e.message}`, { cause: e });
    throw e;
  } finally {
    ctx.importing = false;
    early.abort(); // nobody needs what is still being verified (the audit had it all, or failed)
  }
}

/**
 * Verification of stored tokens (a whole-set audit's steps 1-10) on every core: a pool of module
 * workers (verify.worker.ts), one per core, each running the core's verifyTokens on chunks.
 * WebCrypto checks a signature on the thread that asks for it (Chromium does it in the call
 * itself), so one thread checks one signature at a time; the workers check several at once.
 *
 * The workers answer compactly (valid or not, and which key verified: see verifyProtocol.ts),
 * and the page makes the reports from that without any crypto: a valid token's report is built
 * only when something looks at its steps (validStoredReport), an invalid one's at once
 * (verifyStoredWith). Small sets, and places without workers (Node, tests), are verified on this
 * thread as before.
 */
import {
  decodeToken,
  validStoredReport,
  verifyStoredWith,
  type JsonObject,
  type Settings,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import {
  keepWorkers,
  newRun,
  pacer,
  SLICE,
  verifyInWorkers,
  verifySlice,
  type Verdicts,
  type VerifyRun,
} from './verifyChunks.ts';
import { yieldToPage } from '../lib/yieldToPage.ts';

export { chunkSize, type VerifyRun } from './verifyChunks.ts';

const MAX_WORKERS = 4;
/** Below this many tokens, this thread verifies them itself: starting workers would cost more. */
export const MIN_FOR_WORKERS = 200;
/**
 * With 2 or 3 cores, workers only from this many tokens: below, they lost to one thread whenever
 * other work kept the machine busy (see verifyWorkerPlan).
 */
export const MIN_FOR_WORKERS_FEW_CORES = 50_000;

let configured: number | null = null;

/**
 * The per-import decision (issue 17): how many verification workers a set of `tokens` gets on a
 * machine of `cores` cores (0: this thread verifies them). No page can read the machine's load,
 * so the rule is by size and cores. One core is left to this thread, which decodes, hashes,
 * writes and audits meanwhile, then verifies what the workers have not taken.
 *
 * On 2 cores (this project's machine, shared with other sessions' work: load 7-14 through
 * session 5), the workers lost to one thread at every size up to 30,000 (`BENCH_LOAD=2
 * BENCH_WORKERS=1,2 npm run bench:browser`): 1 worker 0.92x at 3,000 (1.54x the CPU time),
 * 0.72-1.01x at 10,000, 0.76x at 30,000 (1.18x the CPU time); 2 workers 0.75-0.91x at 10,000.
 * What workers gain on 2 cores is at the largest sizes, where one thread slows down (100,000:
 * 1.59x with 2 workers at load 0.7-1.7 this morning; 0.62-1.01x at load 8 with 1 or 2 workers
 * later): so workers from MIN_FOR_WORKERS_FEW_CORES on. With 4 cores and more, three spare
 * cores stand a busy machine better: from MIN_FOR_WORKERS (not measured: no such machine here).
 *
 * Session 6 (100,000 tokens, 2 cores): the app's choice (1 worker) gave 1.39x and 1 worker forced
 * 1.61x in session 5's one round, but both are this same code path, and a cold pool is not the
 * difference (the app's choice ran first, its worker new): cold 42.4 and 47.9 s, warm 42.0 and
 * 62.5 s, alternated, load 9-10. Three rounds alternated at load 6-12: one thread 30.4-69.2 s
 * (median 37.7), 1 worker 30.8-43.2 (30.9), 2 workers 24.7-39.3 (32.5): no case for 2 workers on
 * 2 cores under load. With workers, the page's own reading and hashing took 2-4x longer (reading
 * 1.2-3.9 s alone, 3.0-8.1 s beside 1 worker, 6.5-15.1 s beside 2): Linux shares the CPU between
 * sessions first, so a worker adds no share for the browser, it only splits it.
 */
export function verifyWorkerPlan(tokens: number, cores: number): number {
  const spare = Math.min(MAX_WORKERS, Math.floor(cores) - 1);
  if (spare < 1 || tokens < MIN_FOR_WORKERS) return 0;
  if (cores < 4 && tokens < MIN_FOR_WORKERS_FEW_CORES) return 0;
  return spare;
}

/** The machine's cores, as the page can know them (2 where it cannot tell). */
function coresHere(): number {
  return typeof navigator === 'undefined' ? 2 : navigator.hardwareConcurrency || 2;
}

/** How many workers verify a set of `tokens` here (0: this thread does): the plan, or what a benchmark set. */
export function verifyWorkerCount(tokens: number): number {
  if (typeof Worker === 'undefined') return 0;
  if (configured !== null) return tokens < MIN_FOR_WORKERS ? 0 : configured;
  return verifyWorkerPlan(tokens, coresHere());
}

/** Sets the number of workers (0: verify on this thread; null: the plan's). For benchmarks. */
export function setVerifyWorkerCount(n: number | null): void {
  configured = n === null ? null : Math.max(0, Math.floor(n));
  keepWorkers(configured ?? Math.min(MAX_WORKERS, coresHere()));
}

export interface VerifyStoredOptions {
  trust: TrustStore;
  settings: Settings;
  /** The decoded payload of each token when the caller has it (saves decoding it again here). */
  payloads?: readonly (JsonObject | undefined)[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * When this settles, this thread verifies too (the import passes the end of its own work):
   * first the chunks no worker has taken yet, then, from the last, those a worker still holds
   * (the first answer for a chunk counts). Whether workers pay off depends on the machine's load
   * as much as on its cores (issue 17: 10,000 tokens on 2 cores, 1.36x faster with workers at
   * load 0-1, 0.76x at load 1-4), and no page can read the load: so the decision is made as the
   * import runs, and with a loaded machine this thread ends up doing what the workers have not.
   */
  helpFrom?: Promise<unknown>;
}

let lastRun: VerifyRun | null = null;
/** The last set's split between the workers and this thread, and its times (for the bench). */
export function lastVerifyRun(): VerifyRun | null {
  return lastRun;
}

/** A set being verified in the workers, which a later call for the same tokens joins. */
interface Running {
  tokens: readonly string[];
  trust: TrustStore;
  settings: Settings;
  reports: Promise<VerificationReport[]>;
  /** From now on, this thread verifies too. */
  help(): void;
  /** Progress of the joined calls, each told its own share. */
  listeners: Set<(done: number, total: number) => void>;
}
let running: Running | null = null;

/**
 * Stored-mode verification reports of `tokens`, in order: the same as verifyToken's, on every
 * core. A call for tokens that a set still being verified holds (in the same order, with the
 * same trust store and settings) gets their reports from it instead of verifying them again: the
 * import starts its tokens' verification at once, and the audit after the write asks for them
 * again, having done its own work (the ledger check) meanwhile.
 */
export async function verifyStoredReports(
  tokens: readonly string[],
  opts: VerifyStoredOptions,
): Promise<VerificationReport[]> {
  const joined = joinRunning(tokens, opts);
  if (joined) {
    const reports = await joined;
    if (reports) return reports;
  }
  const count = verifyWorkerCount(tokens.length);
  if (count === 0) {
    const run = newRun(0);
    lastRun = run;
    const t0 = performance.now();
    const reports = await verifyHere(tokens, opts);
    run.byPage = tokens.length;
    run.ms = run.pageMs = performance.now() - t0;
    return reports;
  }
  const listeners = new Set<(done: number, total: number) => void>();
  const onProgress = (done: number, total: number) => {
    opts.onProgress?.(done, total);
    for (const l of listeners) l(done, total);
  };
  const run = newRun(count);
  lastRun = run;
  const t0 = performance.now();
  // Reports of each chunk the workers answer, made as it arrives: all at the end, they were the
  // last thing before the audit's own, with the worker idle (issue 17, session 7, profiled).
  const onVerdicts = (start: number, end: number, verdicts: Verdicts) => {
    const r0 = performance.now();
    for (let i = start; i < end; i++) verdicts.reports[i] = reportOf(tokens, i, verdicts, opts);
    run.reportsMs += performance.now() - r0;
  };
  const chunked = verifyInWorkers(
    tokens,
    count,
    {
      trust: opts.trust,
      settings: opts.settings,
      onProgress,
      onVerdicts,
      helps: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    run,
  );
  opts.helpFrom?.then(chunked.help, () => undefined);
  const reports = chunked.verdicts.then(
    async (verdicts) => {
      const made = await reportsOf(tokens, verdicts, opts, run);
      run.ms = performance.now() - t0;
      return made;
    },
    (e: unknown) => {
      if (opts.signal?.aborted) throw e;
      // Workers unavailable or broken (a browser that refuses module workers, a crash): this thread.
      console.warn(`verification workers failed, verifying on the page instead: ${String(e)}`);
      return verifyHere(tokens, opts);
    },
  );
  const self: Running = {
    tokens,
    trust: opts.trust,
    settings: opts.settings,
    reports,
    help: chunked.help,
    listeners,
  };
  running = self;
  const forget = () => {
    if (running === self) running = null;
  };
  reports.then(forget, forget);
  return reports;
}

/**
 * Where each of `tokens` is in `all`, when `all` holds them all in the same order (null when it
 * does not). The audit's tokens are the import's less those that do not decode: the same strings,
 * so mostly compared by identity; one pass over both.
 */
export function positionsIn(tokens: readonly string[], all: readonly string[]): Int32Array | null {
  const at = new Int32Array(tokens.length);
  let p = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    while (p < all.length && all[p] !== t) p++;
    if (p === all.length) return null;
    at[k] = p++;
  }
  return at;
}

/**
 * The reports of `tokens` from the set being verified, when it holds them all in the same order
 * (null: it does not, or it failed; then the caller verifies them itself).
 */
function joinRunning(
  tokens: readonly string[],
  opts: VerifyStoredOptions,
): Promise<VerificationReport[] | null> | null {
  const r = running;
  if (!r || r.trust !== opts.trust || r.settings !== opts.settings || !tokens.length) return null;
  const at = positionsIn(tokens, r.tokens);
  if (!at) return null;
  opts.helpFrom?.then(r.help, () => undefined);
  const { onProgress, signal } = opts;
  const listener = onProgress
    ? (done: number, total: number) =>
        onProgress(Math.min(tokens.length, Math.round((done / total) * tokens.length)), tokens.length)
    : null;
  if (listener) r.listeners.add(listener);
  return new Promise<VerificationReport[] | null>((resolve, reject) => {
    const aborted = () => reject(signal!.reason);
    if (signal?.aborted) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
    r.reports.then(
      (reports) => resolve(Array.from(at, (i) => reports[i]!)),
      () => resolve(null),
    );
  }).finally(() => {
    if (listener) r.listeners.delete(listener);
  });
}

/**
 * The report of token `i` from its verdict, made here without crypto: a valid token's report is
 * built only when something looks at its steps (validStoredReport), an invalid one's at once.
 */
function reportOf(
  tokens: readonly string[],
  i: number,
  verdicts: Verdicts,
  { trust, settings, payloads }: VerifyStoredOptions,
): VerificationReport {
  const token = tokens[i]!.trim();
  const outcome = verdicts.outcome[i] ?? null;
  let payload: JsonObject | undefined;
  if (verdicts.valid[i]) {
    payload = payloads?.[i];
    if (!payload) {
      const d = decodeToken(token);
      if (d.ok) payload = d.decoded.payload;
    }
  }
  return payload
    ? validStoredReport(token, payload, outcome, { trust, settings })
    : verifyStoredWith(token, { trust, settings }, outcome);
}

/** The reports of the whole set: those made as the verdicts came, and any still to make. */
async function reportsOf(
  tokens: readonly string[],
  verdicts: Verdicts,
  opts: VerifyStoredOptions,
  run: VerifyRun,
): Promise<VerificationReport[]> {
  const { reports } = verdicts;
  let since = performance.now();
  for (let i = 0; i < tokens.length; i++) {
    // At 100,000 tokens one loop making them was the import's longest task (profiled, session
    // 6), so it lets the page paint and take input every ~40 ms.
    if ((i & 255) === 255 && performance.now() - since > 40) {
      run.reportsMs += performance.now() - since;
      await yieldToPage();
      opts.signal?.throwIfAborted();
      since = performance.now();
    }
    reports[i] ??= reportOf(tokens, i, verdicts, opts);
  }
  run.reportsMs += performance.now() - since;
  return reports as VerificationReport[];
}

/** This thread, one token after another (what the page did before the workers). */
async function verifyHere(
  tokens: readonly string[],
  { trust, settings, signal, onProgress }: VerifyStoredOptions,
): Promise<VerificationReport[]> {
  const reports: VerificationReport[] = [];
  const pace = pacer();
  for (let start = 0; start < tokens.length; start += SLICE) {
    signal?.throwIfAborted();
    reports.push(...(await verifySlice(tokens.slice(start, start + SLICE), trust, settings)));
    // Progress when the page gets a turn (about every 30 ms), not after every slice of 50.
    if (await pace()) onProgress?.(reports.length, tokens.length);
  }
  if (tokens.length) onProgress?.(tokens.length, tokens.length);
  return reports;
}

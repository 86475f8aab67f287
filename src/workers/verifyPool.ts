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
  signatureOutcomeOf,
  validStoredReport,
  verifyStoredWith,
  verifyTokens,
  type JsonObject,
  type Settings,
  type SignatureOutcome,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import type { VerifyRequest, VerifyResponse } from './verifyProtocol.ts';
import { yieldToPage } from '../lib/yieldToPage.ts';

const MAX_WORKERS = 4;
/** The largest chunk, in tokens: small enough for smooth progress, large enough to cost little. */
const CHUNK = 1000;
/** The smallest chunk: below this, a message costs more than the tokens in it. */
const MIN_CHUNK = 100;
/** Chunks queued per worker, so that none waits for its next one. */
const IN_FLIGHT = 2;
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
  const keep = configured ?? Math.min(MAX_WORKERS, coresHere());
  for (const slot of slots.splice(keep)) slot.worker.terminate();
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

/** Who verified the last set: workers started, and tokens verified by them and by this thread. */
export interface VerifyRun {
  workers: number;
  byWorkers: number;
  byPage: number;
}
let lastRun: VerifyRun | null = null;
/** The last set's split between the workers and this thread (for the bench and the progress view). */
export function lastVerifyRun(): VerifyRun | null {
  return lastRun;
}

/** Stored-mode verification reports of `tokens`, in order: the same as verifyToken's, on every core. */
export async function verifyStoredReports(
  tokens: readonly string[],
  opts: VerifyStoredOptions,
): Promise<VerificationReport[]> {
  if (verifyWorkerCount(tokens.length) === 0) {
    lastRun = { workers: 0, byWorkers: 0, byPage: tokens.length };
    return verifyHere(tokens, opts);
  }
  let verdicts: Verdicts;
  try {
    verdicts = await verifyInWorkers(tokens, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    // Workers unavailable or broken (a browser that refuses module workers, a crash): this thread.
    console.warn(`verification workers failed, verifying on the page instead: ${String(e)}`);
    return verifyHere(tokens, opts);
  }
  const { trust, settings } = opts;
  const reports: VerificationReport[] = new Array<VerificationReport>(tokens.length);
  let since = performance.now();
  for (let i = 0; i < tokens.length; i++) {
    // The workers' verdicts become reports here, on the page: at 100,000 tokens one loop over them
    // was the import's longest task (profiled, session 6: validStoredReport and noteOutcome), so
    // it lets the page paint and take input every ~40 ms.
    if ((i & 255) === 255 && performance.now() - since > 40) {
      await yieldToPage();
      opts.signal?.throwIfAborted();
      since = performance.now();
    }
    const here = verdicts.reports[i];
    if (here) {
      reports[i] = here;
      continue;
    }
    const token = tokens[i]!.trim();
    const outcome = verdicts.outcome[i] ?? null;
    let payload: JsonObject | undefined;
    if (verdicts.valid[i]) {
      payload = opts.payloads?.[i];
      if (!payload) {
        const d = decodeToken(token);
        if (d.ok) payload = d.decoded.payload;
      }
    }
    const report = payload
      ? validStoredReport(token, payload, outcome, { trust, settings })
      : verifyStoredWith(token, { trust, settings }, outcome);
    noteOutcome(report, outcome);
    reports[i] = report;
  }
  return reports;
}

/**
 * Signature outcomes of reports made from one (the workers' verdicts, and the ledger's stored
 * ones: src/state/ledger/verdicts.ts): asking such a report for its key makes its steps again.
 */
const outcomes = new WeakMap<VerificationReport, SignatureOutcome | null>();

/** Notes the outcome a report was made from. */
export function noteOutcome(report: VerificationReport, outcome: SignatureOutcome | null): void {
  outcomes.set(report, outcome);
}

/** Step 7's outcome of a report, without making a lazily made report's steps. */
export function outcomeOf(report: VerificationReport): SignatureOutcome | null {
  return outcomes.has(report) ? outcomes.get(report)! : signatureOutcomeOf(report);
}

/** This thread, one token after another (what the page did before the workers). */
async function verifyHere(
  tokens: readonly string[],
  { trust, settings, signal, onProgress }: VerifyStoredOptions,
): Promise<VerificationReport[]> {
  const reports: VerificationReport[] = [];
  for (let start = 0; start < tokens.length; start += SLICE) {
    signal?.throwIfAborted();
    reports.push(...(await verifySlice(tokens.slice(start, start + SLICE), trust, settings)));
    onProgress?.(reports.length, tokens.length);
  }
  return reports;
}

/**
 * Tokens this thread verifies in one task. Chromium checks a signature within the call and
 * settles the promise without a task in between, so a set verified at once was one task: 209 s
 * for the page's share of a 250,000-token import at load 20 (issue 17). 200 tokens: about 50 ms
 * at 4,000 verifications per second.
 */
const SLICE = 200;

/** Verifies a slice on this thread, then lets the page paint and take input. */
async function verifySlice(
  tokens: readonly string[],
  trust: TrustStore,
  settings: Settings,
): Promise<VerificationReport[]> {
  const reports = await verifyTokens(tokens, { trust, settings, mode: 'stored' });
  await yieldToPage();
  return reports;
}

interface Verdicts {
  valid: Uint8Array;
  outcome: (SignatureOutcome | null)[];
  /** The reports of the chunks this thread verified itself. */
  reports: (VerificationReport | undefined)[];
}

interface Slot {
  worker: Worker;
  /** The trust store this worker holds. */
  trust: TrustStore | null;
  pending: Map<number, { resolve(r: Extract<VerifyResponse, { ok: true }>): void; reject(e: Error): void }>;
}

const slots: Slot[] = [];
const trustIds = new WeakMap<TrustStore, number>();
let nextTrustId = 1;
let nextId = 1;

function workerSlot(k: number): Slot {
  let s = slots[k];
  if (s) return s;
  const worker = new Worker(new URL('./verify.worker.ts', import.meta.url), {
    type: 'module',
    name: `ect-verify-${k + 1}`,
  });
  const made: Slot = { worker, trust: null, pending: new Map() };
  worker.onmessage = (event: MessageEvent<VerifyResponse>) => {
    const res = event.data;
    const p = made.pending.get(res.id);
    if (!p) return;
    made.pending.delete(res.id);
    if (res.ok) p.resolve(res);
    else p.reject(new Error(res.error));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    const error = new Error(`a verification worker failed: ${event.message || 'unknown error'}`);
    for (const p of made.pending.values()) p.reject(error);
    made.pending.clear();
    worker.terminate();
    const at = slots.indexOf(made);
    if (at >= 0) slots.splice(at, 1);
  };
  slots[k] = made;
  return made;
}

function send(s: Slot, trust: TrustStore, settings: Settings, tokens: string[]) {
  let trustId = trustIds.get(trust);
  if (trustId === undefined) trustIds.set(trust, (trustId = nextTrustId++));
  const req: VerifyRequest = { id: nextId++, trustId, settings, tokens };
  if (s.trust !== trust) {
    req.trust = trust;
    s.trust = trust;
  }
  return new Promise<Extract<VerifyResponse, { ok: true }>>((resolve, reject) => {
    s.pending.set(req.id, { resolve, reject });
    s.worker.postMessage(req);
  });
}

/**
 * The size of the next chunk when `left` tokens are not yet handed out to `threads` verifying
 * threads (the workers and this one): a share of what is left, so the chunks shrink towards the
 * end (guided self-scheduling). A chunk still held by a worker at the end is verified again by this
 * thread when it has nothing else to do (the first answer counts): small last chunks keep that
 * double work small. Fixed chunks of total / (workers x 8) let a 10,000-token import end with up to
 * 4 chunks of 625 in flight (a quarter of the set) for this thread to verify a second time.
 */
export function chunkSize(left: number, threads: number): number {
  return Math.min(left, CHUNK, Math.max(MIN_CHUNK, Math.ceil(left / (2 * Math.max(1, threads)))));
}

async function verifyInWorkers(tokens: readonly string[], opts: VerifyStoredOptions): Promise<Verdicts> {
  const { trust, settings, signal, onProgress } = opts;
  const total = tokens.length;
  const valid = new Uint8Array(total);
  const outcome: (SignatureOutcome | null)[] = new Array<SignatureOutcome | null>(total).fill(null);
  const reports: (VerificationReport | undefined)[] = new Array<VerificationReport | undefined>(total);
  const count = verifyWorkerCount(total);
  const threads = count + (opts.helpFrom ? 1 : 0);
  interface Chunk {
    start: number;
    end: number;
    state: 'taken' | 'done';
    helped: boolean;
  }
  /** Chunks handed out, in order; `next` is the first token not yet in one. */
  const chunks: Chunk[] = [];
  let next = 0;
  const take = (): Chunk | undefined => {
    if (next >= total) return undefined;
    const chunk: Chunk = {
      start: next,
      end: next + chunkSize(total - next, threads),
      state: 'taken',
      helped: false,
    };
    next = chunk.end;
    chunks.push(chunk);
    return chunk;
  };
  // A function, so that the check after an await is not narrowed away by the assignment before it.
  const isDone = (chunk: Chunk) => chunk.state === 'done';
  const run: VerifyRun = { workers: count, byWorkers: 0, byPage: 0 };
  lastRun = run;
  let done = 0;
  let failed: unknown = null;
  let finish!: () => void;
  let fail!: (e: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const complete = (chunk: Chunk, by: 'byWorkers' | 'byPage') => {
    chunk.state = 'done';
    run[by] += chunk.end - chunk.start;
    done += chunk.end - chunk.start;
    onProgress?.(done, total);
    if (done === total) finish();
  };
  const feed = async (s: Slot): Promise<void> => {
    for (;;) {
      // (read again after each await: the others and this thread move them)
      if (failed !== null || done >= total) return;
      signal?.throwIfAborted();
      const chunk = take();
      if (!chunk) return;
      const res = await send(s, trust, settings, tokens.slice(chunk.start, chunk.end) as string[]);
      if (isDone(chunk)) continue; // this thread was quicker
      valid.set(res.valid, chunk.start);
      const ok = res.keys.map((k): SignatureOutcome => ({ ok: true, kid: k.kid, issuer: k.issuer }));
      for (let i = 0; i < res.keyIndex.length; i++) {
        const k = res.keyIndex[i]!;
        if (k >= 0) outcome[chunk.start + i] = ok[k]!;
      }
      for (const [i, message] of res.failures) outcome[chunk.start + i] = { ok: false, message };
      complete(chunk, 'byWorkers');
    }
  };
  const help = async (): Promise<void> => {
    for (;;) {
      if (failed !== null || done === total) return;
      signal?.throwIfAborted();
      let chunk = take();
      if (!chunk)
        for (let c = chunks.length - 1; c >= 0 && !chunk; c--)
          if (chunks[c]!.state === 'taken' && !chunks[c]!.helped) chunk = chunks[c];
      if (!chunk) return; // every chunk done or being done here
      chunk.helped = true;
      const here: VerificationReport[] = [];
      for (let start = chunk.start; start < chunk.end && !isDone(chunk); start += SLICE)
        here.push(
          ...(await verifySlice(tokens.slice(start, Math.min(chunk.end, start + SLICE)), trust, settings)),
        );
      if (isDone(chunk)) continue; // a worker was quicker
      here.forEach((report, i) => (reports[chunk.start + i] = report));
      complete(chunk, 'byPage');
    }
  };
  for (const s of Array.from({ length: count }, (_, k) => workerSlot(k)))
    for (let k = 0; k < IN_FLIGHT; k++)
      feed(s).catch((e: unknown) => {
        failed ??= e; // the caller starts over on its own thread
        fail(e);
      });
  opts.helpFrom?.then(
    () => help().catch((e: unknown) => fail(e)),
    () => undefined,
  );
  if (signal) {
    if (signal.aborted) fail(signal.reason);
    else signal.addEventListener('abort', () => fail(signal.reason), { once: true });
  }
  await finished;
  return { valid, outcome, reports };
}

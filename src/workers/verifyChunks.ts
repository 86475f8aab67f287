/**
 * The verification workers' side of the pool (verifyPool.ts): the workers themselves, and the
 * chunks of a set handed out to them (and to this thread, when it joins in). The workers answer
 * compactly (verifyProtocol.ts): whether each token is valid and which key verified it.
 */
import {
  verifyTokens,
  type Settings,
  type SignatureOutcome,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import type { VerifyRequest, VerifyResponse } from './verifyProtocol.ts';
import { yieldToPage } from '../lib/yieldToPage.ts';

/** The largest chunk, in tokens: small enough for smooth progress, large enough to cost little. */
const CHUNK = 1000;
/** The smallest chunk: below this, a message costs more than the tokens in it. */
const MIN_CHUNK = 100;
/** Chunks queued per worker, so that none waits for its next one. */
const IN_FLIGHT = 2;

/**
 * Tokens this thread verifies in one call. Chromium checks a signature within the call and
 * settles the promise without a task in between, so a set verified at once was one task: 209 s
 * for the page's share of a 250,000-token import at load 20 (issue 17). Slices of 200 (about 50 ms
 * at 4,000 verifications a second) took 100-195 ms each at load 2-3 beside the worker (session 7,
 * traced): 50, with a yield to the page whenever YIELD_MS have passed since the last.
 */
export const SLICE = 50;
/** This thread lets the page paint and take input once it has verified this long (ms). */
const YIELD_MS = 30;

/**
 * A function to call between slices of work: it yields to the page once YIELD_MS have passed
 * since it last did (and says whether it did).
 */
export function pacer(): () => Promise<boolean> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < YIELD_MS) return false;
    await yieldToPage();
    since = performance.now();
    return true;
  };
}

import { newRun, type VerifyRun } from './verifyRun.ts';
export { newRun, type VerifyRun };

/** Verifies a slice on this thread (stored mode: steps 1-10). */
export function verifySlice(
  tokens: readonly string[],
  trust: TrustStore,
  settings: Settings,
): Promise<VerificationReport[]> {
  return verifyTokens(tokens, { trust, settings, mode: 'stored' });
}

export interface Verdicts {
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

/** Ends the workers from the `keep`-th on. */
export function keepWorkers(keep: number): void {
  for (const slot of slots.splice(keep)) slot.worker.terminate();
}

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
  const req: VerifyRequest = { id: nextId++, trustId, settings };
  if (tokens.some((t) => t.includes('\n'))) req.tokens = tokens;
  else req.lines = tokens.join('\n');
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

export interface ChunkedOptions {
  trust: TrustStore;
  settings: Settings;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Whether this thread is to join in at some point (its share of the chunks is planned for). */
  helps: boolean;
  /**
   * Called as the workers' verdicts on tokens `start` to `end` arrive (in `verdicts`), so that
   * the caller makes their reports while the workers verify the rest, not all after the last.
   */
  onVerdicts?: (start: number, end: number, verdicts: Verdicts) => void;
}

/**
 * The verdicts of `tokens` from `count` workers, and `help`: from a call of it on, this thread
 * verifies too, first the chunks no worker has taken yet, then, from the last, those a worker
 * still holds (the first answer for a chunk counts).
 */
export function verifyInWorkers(
  tokens: readonly string[],
  count: number,
  opts: ChunkedOptions,
  run: VerifyRun,
): { verdicts: Promise<Verdicts>; help(): void } {
  const { trust, settings, signal, onProgress } = opts;
  const started = performance.now();
  const total = tokens.length;
  const verdicts: Verdicts = {
    valid: new Uint8Array(total),
    outcome: new Array<SignatureOutcome | null>(total).fill(null),
    reports: new Array<VerificationReport | undefined>(total),
  };
  const { valid, outcome, reports } = verdicts;
  const threads = count + (opts.helps ? 1 : 0);
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
  let done = 0;
  let failed: unknown = null;
  let finish!: () => void;
  let fail!: (e: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  /** When this thread ran out of chunks to verify (0: it has not). */
  let idleFrom = 0;
  const complete = (chunk: Chunk, by: 'byWorkers' | 'byPage') => {
    chunk.state = 'done';
    run[by] += chunk.end - chunk.start;
    done += chunk.end - chunk.start;
    onProgress?.(done, total);
    if (done === total) {
      if (idleFrom) run.waitMs = performance.now() - idleFrom;
      finish();
    }
  };
  const feed = async (s: Slot): Promise<void> => {
    for (;;) {
      // (read again after each await: the others and this thread move them)
      if (failed !== null || done >= total) return;
      signal?.throwIfAborted();
      const chunk = take();
      if (!chunk) return;
      const res = await send(s, trust, settings, tokens.slice(chunk.start, chunk.end) as string[]);
      run.workerMs += res.ms;
      if (isDone(chunk)) continue; // this thread was quicker
      valid.set(res.valid, chunk.start);
      const ok = res.keys.map((k): SignatureOutcome => ({ ok: true, kid: k.kid, issuer: k.issuer }));
      for (let i = 0; i < res.keyIndex.length; i++) {
        const k = res.keyIndex[i]!;
        if (k >= 0) outcome[chunk.start + i] = ok[k]!;
      }
      for (const [i, message] of res.failures) outcome[chunk.start + i] = { ok: false, message };
      opts.onVerdicts?.(chunk.start, chunk.end, verdicts);
      complete(chunk, 'byWorkers');
    }
  };
  const pace = pacer();
  const helpOut = async (): Promise<void> => {
    for (;;) {
      if (failed !== null || done === total) return;
      signal?.throwIfAborted();
      let chunk = take();
      if (!chunk)
        for (let c = chunks.length - 1; c >= 0 && !chunk; c--)
          if (chunks[c]!.state === 'taken' && !chunks[c]!.helped) chunk = chunks[c];
      if (!chunk) {
        idleFrom = performance.now(); // every chunk done or being done here: the workers' last answers
        return;
      }
      chunk.helped = true;
      const here: VerificationReport[] = [];
      for (let start = chunk.start; start < chunk.end && !isDone(chunk); start += SLICE) {
        const t0 = performance.now();
        const end = Math.min(chunk.end, start + SLICE);
        here.push(...(await verifySlice(tokens.slice(start, end), trust, settings)));
        run.pageMs += performance.now() - t0;
        await pace();
      }
      if (isDone(chunk)) continue; // a worker was quicker
      here.forEach((report, i) => (reports[chunk.start + i] = report));
      complete(chunk, 'byPage');
    }
  };
  let helping = false;
  const help = () => {
    if (helping) return;
    helping = true;
    run.helpFromMs = performance.now() - started;
    helpOut().catch((e: unknown) => fail(e));
  };
  for (const s of Array.from({ length: count }, (_, k) => workerSlot(k)))
    for (let k = 0; k < IN_FLIGHT; k++)
      feed(s).catch((e: unknown) => {
        failed ??= e; // the caller starts over on its own thread
        fail(e);
      });
  if (signal) {
    if (signal.aborted) fail(signal.reason);
    else signal.addEventListener('abort', () => fail(signal.reason), { once: true });
  }
  return { verdicts: finished.then(() => verdicts), help };
}

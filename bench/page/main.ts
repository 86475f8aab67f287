/**
 * The in-page half of `npm run bench:browser` (bench/browser.ts drives it through Playwright).
 * Built by Vite beside the app (bench/page/index.html), never into the app's own bundle. It runs the
 * app's real code in Chromium: the core's verifyToken, and the ledgers' import pipeline
 * (src/state/ledgers.ts over IndexedDB, with the verification workers of src/workers/).
 */
import {
  decodeBase64Url,
  decodeToken,
  encodeBase64Url,
  encodeBase64UrlText,
  generateSigningKey,
  parseTrustStore,
  verifyToken,
  verifyTokens,
  type GeneratedKey,
  type JsonObject,
} from 'wimse-ect';
import { useKeyring } from '../../src/state/keyring.ts';
import { useLedgers } from '../../src/state/ledgers.ts';
import { lastVerifyRun, setVerifyWorkerCount, type VerifyRun } from '../../src/workers/verifyPool.ts';

/** Every token is issued at NOW - 300 … NOW - 100: fresh for an arrival check at NOW. */
const NOW = 1767225600;
const AUD = 'https://ledger.example.com';

interface Agent extends GeneratedKey {
  iss: string;
  verifyKey: CryptoKey;
}

let agents: Agent[] = [];
let tokens: string[] = [];

/** `count` ES256 agents, trusted by the app's keyring (IndexedDB) as issuer-bound keys. */
async function setup(count: number): Promise<void> {
  agents = [];
  for (let a = 0; a < count; a++) {
    const key = await generateSigningKey({ kid: `bench-agent-${a + 1}` });
    const verifyKey = await crypto.subtle.importKey(
      'jwk',
      key.publicJwk as JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    agents.push({ ...key, iss: `spiffe://example.com/agent/bench-${a + 1}`, verifyKey });
  }
  const keyring = useKeyring.getState();
  await keyring.load();
  for (const a of agents)
    await useKeyring.getState().importPublic(JSON.stringify(a.publicJwk), { issuer: a.iss, name: a.kid });
}

/**
 * `n` signed tokens shaped like real workflows: runs of 100 tasks sharing a `wid`, each task
 * naming one or two of the few tasks before it in its workflow, agents taking turns.
 */
async function makeTokens(n: number): Promise<number> {
  const out: string[] = new Array<string>(n);
  const headers = agents.map((a) =>
    encodeBase64UrlText(JSON.stringify({ alg: 'ES256', typ: 'exec+jwt', kid: a.kid })),
  );
  const jtis: string[] = [];
  let wid = '';
  const sign = async (i: number) => {
    const a = i % agents.length;
    const agent = agents[a]!;
    const inFlow = i % 100;
    if (inFlow === 0) wid = crypto.randomUUID();
    const jti = crypto.randomUUID();
    jtis[i] = jti;
    const pred: string[] = [];
    if (inFlow > 0) {
      pred.push(jtis[i - 1 - Math.floor(Math.random() * Math.min(inFlow, 5))]!);
      if (inFlow > 3 && i % 3 === 0) pred.push(jtis[i - 1]!);
    }
    const claims: JsonObject = {
      iss: agent.iss,
      aud: [AUD],
      iat: NOW - 300 + Math.floor((i / n) * 200),
      exp: NOW + 300,
      jti,
      wid,
      exec_act: `step-${inFlow}`,
      pred: [...new Set(pred)],
    };
    const input = `${headers[a]}.${encodeBase64UrlText(JSON.stringify(claims))}`;
    const sig = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      agent.privateKey,
      new TextEncoder().encode(input),
    );
    out[i] = `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
  };
  // Claims in order (pred needs the jtis before), signatures a few at a time.
  const batch: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(sign(i));
    if (batch.length === 64) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  tokens = out;
  return n;
}

/** `n` of the tokens made, from the `from`th. */
function getTokens(n: number, from = 0): string[] {
  return tokens.slice(from, from + n);
}

/**
 * One token that names `preds` parents no ledger holds (e2e/hostile-ledger.spec.ts's 100,000
 * predecessors): the audit marks it too_many_predecessors and the graph draws every missing parent.
 */
async function manyPredToken(preds: number): Promise<string> {
  const agent = agents[0]!;
  const header = encodeBase64UrlText(JSON.stringify({ alg: 'ES256', typ: 'exec+jwt', kid: agent.kid }));
  const claims: JsonObject = {
    iss: agent.iss,
    aud: [AUD],
    iat: NOW - 200,
    exp: NOW + 300,
    jti: crypto.randomUUID(),
    exec_act: 'fan_in',
    // Short ids, as e2e/hostile-helpers.ts's manyPreds: 100,000 UUIDs make a token past the app's size limit.
    pred: Array.from({ length: preds }, (_, k) => k.toString(36)),
  };
  const input = `${header}.${encodeBase64UrlText(JSON.stringify(claims))}`;
  const sig = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    agent.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * What raw WebCrypto verification needs, prepared outside any timing. Decoded without atob: in
 * Chromium its strings are external, and the 500,000 this made were freed by a mark-compact in
 * the huge import's first second (443 ms, 171 of it their weak handles; traced), counted as the
 * import's longest task.
 */
function prepare(list: readonly string[]) {
  const byKid = new Map(agents.map((a) => [a.kid, a.verifyKey]));
  const encoder = new TextEncoder();
  return list.map((t) => {
    const [h, p, s] = t.split('.') as [string, string, string];
    const d = decodeToken(t);
    const kid = d.ok && d.decoded.header ? (d.decoded.header.kid as string) : '';
    return {
      data: encoder.encode(`${h}.${p}`),
      sig: decodeBase64Url(s) as Uint8Array<ArrayBuffer>,
      key: byKid.get(kid)!,
    };
  });
}

/**
 * The raw verify's inputs for the first `n` tokens, made once: made inside each pass, they were in
 * the CPU time measured around it (the bench process reads Chromium's CPU time around the whole
 * call) though not in the wall time: about 40 µs a token that made raw verify look as costly as
 * the core's verifyTokens in CPU time (1.00) while it was 1.5x faster in wall time (issue 17).
 */
let preparedInputs: { n: number; inputs: ReturnType<typeof prepare> } | null = null;
function preparedFor(n: number): ReturnType<typeof prepare> {
  if (preparedInputs?.n !== n) preparedInputs = { n, inputs: prepare(tokens.slice(0, n)) };
  return preparedInputs.inputs;
}

/** Raw `crypto.subtle.verify` of the first `n` tokens, one after another on this thread: ms. */
async function rawVerify(n: number): Promise<number> {
  const prepared = prepare(tokens.slice(0, n));
  const t0 = performance.now();
  for (const x of prepared) {
    if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, x.key, x.sig, x.data)))
      throw new Error('raw verify failed');
  }
  return performance.now() - t0;
}

/**
 * (1) verify throughput on this thread, same tokens, interleaved runs: raw WebCrypto; the core's
 * verifyTokens (a set: what the audit and the workers use); verifyToken one token after another.
 * Full profile: arrival mode with an audience and a clock, every step that needs no store.
 */
async function verifyThroughput(
  n: number,
  repeat: number,
): Promise<{ rawMs: number; coreMs: number; singleMs: number }> {
  const list = tokens.slice(0, n);
  const prepared = prepare(list);
  const trust = parseTrustStore({
    issuers: Object.fromEntries(agents.map((a) => [a.iss, { keys: [a.publicJwk] }])),
  });
  const opts = { trust, now: NOW, audience: AUD };
  // Warm-up, not counted: the JIT compiles the verifier (and the harness) on its first tokens.
  await verifyTokens(list.slice(0, 500), opts);
  for (const t of list.slice(0, 500)) await verifyToken(t, opts);
  for (const x of prepared.slice(0, 500))
    await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, x.key, x.sig, x.data);
  const raw: number[] = [];
  const core: number[] = [];
  const single: number[] = [];
  for (let r = 0; r < repeat; r++) {
    let t0 = performance.now();
    for (const x of prepared) {
      if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, x.key, x.sig, x.data)))
        throw new Error('raw verify failed');
    }
    raw.push(performance.now() - t0);
    t0 = performance.now();
    const reports = await verifyTokens(list, opts);
    core.push(performance.now() - t0);
    const bad = reports.find((x) => !x.valid);
    if (bad) throw new Error(`core verify failed: ${bad.code}`);
    t0 = performance.now();
    for (const t of list) {
      const report = await verifyToken(t, opts);
      if (!report.valid) throw new Error(`core verify failed: ${report.code}`);
    }
    single.push(performance.now() - t0);
  }
  return { rawMs: median(raw), coreMs: median(core), singleMs: median(single) };
}

/**
 * (1b) One pass of one kind over the first `n` tokens (as verifyThroughput's), for the driver to
 * read the page's CPU time around it: 'raw', 'core' (verifyTokens) or 'single' (verifyToken one
 * after another). Returns the wall time in ms.
 */
async function verifyPass(n: number, kind: 'raw' | 'core' | 'single'): Promise<number> {
  const list = tokens.slice(0, n);
  const prepared = kind === 'raw' ? preparedFor(n) : [];
  const trust = parseTrustStore({
    issuers: Object.fromEntries(agents.map((a) => [a.iss, { keys: [a.publicJwk] }])),
  });
  const opts = { trust, now: NOW, audience: AUD };
  const t0 = performance.now();
  if (kind === 'raw') {
    for (const x of prepared)
      if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, x.key, x.sig, x.data)))
        throw new Error('raw verify failed');
  } else if (kind === 'core') {
    if ((await verifyTokens(list, opts)).some((r) => !r.valid)) throw new Error('core verify failed');
  } else {
    for (const t of list) if (!(await verifyToken(t, opts)).valid) throw new Error('core verify failed');
  }
  return performance.now() - t0;
}

/**
 * (2) the import of the first `n` tokens into a new IndexedDB ledger through the app's pipeline
 * (useLedgers.importText: decode, verify, hash chain, write, chain check, whole-set audit), with
 * `workers` verification workers (0: all on this thread, -1: the app's default). The ledger is
 * deleted afterwards. `stages`: the import's own measures (src/state/ledger/import.ts: reading,
 * writing, auditing, in ms of wall time, one after another; and the storage's `ect.ledger.*`, e.g.
 * the page's time handing segments to IndexedDB); `run`: who verified what and for how
 * long (src/workers/verifyChunks.ts's VerifyRun), from the last verification, the audit's.
 */
async function importRun(
  n: number,
  workers: number,
  keep = false,
): Promise<{ ms: number; stages: Record<string, number>; run: VerifyRun }> {
  setVerifyWorkerCount(workers < 0 ? null : workers); // -1: the app's default (one per core)
  const store = useLedgers.getState();
  if (store.status === 'idle') await store.load();
  const meta = await useLedgers.getState().create(`bench ${n} ${workers}`);
  const text = prepared?.n === n ? prepared.text : tokens.slice(0, n).join('\n');
  prepared = null;
  performance.clearMeasures();
  const t0 = performance.now();
  try {
    const result = await useLedgers.getState().importText(text);
    const ms = performance.now() - t0;
    const audit = useLedgers.getState().audit;
    if (result.added !== n || audit?.nodes.length !== n)
      throw new Error(`import: ${result.added} added, ${audit?.nodes.length} audited, of ${n}`);
    const invalid = audit.nodes.filter((x) => !x.valid).length;
    if (invalid) throw new Error(`import: ${invalid} of ${n} tokens audited invalid`);
    if (!useLedgers.getState().chain?.ok) throw new Error('import: the hash chain does not check');
    const stages: Record<string, number> = {};
    for (const m of performance.getEntriesByType('measure'))
      if (m.name.startsWith('ect.import.')) stages[m.name.slice('ect.import.'.length)] = m.duration;
      else if (m.name.startsWith('ect.ledger.')) stages[m.name] = m.duration; // src/storage/ledger.ts's
    const run = lastVerifyRun();
    if (!run) throw new Error('import: nothing was verified');
    return { ms, stages, run: { ...run } };
  } finally {
    if (!keep) await useLedgers.getState().remove(meta.id);
    setVerifyWorkerCount(null);
  }
}

/**
 * The text of the first `n` tokens, made for the next importRun in a task of its own: joined
 * within the import's first task, 100,000 tokens (60 MB) made the bench's own string the larger
 * part of that task (184 of 511 ms, profiled), which the longest-task figure then blamed on the
 * import. In the app the text comes from a file read, before the import.
 */
let prepared: { n: number; text: string } | null = null;
function prepareImport(n: number): void {
  prepared = { n, text: tokens.slice(0, n).join('\n') };
}

/** Deletes every ledger (the app then starts with one empty ledger), keeping the keys. */
async function resetLedgers(): Promise<void> {
  await useKeyring.getState().load(); // the audit of an opened ledger waits for the keyring
  if (useLedgers.getState().status === 'idle') await useLedgers.getState().load();
  for (const l of useLedgers.getState().ledgers) await useLedgers.getState().remove(l.id);
}

let longest = 0;
let longTasks = 0;
const observer =
  typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')
    ? new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          longTasks++;
          if (e.duration > longest) longest = e.duration;
        }
      })
    : null;
/** Starts counting this page's main-thread tasks over 50 ms (the Long Tasks API). */
function watchTasks(): void {
  longest = 0;
  longTasks = 0;
  observer?.observe({ type: 'longtask', buffered: false });
}
/** The longest task since watchTasks, and how many were over 50 ms (null: no Long Tasks API). */
function tasksSeen(): { longestMs: number; over50: number } | null {
  if (!observer) return null;
  for (const e of observer.takeRecords()) {
    longTasks++;
    if (e.duration > longest) longest = e.duration;
  }
  observer.disconnect();
  return { longestMs: longest, over50: longTasks };
}

const api = {
  setup,
  makeTokens,
  getTokens,
  manyPredToken,
  rawVerify,
  verifyThroughput,
  verifyPass,
  prepareImport,
  importRun,
  resetLedgers,
  watchTasks,
  tasksSeen,
};
export type BenchApi = typeof api;
(window as unknown as { ectBench: BenchApi }).ectBench = api;
document.body.dataset.ready = 'true';

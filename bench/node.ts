/**
 * `npm run bench`: the core's speed in Node, as ratios against baselines
 * measured in the same run (machines are noisy; absolute numbers are not
 * comparable across runs). Prints a table for people and, as its last line,
 * one JSON object of named figures for machines.
 *
 *   verify: full-profile verification of a set (verifyTokens) vs raw WebCrypto verify of the same
 *           signatures, one thread; verifyToken one token after another as well
 *   audit:  whole-set audit of 10,000 and 100,000 tokens (growth should be linear); and of one long
 *           workflow of 50,000 tasks (each names the one before, every third also a random earlier
 *           one: from the 10,001st on, each passes the traversal limit) vs raw WebCrypto verify of
 *           the same tokens, through the core's auditTokens and through the `ect audit` CLI
 *   layout: our layered layout vs dagre (`ranker: 'tight-tree'`) on the same random ECT-like
 *           DAGs of 1,000, 5,000 and 20,000 nodes; dagre at 20,000 runs in a child process
 *           killed after DAGRE_CAP_S seconds (default 60), reported as "> cap" (a lower bound)
 *
 * BENCH_QUICK=1 shrinks the sizes for a smoke run; BENCH_ONLY=verify,audit,layout runs only those parts.
 */
import { spawn } from 'node:child_process';
import { createPublicKey, verify as nodeVerify, type JsonWebKey as NodeJwk } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import { countCrossings } from '../src/features/graph/layout/crossings.ts';
import { layeredLayout } from '../src/features/graph/layout/layered.ts';
import {
  auditTokens,
  createToken,
  generateSigningKey,
  parseTrustStore,
  verifyToken,
  verifyTokens,
  type JsonObject,
} from 'wimse-ect';

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY?.split(',');
const want = (part: 'verify' | 'audit' | 'layout') => !only || only.includes(part);

// ---- graphs for the layout bench (also used by the dagre child process, so they come first)

/** The Graph tab's node size and spacing (LR), so both engines lay out what the app draws. */
const NODE_W = 212;
const NODE_H = 76;
const RANK_GAP = 150;
const NODE_GAP = 28;

/**
 * A random ECT-like DAG, the same for the same seed: each task names 1-3 predecessors among the
 * 50 before it (a running workflow), and now and then a new workflow starts (a root).
 */
function randomDag(n: number, seed: number): { src: Int32Array; dst: Int32Array } {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const src: number[] = [];
  const dst: number[] = [];
  for (let v = 1; v < n; v++) {
    if (rnd() < 0.05) continue;
    const k = 1 + Math.floor(rnd() * 3);
    const seen = new Set<number>();
    for (let j = 0; j < k; j++) {
      const p = Math.max(0, v - 1 - Math.floor(rnd() * Math.min(v, 50)));
      if (seen.has(p)) continue;
      seen.add(p);
      src.push(p);
      dst.push(v);
    }
  }
  return { src: Int32Array.from(src), dst: Int32Array.from(dst) };
}

function runDagre(n: number, g: { src: Int32Array; dst: Int32Array }): number {
  return dagreDrawing(n, g).ms;
}

/** dagre's layout: its time, and the node centres it drew. */
function dagreDrawing(
  n: number,
  g: { src: Int32Array; dst: Int32Array },
): { ms: number; cx: Float64Array; cy: Float64Array; height: number } {
  const t0 = performance.now();
  const graph = new graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', ranker: 'tight-tree', ranksep: RANK_GAP, nodesep: NODE_GAP });
  graph.setDefaultEdgeLabel(() => ({}));
  for (let v = 0; v < n; v++) graph.setNode(String(v), { width: NODE_W, height: NODE_H });
  for (let k = 0; k < g.src.length; k++) graph.setEdge(String(g.src[k]), String(g.dst[k]));
  dagreLayout(graph);
  const ms = performance.now() - t0;
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const p = graph.node(String(v));
    cx[v] = p.x;
    cy[v] = p.y;
  }
  return { ms, cx, cy, height: graph.graph().height ?? 0 };
}

// The child process of the capped dagre run: lay out, print the time, exit.
if (process.argv[2] === '--dagre-child') {
  const n = Number(process.argv[3]);
  console.log(JSON.stringify({ ms: runDagre(n, randomDag(n, n)) }));
  process.exit(0);
}
const NOW = 1767225600;
const loadAtStart = loadavg();
const rows: [string, string][] = [];
const figures: Record<string, number> = {};
const record = (name: string, value: number, shown: string) => {
  figures[name] = Math.round(value * 1000) / 1000;
  rows.push([name, shown]);
};

const agent = await generateSigningKey({ kid: 'bench-key' });
const iss = 'spiffe://example.com/agent/bench';
const trust = parseTrustStore({ issuers: { [iss]: { keys: [agent.publicJwk] } } });

/**
 * A set of `n` tokens. 'random': each names a random earlier task and every third also the one
 * before (a DAG with fan-in; few ancestors each). 'workflow': one long workflow (one wid), each
 * task naming the one before and every third also a random earlier one (task i has i ancestors).
 */
async function makeTokens(n: number, shape: 'random' | 'workflow' = 'random'): Promise<string[]> {
  const ids: string[] = [];
  const tokens: string[] = [];
  const wid = crypto.randomUUID();
  for (let i = 0; i < n; i++) {
    const jti = crypto.randomUUID();
    const pred: string[] = [];
    if (shape === 'random') {
      if (i > 0) pred.push(ids[Math.floor(Math.random() * i)]!);
      if (i > 2 && i % 3 === 0) pred.push(ids[i - 1]!);
    } else {
      if (i > 0) pred.push(ids[i - 1]!);
      if (i > 0 && i % 3 === 0) pred.push(ids[Math.floor(Math.random() * i)]!);
    }
    const claims: JsonObject = {
      iss,
      aud: ['https://ledger.example.com'],
      iat: NOW - 300 + Math.floor((i / n) * 200),
      exp: NOW + 300,
      jti,
      exec_act: 'step',
      pred: [...new Set(pred)],
      ...(shape === 'workflow' ? { wid } : {}),
    };
    tokens.push((await createToken(claims, { key: agent.privateKey, kid: agent.kid, now: NOW })).token);
    ids.push(jti);
  }
  return tokens;
}

/** Raw WebCrypto verify of the tokens' signatures, one after another (inputs prepared beforehand). */
async function rawVerifier(tokens: readonly string[]): Promise<() => Promise<void>> {
  const key = await crypto.subtle.importKey(
    'jwk',
    agent.publicJwk,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const prepared = tokens.map((t) => {
    const [h, p, s] = t.split('.') as [string, string, string];
    return { data: new TextEncoder().encode(`${h}.${p}`), sig: Buffer.from(s, 'base64url') };
  });
  return async () => {
    for (const x of prepared) {
      if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, x.sig, x.data)))
        throw new Error('raw verify failed');
    }
  };
}

/**
 * Raw node:crypto verify of the same signatures, within each call (what verifyTokens uses in Node
 * since issue 17): the floor of a verifier that checks every signature on one thread.
 */
function rawNodeVerifier(tokens: readonly string[]): () => Promise<void> {
  const key = createPublicKey({ key: agent.publicJwk as NodeJwk, format: 'jwk' });
  const prepared = tokens.map((t) => {
    const [h, p, s] = t.split('.') as [string, string, string];
    return { data: Buffer.from(`${h}.${p}`), sig: Buffer.from(s, 'base64url') };
  });
  return async () => {
    for (const x of prepared)
      if (!nodeVerify('sha256', x.data, { key, dsaEncoding: 'ieee-p1363' }, x.sig))
        throw new Error('raw node verify failed');
  };
}

/** The median; of an even count, the mean of the middle two (of 2 runs the larger made the audit's growth look smaller). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timeIt(run: () => Promise<unknown>, repeat = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// 1. verify throughput, one thread
if (want('verify')) {
  const n = quick ? 300 : 3000;
  const tokens = await makeTokens(n);
  const rawVerify = await rawVerifier(tokens);
  const opts = { trust, now: NOW, audience: 'https://ledger.example.com' };
  const runs = {
    raw: rawVerify,
    rawNode: rawNodeVerifier(tokens),
    core: async () => {
      const reports = await verifyTokens(tokens, opts);
      const bad = reports.find((r) => !r.valid);
      if (bad) throw new Error(`core verify failed: ${bad.code}`);
    },
    // One call per token, each report dropped at once (as in session 1's figures).
    single: async () => {
      for (const t of tokens) {
        const r = await verifyToken(t, opts);
        if (!r.valid) throw new Error(`core verify failed: ${r.code}`);
      }
    },
    // One call per token, the reports kept: what the set returns.
    singleKept: async () => {
      const reports = [];
      for (const t of tokens) reports.push(await verifyToken(t, opts));
      if (reports.some((r) => !r.valid)) throw new Error('core verify failed');
    },
  };
  // Rounds of each, interleaved: the machine's drift hits all alike. Wall time, and the process's
  // CPU time (all threads: WebCrypto's thread pool too), which other work on the machine disturbs less.
  const wall: Record<keyof typeof runs, number[]> = {
    raw: [],
    rawNode: [],
    core: [],
    single: [],
    singleKept: [],
  };
  const cpu: Record<keyof typeof runs, number[]> = {
    raw: [],
    rawNode: [],
    core: [],
    single: [],
    singleKept: [],
  };
  for (let round = 0; round < (quick ? 3 : 5); round++) {
    for (const [name, run] of Object.entries(runs) as [keyof typeof runs, () => Promise<void>][]) {
      const c0 = process.cpuUsage();
      wall[name].push(await timeIt(run, 1));
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / 1000);
    }
  }
  const raw = median(wall.raw);
  const core = median(wall.core);
  const single = median(wall.single);
  const singleKept = median(wall.singleKept);
  const rawRate = n / (raw / 1000);
  const coreRate = n / (core / 1000);
  const singleRate = n / (single / 1000);
  record('verify.raw_per_s', rawRate, `${Math.round(rawRate)} /s raw WebCrypto verify (${n} tokens)`);
  const rawNodeRate = n / (median(wall.rawNode) / 1000);
  record(
    'verify.raw_node_per_s',
    rawNodeRate,
    `${Math.round(rawNodeRate)} /s raw node:crypto verify, within each call (${(rawNodeRate / rawRate).toFixed(2)}x raw WebCrypto)`,
  );
  record('verify.core_per_s', coreRate, `${Math.round(coreRate)} /s verifyTokens (a set), full profile`);
  record(
    'verify.core_vs_raw',
    coreRate / rawRate,
    `${(coreRate / rawRate).toFixed(2)} core / raw (target >= 0.8)`,
  );
  record('verify.single_per_s', singleRate, `${Math.round(singleRate)} /s verifyToken, one after another`);
  record(
    'verify.single_vs_raw',
    singleRate / rawRate,
    `${(singleRate / rawRate).toFixed(2)} verifyToken / raw (reports dropped)`,
  );
  record(
    'verify.single_kept_vs_raw',
    raw / singleKept,
    `${(raw / singleKept).toFixed(2)} verifyToken / raw, the reports kept (what the set returns)`,
  );
  record(
    'verify.core_vs_single',
    single / core,
    `${(single / core).toFixed(2)} set / one at a time, rates (target >= 1: the set never slower)`,
  );
  const cpuPer = (name: keyof typeof runs) => (median(cpu[name]) * 1000) / n;
  record(
    'verify.cpu_us_per_token',
    cpuPer('core'),
    `CPU per token: set ${cpuPer('core').toFixed(0)} µs, one at a time ${cpuPer('single').toFixed(0)} µs (kept ${cpuPer('singleKept').toFixed(0)} µs), raw ${cpuPer('raw').toFixed(0)} µs, raw node:crypto ${cpuPer('rawNode').toFixed(0)} µs`,
  );
  record(
    'verify.core_vs_raw_node',
    median(wall.rawNode) / core,
    `${(median(wall.rawNode) / core).toFixed(2)} core / raw node:crypto verify (the same check without WebCrypto's hand-off)`,
  );
}

// 2. whole-set audit: linear growth
if (want('audit')) {
  const small = quick ? 1000 : 10000;
  const large = quick ? 10000 : 100000;
  const tokensLarge = await makeTokens(large);
  const tokensSmall = tokensLarge.slice(0, small);
  // CPU time beside the wall time: on a busy machine the wall time of the large audit grows with
  // its scavenges' pauses, which wait for GC helper threads that get no core (session 6, load 8-11:
  // minor GC 243 -> 5,765-9,650 ms in wall time for 10x the tokens, CPU time 1,007 -> 10,977-11,807 ms).
  const cpuOf = async (run: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    const ms = await timeIt(run, 1);
    const c = process.cpuUsage(c0);
    return { ms, cpu: (c.user + c.system) / 1000 };
  };
  const smallRuns = [];
  for (let r = 0; r < (quick ? 1 : 3); r++)
    smallRuns.push(await cpuOf(() => auditTokens(tokensSmall, { trust })));
  const largeRun = await cpuOf(() => auditTokens(tokensLarge, { trust }));
  const tSmall = median(smallRuns.map((x) => x.ms));
  const cSmall = median(smallRuns.map((x) => x.cpu));
  const tLarge = largeRun.ms;
  record(`audit.${small}_ms`, tSmall, `${tSmall.toFixed(0)} ms audit of ${small} tokens`);
  record(`audit.${large}_ms`, tLarge, `${tLarge.toFixed(0)} ms audit of ${large} tokens`);
  record(
    'audit.growth',
    tLarge / tSmall,
    `${(tLarge / tSmall).toFixed(2)}x for ${large / small}x the tokens (target <= 12)`,
  );
  record(
    'audit.growth_cpu',
    largeRun.cpu / cSmall,
    `${(largeRun.cpu / cSmall).toFixed(2)}x in CPU time (${cSmall.toFixed(0)} vs ${largeRun.cpu.toFixed(0)} ms; all threads)`,
  );
}

// 2b. one long workflow: the traversal limit on every task past the 10,000th (issue 17)
if (want('audit')) {
  const n = quick ? 12000 : 50000;
  const tokens = await makeTokens(n, 'workflow');
  const rawVerify = await rawVerifier(tokens);
  const expected = n - 10001; // tasks 10,001 and on have more than traversalLimit (10,000) ancestors
  const audit = async () => {
    const report = await auditTokens(tokens, { trust });
    const over = report.violations.filter((v) => v.code === 'traversal_limit').length;
    if (over !== expected || report.violations.length !== over)
      throw new Error(`workflow audit: ${over} traversal_limit of ${report.violations.length} violations`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'ect-bench-'));
  const ledgerFile = join(dir, 'ledger.txt');
  const trustFile = join(dir, 'trust.json');
  writeFileSync(ledgerFile, tokens.join('\n'));
  writeFileSync(trustFile, JSON.stringify({ issuers: { [iss]: { keys: [agent.publicJwk] } } }));
  const cli = () => runCli(['audit', '--trust', trustFile, ledgerFile]);
  await cli(); // builds the CLI bundle when sources changed
  // Interleaved, so that the machine's drift hits all alike.
  const times = { raw: [] as number[], audit: [] as number[], cli: [] as number[] };
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    times.raw.push(await timeIt(rawVerify, 1));
    times.audit.push(await timeIt(audit, 1));
    times.cli.push(await timeIt(cli, 1));
  }
  rmSync(dir, { recursive: true, force: true });
  const raw = median(times.raw);
  const core = median(times.audit);
  const viaCli = median(times.cli);
  record(`audit.workflow_${n}_raw_ms`, raw, `${raw.toFixed(0)} ms raw WebCrypto verify of ${n} tokens`);
  record(
    'audit.workflow_vs_raw',
    core / raw,
    `${(core / raw).toFixed(2)}x raw: auditTokens of one ${n}-task workflow (${core.toFixed(0)} ms, ${expected} past the traversal limit; target <= 3)`,
  );
  record(
    'audit.workflow_cli_vs_raw',
    viaCli / raw,
    `${(viaCli / raw).toFixed(2)}x raw: \`ect audit\` of the same, a process reading a file and printing JSON (${viaCli.toFixed(0)} ms)`,
  );
}

/** Runs the `ect` CLI (scripts/ect.mjs) to its end, output discarded; exit codes 0 and 1 are answers. */
function runCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL('../scripts/ect.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 || code === 1
        ? resolve()
        : reject(new Error(`ect ${args[0]} exited ${code}: ${err.trim()}`)),
    );
  });
}

// 3. layout: ours (layered) vs dagre tight-tree, on the same graphs
if (want('layout')) {
  const capS = Number(process.env.DAGRE_CAP_S ?? (quick ? 5 : 60));
  const sizes = quick ? [300, 1000, 5000] : [1000, 5000, 20000];
  for (const n of sizes) {
    const g = randomDag(n, n);
    const input = {
      n,
      src: g.src,
      dst: g.dst,
      width: NODE_W,
      height: NODE_H,
      direction: 'LR' as const,
      rankGap: RANK_GAP,
      nodeGap: NODE_GAP,
    };
    layeredLayout(input); // warm-up (JIT)
    const ours = await timeIt(async () => layeredLayout(input), 5);
    let dagreMs: number;
    let capped = false;
    if (n <= (quick ? 1000 : 5000)) {
      dagreMs = n <= 1000 ? await timeIt(async () => runDagre(n, g), quick ? 1 : 3) : runDagre(n, g);
    } else {
      // Too slow to wait for (~10 min at 20k): a child process, killed at the cap.
      const r = await dagreCapped(n, capS);
      dagreMs = r ?? capS * 1000;
      capped = r === null;
    }
    const ratio = dagreMs / ours;
    record(
      `layout.${n}.layered_ms`,
      ours,
      `${ours.toFixed(1)} ms layered layout, ${n} nodes, ${g.src.length} edges`,
    );
    record(
      `layout.${n}.dagre_ms`,
      dagreMs,
      capped
        ? `> ${capS * 1000} ms dagre tight-tree (stopped at the cap)`
        : `${dagreMs.toFixed(0)} ms dagre tight-tree`,
    );
    record(
      `layout.${n}.speedup`,
      ratio,
      `${capped ? '> ' : ''}${ratio.toFixed(0)}x faster than dagre${capped ? ' (a lower bound)' : ''} (target >= 10)`,
    );
    if (capped) figures[`layout.${n}.dagre_capped`] = 1;
  }
}

// 3b. layout quality: edge crossings (straight lines between node centres), ours / dagre's (issue 17)
if (want('layout')) {
  const cases = quick
    ? [[300, 300]]
    : [
        [300, 300],
        [300, 7],
        [1000, 1000],
        [1000, 11],
      ];
  for (const [n, seed] of cases as [number, number][]) {
    const g = randomDag(n, seed);
    const r = layeredLayout({
      n,
      src: g.src,
      dst: g.dst,
      width: NODE_W,
      height: NODE_H,
      direction: 'LR',
      rankGap: RANK_GAP,
      nodeGap: NODE_GAP,
    });
    const ours = countCrossings(
      Array.from(r.x, (x) => x + NODE_W / 2),
      Array.from(r.y, (y) => y + NODE_H / 2),
      g.src,
      g.dst,
    );
    const d = dagreDrawing(n, g);
    const theirs = countCrossings(d.cx, d.cy, g.src, g.dst);
    record(
      `layout.crossings.${n}.${seed}`,
      ours / theirs,
      `${(ours / theirs).toFixed(2)} crossings ours / dagre's, ${n} nodes (seed ${seed}): ${ours} vs ${theirs}, drawing ${(r.height / d.height).toFixed(2)}x as tall (target <= 1.25)`,
    );
  }
}

/**
 * dagre in a child process (the same bench bundle), killed after `capS` seconds: its time, or null
 * when it hit the cap. dagre recurses as deep as the graph is long, so the child gets a large stack.
 */
function dagreCapped(n: number, capS: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const script = 'ulimit -s 1048576 2>/dev/null || ulimit -s unlimited 2>/dev/null; exec "$@"';
    const args = [
      process.execPath,
      '--stack-size=65500',
      fileURLToPath(import.meta.url),
      '--dagre-child',
      String(n),
    ];
    const child = spawn('/bin/sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, capS * 1000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve((JSON.parse(out) as { ms: number }).ms);
      else if (killed) resolve(null);
      else reject(new Error(`dagre on ${n} nodes failed: ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

const width = Math.max(...rows.map(([n]) => n.length));
const loadAtEnd = loadavg();
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
figures['load.start_1min'] = Math.round(loadAtStart[0]! * 100) / 100;
figures['load.end_1min'] = Math.round(loadAtEnd[0]! * 100) / 100;
console.log(`ECT Workbench bench (Node ${process.version}, ${quick ? 'quick' : 'full'})`);
console.log(
  `machine: ${availableParallelism()} cores; load average (1, 5, 15 min) at start ${loads(loadAtStart)}, at end ${loads(loadAtEnd)}`,
);
for (const [name, shown] of rows) console.log(`${name.padEnd(width)}  ${shown}`);
console.log(JSON.stringify(figures));

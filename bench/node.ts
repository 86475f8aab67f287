/**
 * `npm run bench`: the core's speed in Node, as ratios against baselines
 * measured in the same run (machines are noisy; absolute numbers are not
 * comparable across runs). Prints a table for people and, as its last line,
 * one JSON object of named figures for machines.
 *
 *   verify: full-profile verification of a set (verifyTokens) vs raw WebCrypto verify of the same
 *           signatures, one thread; verifyToken one token after another as well
 *   audit:  whole-set audit of 10,000 and 100,000 tokens (growth should be linear)
 *   layout: our layered layout vs dagre (`ranker: 'tight-tree'`) on the same random ECT-like
 *           DAGs of 1,000, 5,000 and 20,000 nodes; dagre at 20,000 runs in a child process
 *           killed after DAGRE_CAP_S seconds (default 60), reported as "> cap" (a lower bound)
 *
 * BENCH_QUICK=1 shrinks the sizes for a smoke run.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
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
  const t0 = performance.now();
  const graph = new graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', ranker: 'tight-tree', ranksep: RANK_GAP, nodesep: NODE_GAP });
  graph.setDefaultEdgeLabel(() => ({}));
  for (let v = 0; v < n; v++) graph.setNode(String(v), { width: NODE_W, height: NODE_H });
  for (let k = 0; k < g.src.length; k++) graph.setEdge(String(g.src[k]), String(g.dst[k]));
  dagreLayout(graph);
  return performance.now() - t0;
}

// The child process of the capped dagre run: lay out, print the time, exit.
if (process.argv[2] === '--dagre-child') {
  const n = Number(process.argv[3]);
  console.log(JSON.stringify({ ms: runDagre(n, randomDag(n, n)) }));
  process.exit(0);
}
const NOW = 1767225600;
const rows: [string, string][] = [];
const figures: Record<string, number> = {};
const record = (name: string, value: number, shown: string) => {
  figures[name] = Math.round(value * 1000) / 1000;
  rows.push([name, shown]);
};

const agent = await generateSigningKey({ kid: 'bench-key' });
const iss = 'spiffe://example.com/agent/bench';
const trust = parseTrustStore({ issuers: { [iss]: { keys: [agent.publicJwk] } } });

/** A workflow of `n` tokens: each names one or two earlier tasks (a DAG with fan-in). */
async function makeTokens(n: number): Promise<string[]> {
  const ids: string[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const jti = crypto.randomUUID();
    const pred = i === 0 ? [] : [ids[Math.floor(Math.random() * i)]!];
    if (i > 2 && i % 3 === 0) pred.push(ids[i - 1]!);
    const claims: JsonObject = {
      iss,
      aud: ['https://ledger.example.com'],
      iat: NOW - 300 + Math.floor((i / n) * 200),
      exp: NOW + 300,
      jti,
      exec_act: 'step',
      pred: [...new Set(pred)],
    };
    tokens.push((await createToken(claims, { key: agent.privateKey, kid: agent.kid, now: NOW })).token);
    ids.push(jti);
  }
  return tokens;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
{
  const n = quick ? 300 : 3000;
  const tokens = await makeTokens(n);
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
  const opts = { trust, now: NOW, audience: 'https://ledger.example.com' };
  // Rounds of raw, set and single, interleaved: the machine's drift hits all three alike.
  const times = { raw: [] as number[], core: [] as number[], single: [] as number[] };
  for (let round = 0; round < (quick ? 3 : 5); round++) {
    times.raw.push(
      await timeIt(async () => {
        for (const x of prepared) {
          if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, x.sig, x.data)))
            throw new Error('raw verify failed');
        }
      }, 1),
    );
    times.core.push(
      await timeIt(async () => {
        const reports = await verifyTokens(tokens, opts);
        const bad = reports.find((r) => !r.valid);
        if (bad) throw new Error(`core verify failed: ${bad.code}`);
      }, 1),
    );
    times.single.push(
      await timeIt(async () => {
        for (const t of tokens) {
          const r = await verifyToken(t, opts);
          if (!r.valid) throw new Error(`core verify failed: ${r.code}`);
        }
      }, 1),
    );
  }
  const raw = median(times.raw);
  const core = median(times.core);
  const single = median(times.single);
  const rawRate = n / (raw / 1000);
  const coreRate = n / (core / 1000);
  const singleRate = n / (single / 1000);
  record('verify.raw_per_s', rawRate, `${Math.round(rawRate)} /s raw WebCrypto verify (${n} tokens)`);
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
    `${(singleRate / rawRate).toFixed(2)} verifyToken / raw (informational)`,
  );
}

// 2. whole-set audit: linear growth
{
  const small = quick ? 1000 : 10000;
  const large = quick ? 10000 : 100000;
  const tokensLarge = await makeTokens(large);
  const tokensSmall = tokensLarge.slice(0, small);
  const tSmall = await timeIt(() => auditTokens(tokensSmall, { trust }), quick ? 1 : 2);
  const tLarge = await timeIt(() => auditTokens(tokensLarge, { trust }), 1);
  record(`audit.${small}_ms`, tSmall, `${tSmall.toFixed(0)} ms audit of ${small} tokens`);
  record(`audit.${large}_ms`, tLarge, `${tLarge.toFixed(0)} ms audit of ${large} tokens`);
  record(
    'audit.growth',
    tLarge / tSmall,
    `${(tLarge / tSmall).toFixed(2)}x for ${large / small}x the tokens (target <= 12)`,
  );
}

// 3. layout: ours (layered) vs dagre tight-tree, on the same graphs
{
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
console.log(`ECT Workbench bench (Node ${process.version}, ${quick ? 'quick' : 'full'})`);
for (const [name, shown] of rows) console.log(`${name.padEnd(width)}  ${shown}`);
console.log(JSON.stringify(figures));

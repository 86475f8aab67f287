/**
 * `npm run bench`: the core's speed in Node, as ratios against baselines
 * measured in the same run (machines are noisy; absolute numbers are not
 * comparable across runs). Prints a table for people and, as its last line,
 * one JSON object of named figures for machines.
 *
 *   verify: full-profile verifyToken vs raw WebCrypto verify of the same signatures
 *   audit:  whole-set audit of 10,000 and 100,000 tokens (growth should be linear)
 *
 * BENCH_QUICK=1 shrinks the sizes for a smoke run.
 */
import {
  auditTokens,
  createToken,
  generateSigningKey,
  parseTrustStore,
  verifyToken,
  type JsonObject,
} from '../src/ect/index.ts';

const quick = process.env.BENCH_QUICK === '1';
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
  const raw = await timeIt(async () => {
    for (const x of prepared) {
      if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, x.sig, x.data)))
        throw new Error('raw verify failed');
    }
  });
  const core = await timeIt(async () => {
    for (const t of tokens) {
      const r = await verifyToken(t, { trust, now: NOW, audience: 'https://ledger.example.com' });
      if (!r.valid) throw new Error(`core verify failed: ${r.code}`);
    }
  });
  const rawRate = n / (raw / 1000);
  const coreRate = n / (core / 1000);
  record('verify.raw_per_s', rawRate, `${Math.round(rawRate)} /s raw WebCrypto verify (${n} tokens)`);
  record('verify.core_per_s', coreRate, `${Math.round(coreRate)} /s verifyToken, full profile`);
  record(
    'verify.core_vs_raw',
    coreRate / rawRate,
    `${(coreRate / rawRate).toFixed(2)} core / raw (target >= 0.8)`,
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

const width = Math.max(...rows.map(([n]) => n.length));
console.log(`ECT Workbench bench (Node ${process.version}, ${quick ? 'quick' : 'full'})`);
for (const [name, shown] of rows) console.log(`${name.padEnd(width)}  ${shown}`);
console.log(JSON.stringify(figures));

/**
 * What this machine's cores give two processes at once: the same CPU-bound work (ES256
 * verifications with node:crypto, no I/O, no shared state) run by one process alone, then by two
 * at the same time. A virtual machine's cores may share a physical core or be lent out to other
 * guests; then two busy processes each run slower than one alone, and no two-process workload can
 * scale past what this measures. bench/stores.ts reports it beside the shared-store scaling.
 */
import { spawn } from 'node:child_process';

/** One process's work: `ops` verifications; prints its wall and CPU milliseconds as JSON. */
const SPIN = `
const { generateKeyPairSync, sign, verify } = require('node:crypto');
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.alloc(600, 7);
const sig = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
const ops = Number(process.argv[1]);
for (let i = 0; i < 200; i++) verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
process.stdin.once('data', () => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }));
});
`;

async function spinAll(n: number, ops: number): Promise<{ ms: number; cpuMs: number }[]> {
  const procs = Array.from({ length: n }, () =>
    spawn(process.execPath, ['-e', SPIN, String(ops)], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  // All start together, once every process has its key and a warm JIT.
  await new Promise((r) => setTimeout(r, 500));
  const out = procs.map(
    (p) =>
      new Promise<{ ms: number; cpuMs: number }>((resolve, reject) => {
        let text = '';
        p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
        p.once('exit', (code) =>
          code === 0
            ? resolve(JSON.parse(text) as { ms: number; cpuMs: number })
            : reject(new Error(`spin exited ${code}`)),
        );
      }),
  );
  for (const p of procs) p.stdin!.end('go\n');
  return Promise.all(out);
}

export interface CoreScaling {
  /** Verifications a second: one process alone, and two at once (both together). */
  onePerS: number;
  twoPerS: number;
  /** twoPerS / onePerS: at most 2. */
  scale: number;
  /** CPU microseconds per verification: alone, and in each of two at once. */
  oneCpuUs: number;
  twoCpuUs: number;
}

/** Measures one process alone and two at once, `ops` verifications each (a few seconds in all). */
export async function coreScaling(ops = 20_000): Promise<CoreScaling> {
  const [one] = await spinAll(1, ops);
  const two = await spinAll(2, ops);
  const twoMs = Math.max(...two.map((r) => r.ms));
  return {
    onePerS: (ops / one!.ms) * 1000,
    twoPerS: ((2 * ops) / twoMs) * 1000,
    scale: (one!.ms / twoMs) * 2,
    oneCpuUs: (one!.cpuMs / ops) * 1000,
    twoCpuUs: (two.reduce((s, r) => s + r.cpuMs, 0) / (2 * ops)) * 1000,
  };
}

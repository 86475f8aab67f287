#!/usr/bin/env node
// The library as its users get it: `npm pack` packages/ect, install the tarball into a fresh
// temporary project, offline (jose comes from the npm cache that `npm ci` filled), and there
//   (a) a plain Node ESM script imports it, makes keys, signs, verifies, and runs the two-agent
//       flow (resolver, replay store, ledger, DAG rules);
//   (b) a TypeScript file type-checks against the shipped types under strict, without DOM or
//       @types/node, and without skipLibCheck (the repository's typescript);
//   (c) `npx ect keygen`, `create`, `verify`, `--help` and `demo` work;
//   (d) a small Vite build bundles it for the browser (the repository's vite), and the bundle runs;
//   (e) with `pg` and `redis` installed beside it, `wimse-ect/redis` and `wimse-ect/postgres` verify,
//       refuse a replay and keep a ledger whose chain and receipts check, on real servers
//       (scripts/with-servers.ts), and a bad address is one clear SharedStoreError.
// Prints `ok - …` / `not ok - …` per check, then one line `N passed, N failed`. Exit 0 when
// nothing failed. Part of `npm test` (scripts/test-all.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'ect-package-test-'));
const app = join(work, 'consumer');
let passed = 0;
let failed = 0;

/** Runs a command; its output only when it fails (or with --verbose). */
function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function check(name, fn) {
  try {
    const detail = fn();
    passed++;
    console.log(`ok - ${name}${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e.message}`);
    return false;
  }
}

/** Throws with the command's output when it did not exit 0. */
function succeed(r, what) {
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n    ');
    throw new Error(`${what} exited ${r.status ?? r.error?.message}\n    ${out}`);
  }
  return r;
}

const write = (path, text) => writeFileSync(join(app, path), text);
const bin = (name) => join(root, 'node_modules/.bin', name);

try {
  let tarball = '';
  const packed = check('npm pack packages/ect (builds dist/ first)', () => {
    const r = succeed(
      run('npm', ['pack', '--json', '--pack-destination', work], join(root, 'packages/ect')),
      'npm pack',
    );
    const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    for (const need of ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js'])
      if (!files.includes(need)) throw new Error(`the tarball lacks ${need}`);
    const stray = files.filter((f) => /\.test\.|^src\//.test(f));
    if (stray.length) throw new Error(`the tarball ships ${stray.join(', ')}`);
    return `${info.filename}, ${files.length} files, ${Math.round(info.size / 1024)} kB`;
  });

  const installed =
    packed &&
    check('npm install --offline of the tarball into a fresh project', () => {
      run('mkdir', ['-p', app], work);
      write('package.json', JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
      // jose as the repository's lock file pins it: its tarball is in the npm cache since `npm ci`
      // (the registry's index of jose versions need not be, so the tarball is named by its URL).
      const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
      const { version, resolved } = lock.packages['node_modules/jose'];
      const registry = run('npm', ['config', 'get', 'registry'], app).stdout.trim().replace(/\/?$/, '/');
      const jose = resolved ?? `${registry}jose/-/jose-${version}.tgz`;
      succeed(
        run(
          'npm',
          ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, jose],
          app,
        ),
        'npm install',
      );
      const deps = JSON.parse(readFileSync(join(app, 'node_modules/wimse-ect/package.json'), 'utf8'));
      return `wimse-ect ${deps.version}, dependencies: ${Object.keys(deps.dependencies).join(', ')}`;
    });

  if (installed) {
    check('(a) a plain Node ESM script: keys, sign, verify, the two-agent flow', () => {
      write(
        'flow.mjs',
        `import {
  createToken, generateSigningKey, verifyToken, MemoryLedger, MemoryReplayStore, settingsFromEnv,
} from 'wimse-ect';

const settings = settingsFromEnv(process.env);
const a = await generateSigningKey({ kid: 'agent-a-key' });
const b = await generateSigningKey({ kid: 'agent-b-key' });
const keys = { 'agent-a-key': a.publicJwk, 'agent-b-key': b.publicJwk };
const A = 'spiffe://example.com/agent/a';
const B = 'spiffe://example.com/agent/b';
const ledger = new MemoryLedger();
const replay = MemoryReplayStore.fromSettings(settings);
const verifyAs = (audience, token) =>
  verifyToken(token, { audience, resolveKey: (kid) => keys[kid], ledger, replay, settings });

const root = await createToken({ iss: A, aud: [B], exec_act: 'review_spec', pred: [] }, a.privateKey, { kid: a.kid });
const r1 = await verifyAs(B, root.token);
const child = await createToken({ iss: B, aud: [A], exec_act: 'implement', pred: [root.payload.jti] }, b.privateKey, { kid: b.kid });
const r2 = await verifyAs(A, child.token);
const again = await verifyAs(B, root.token);
const orphan = await createToken({ iss: B, aud: [A], exec_act: 'x', pred: [crypto.randomUUID()] }, b.privateKey, { kid: b.kid });
const r3 = await verifyAs(A, orphan.token);
const chain = await ledger.verifyChain();
console.log(JSON.stringify({ root: r1.valid, child: r2.valid, replay: again.code, orphan: r3.code, entries: chain.length, intact: chain.ok }));
`,
      );
      const r = succeed(run('node', ['flow.mjs'], app), 'node flow.mjs');
      const got = JSON.parse(r.stdout.trim().split('\n').at(-1));
      const want = {
        root: true,
        child: true,
        replay: 'replay',
        orphan: 'parent_not_found',
        entries: 2,
        intact: true,
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        throw new Error(`got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      return JSON.stringify(got);
    });

    const tsconfig = (lib) =>
      write(
        'tsconfig.json',
        JSON.stringify(
          {
            compilerOptions: {
              target: 'ES2022',
              module: 'nodenext',
              moduleResolution: 'nodenext',
              lib,
              types: [],
              strict: true,
              noEmit: true,
              skipLibCheck: false,
              exactOptionalPropertyTypes: true,
              noUncheckedIndexedAccess: true,
            },
            files: ['check.ts'],
          },
          null,
          2,
        ),
      );
    check('(b) TypeScript, strict, lib DOM, no @types/node, no skipLibCheck: the shipped types check', () => {
      tsconfig(['ES2022', 'DOM']);
      write(
        'check.ts',
        `import {
  createToken, verifyToken, generateSigningKey, MemoryLedger, MemoryReplayStore, settingsFromEnv,
  EctError, type KeyResolver, type ReplayStore, type TaskStore, type TaskRecord, type Ledger,
  type VerificationReport, type VerifyEvent, type ErrorCode,
} from 'wimse-ect';

/** A shared replay store as a user would write one (here over a Map). */
class MapReplayStore implements ReplayStore {
  readonly #m = new Map<string, number>();
  async checkAndRecord(jti: string, until: number, now = Math.floor(Date.now() / 1000)): Promise<boolean> {
    const known = this.#m.get(jti);
    if (known !== undefined && now <= known) return false;
    this.#m.set(jti, until);
    return true;
  }
}
const store: TaskStore = { tasks: async (jtis: readonly string[]): Promise<readonly TaskRecord[]> => jtis.map((jti) => ({ jti, pred: [] })) };
const ledger: Ledger = new MemoryLedger();
const key = await generateSigningKey({ kid: 'k' });
const resolveKey: KeyResolver = async (kid) => (kid === 'k' ? key.publicJwk : undefined);
const { token } = await createToken({ iss: 'spiffe://x/a', aud: ['b'], exec_act: 'a' }, key.privateKey, { kid: 'k' });
const report: VerificationReport = await verifyToken(token, {
  audience: 'b', resolveKey, store, replay: new MapReplayStore(), ledger,
  settings: settingsFromEnv({ ECT_CLOCK_SKEW: '10' }),
  onVerify: (e: VerifyEvent) => void e.durationMs,
});
const code: ErrorCode | null = report.code;
void [code, new MemoryReplayStore({ maxSize: 10 })];
try { await createToken({}, {}); } catch (e) { if (e instanceof EctError) void e.code.startsWith('ERR_ECT_'); }
`,
      );
      const r = succeed(run(bin('tsc'), ['-p', 'tsconfig.json'], app), 'tsc');
      return r.stdout.trim() || 'no errors';
    });

    check('(b) without DOM and @types/node: no error in wimse-ect types (jose needs one of them)', () => {
      tsconfig(['ES2022']);
      const r = run(bin('tsc'), ['-p', 'tsconfig.json'], app);
      const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
      const ours = errors.filter((l) => !l.startsWith('node_modules/jose/'));
      if (ours.length) throw new Error(ours.join('\n    '));
      return `${errors.length} error(s), all in jose's own types (fetch types for its remote JWKS)`;
    });

    check('(c) npx ect: --help, keygen, create, verify (exit 0, then 1 for a tampered token), demo', () => {
      const help = succeed(run('npx', ['--offline', 'ect', '--help'], app), 'npx ect --help');
      if (!help.stdout.includes('usage: ect')) throw new Error('no usage text');
      const keygen = succeed(
        run('npx', ['--offline', 'ect', 'keygen', '--kid', 'cli-key'], app),
        'ect keygen',
      );
      const pair = JSON.parse(keygen.stdout);
      write('private.json', JSON.stringify(pair.private));
      write(
        'trust.json',
        JSON.stringify({ issuers: { 'spiffe://example.com/agent/a': { keys: [pair.public] } } }),
      );
      write(
        'payload.json',
        JSON.stringify({ iss: 'spiffe://example.com/agent/a', aud: 'b', exec_act: 'review' }),
      );
      const created = succeed(
        run('npx', ['--offline', 'ect', 'create', '--key', 'private.json', 'payload.json'], app),
        'ect create',
      );
      const token = created.stdout.trim();
      const ok = succeed(
        run('npx', ['--offline', 'ect', 'verify', '--trust', 'trust.json', token], app),
        'ect verify',
      );
      if (JSON.parse(ok.stdout).valid !== true) throw new Error(`verify printed ${ok.stdout}`);
      const [h, p, s] = token.split('.');
      const forged = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
      const bad = run('npx', ['--offline', 'ect', 'verify', '--trust', 'trust.json', forged], app);
      if (bad.status !== 1 || JSON.parse(bad.stdout).code !== 'invalid_signature')
        throw new Error(`a tampered token: exit ${bad.status}, ${bad.stdout}`);
      const demo = succeed(run('npx', ['--offline', 'ect', 'demo'], app), 'ect demo');
      const last = demo.stdout.trim().split('\n').at(-1);
      if (!last.includes('3 of 3 faults caught')) throw new Error(`demo ended with ${last}`);
      return 'keygen, create, verify, demo';
    });

    check('(d) a Vite build bundles it for the browser, and the bundle runs', () => {
      write(
        'index.html',
        '<!doctype html><html><body><pre id="out"></pre><script type="module" src="./main.js"></script></body></html>\n',
      );
      write(
        'main.js',
        `import { createToken, generateSigningKey, verifyToken, MemoryLedger } from 'wimse-ect';
const key = await generateSigningKey({ kid: 'browser-key' });
const { token } = await createToken({ iss: 'spiffe://x/a', aud: ['b'], exec_act: 'a' }, key.privateKey, { kid: 'browser-key' });
const report = await verifyToken(token, { audience: 'b', trust: { keys: [key.publicJwk] }, ledger: new MemoryLedger() });
const text = 'verified in the bundle: ' + report.valid;
if (typeof document !== 'undefined') document.getElementById('out').textContent = text;
else console.log(text);
`,
      );
      write(
        'vite.config.mjs',
        "export default { build: { target: 'es2022', modulePreload: { polyfill: false } }, logLevel: 'warn' };\n",
      );
      succeed(run(bin('vite'), ['build'], app), 'vite build');
      const assets = join(app, 'dist/assets');
      const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
      if (js.length !== 1) throw new Error(`expected one script, got ${js.join(', ')}`);
      const code = readFileSync(join(assets, js[0]), 'utf8');
      const nodeOnly = code.match(/["'](node:[a-z_/]+|fs|child_process)["']/);
      if (nodeOnly) throw new Error(`the bundle refers to ${nodeOnly[1]}`);
      // The bundle needs only WebCrypto, which Node 20 has as browsers do.
      const r = succeed(run('node', [join(assets, js[0])], app), 'the bundle');
      if (!r.stdout.includes('verified in the bundle: true'))
        throw new Error(`the bundle printed ${r.stdout}`);
      return `${js[0]}, ${Math.round(code.length / 1024)} kB`;
    });

    check('(e) wimse-ect/redis and wimse-ect/postgres, with pg and redis installed, on real servers', () => {
      // The drivers as the repository's lock file pins them (optional peers: users add them).
      const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
      const pins = ['pg', 'redis'].map((p) => `${p}@${lock.packages[`node_modules/${p}`].version}`);
      succeed(
        run(
          'npm',
          ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...pins],
          app,
        ),
        'npm install pg redis',
      );
      write(
        'stores.mjs',
        `import { createToken, generateSigningKey, importPrivateJwk, verifyToken, SharedStoreError } from 'wimse-ect';
import { RedisReplayStore } from 'wimse-ect/redis';
import { PostgresLedger } from 'wimse-ect/postgres';

const a = await generateSigningKey({ kid: 'agent-a' });
const l = await generateSigningKey({ kid: 'ledger', extractable: true });
const key = { kid: 'ledger', privateKey: await importPrivateJwk({ ...l.privateJwk, kid: 'ledger' }), publicJwk: l.publicJwk };
const replay = await RedisReplayStore.connect(process.env.ECT_REDIS_URL);
const ledger = await PostgresLedger.connect(process.env.ECT_PG_URL, { key });
const trust = { issuers: { 'spiffe://x/a': { keys: [a.publicJwk] } } };
const make = (pred) => createToken({ iss: 'spiffe://x/a', aud: ['v'], exec_act: 'step', pred }, a.privateKey, { kid: 'agent-a' });
const root = await make([]);
const child = await make([root.payload.jti]);
const opts = { trust, audience: 'v', replay, ledger };
const out = {
  root: (await verifyToken(root.token, opts)).valid,
  child: (await verifyToken(child.token, opts)).level,
  again: (await verifyToken(root.token, opts)).code,
  chain: await ledger.verifyChain(),
};
await Promise.all([replay.close(), ledger.close()]);
const bad = await PostgresLedger.connect('mysql://nowhere/x').catch((e) => e);
out.bad = bad instanceof SharedStoreError ? bad.reason + ': ' + bad.message : String(bad);
console.log(JSON.stringify(out));
`,
      );
      const r = succeed(
        run(
          'node',
          ['--import', 'tsx', join(root, 'scripts/with-servers.ts'), 'node', join(app, 'stores.mjs')],
          root,
        ),
        'stores.mjs beside real servers',
      );
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
      if (out.root !== true || out.child !== 'L3' || out.again !== 'replay')
        throw new Error(`verify gave ${JSON.stringify(out)}`);
      if (!out.chain.ok || out.chain.length !== 2 || out.chain.receipts !== 2)
        throw new Error(`the ledger's chain: ${JSON.stringify(out.chain)}`);
      if (!/^config: .*postgres/.test(out.bad)) throw new Error(`a bad address gave ${out.bad}`);
      return `${pins.join(', ')}: accepted, L3 with a receipt, replay refused, chain of 2 intact; ${out.bad}`;
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

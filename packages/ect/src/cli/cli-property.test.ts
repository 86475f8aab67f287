/**
 * No bad key or trust store makes the CLI fail with "internal error" (issue 11): fast-check feeds
 * `ect verify`, `ect audit` and `ect create` JWKs and trust stores with random members, and every
 * run must end with exit 0, 1 or 2, never an internal error or a stack trace. The CLI's own
 * main() runs in-process (the code path of `npm run ect`, without a process per run), with its
 * stdout and stderr captured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as fc from 'fast-check';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

(globalThis as { ECT_CLI_IMPORTED?: boolean }).ECT_CLI_IMPORTED = true;
const { main } = await import('./main.ts');

const NOW = 1767225600;
const ISS = 'spiffe://example.com/agent/a';
const dir = mkdtempSync(join(tmpdir(), 'ect-cli-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real keys of every kind, whose members the generators mix and break. */
async function keyPair(alg: string, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    alg,
    kid,
    privateKey: privateKey as CryptoKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid } as JWK,
    privateJwk: { ...(await exportJWK(privateKey)), kid } as JWK,
  };
}
const pairs = [
  await keyPair('ES256', 'k-es256'),
  await keyPair('RS256', 'k-rs256'),
  await keyPair('Ed25519', 'k-ed'),
  await keyPair('ES384', 'k-es384'),
];

const sign = (p: (typeof pairs)[number], alg = p.alg) =>
  new CompactSign(
    new TextEncoder().encode(
      JSON.stringify({
        iss: ISS,
        aud: 'spiffe://example.com/agent/b',
        iat: NOW - 60,
        exp: NOW + 540,
        jti: crypto.randomUUID(),
        exec_act: 'review_spec',
        pred: [],
      }),
    ),
  )
    .setProtectedHeader({ alg, typ: 'exec+jwt', kid: p.kid })
    .sign(p.privateKey);
const tokens = await Promise.all(pairs.map((p) => sign(p)));
const tokenFile = join(dir, 'tokens.txt');
writeFileSync(tokenFile, tokens.join('\n'));
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ allowedAlgs: ['ES256', 'ES384', 'RS256', 'EdDSA', 'Ed25519'] }));

// ---------------------------------------------------------------------------
// Generators

const anyValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_VALUE, '', 'AQAB', 'AAAA'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Values worth trying per member: what decides usability, and near misses. */
const INTERESTING: Readonly<Record<string, readonly unknown[]>> = {
  key_ops: [[], ['verify'], ['sign'], ['sign', 'verify'], ['encrypt'], ['verify', 'verify'], 'verify', [1]],
  use: ['sig', 'enc', '', 'SIG', 1],
  kid: ['k-es256', 'k-rs256', 'k-ed', 'k-es384', '', 7, ['k-es256']],
  alg: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA', 'Ed25519', 'HS256', 'none', '', 5],
  ext: [true, false, 'yes'],
  kty: ['EC', 'RSA', 'OKP', 'oct', 'AKP', 'ec', ''],
  crv: ['P-256', 'P-384', 'P-521', 'Ed25519', 'Ed448', 'X25519', 'secp256k1', 1],
};

const MEMBERS = [
  'kty',
  'crv',
  'x',
  'y',
  'n',
  'e',
  'd',
  'kid',
  'use',
  'key_ops',
  'alg',
  'ext',
  'k',
  'x5c',
  'oth',
];
const REAL_KEYS = pairs.flatMap((p) => [p.publicJwk, p.privateJwk]) as Record<string, unknown>[];

/** A value for a member: one a real key has, one from INTERESTING, or anything. */
const member = (name: string) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...REAL_KEYS.map((k) => k[name])) },
    { weight: 3, arbitrary: fc.constantFrom(undefined, ...(INTERESTING[name] ?? [])) },
    { weight: 1, arbitrary: anyValue },
  );

/** A JWK: mostly a real one with a few members changed or removed, else one made up, else anything. */
const jwk: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...REAL_KEYS),
        fc.array(
          // The members that decide usability are changed most often.
          fc
            .oneof(fc.constantFrom('key_ops', 'use', 'kid', 'alg', 'ext'), fc.constantFrom(...MEMBERS))
            .chain((name) => member(name).map((value) => [name, value] as const)),
          { maxLength: 3 },
        ),
      )
      .map(([base, changes]) => {
        const k: Record<string, unknown> = { ...base };
        for (const [name, value] of changes) {
          if (value === undefined) delete k[name];
          else k[name] = value;
        }
        return k;
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .record(Object.fromEntries(MEMBERS.map((m) => [m, member(m)])), { requiredKeys: [] })
      .map((k) => JSON.parse(JSON.stringify(k)) as unknown), // no undefined members
  },
  { weight: 1, arbitrary: anyValue },
);

const keys = fc.array(jwk, { maxLength: 4 });
const issuerName = fc.constantFrom(ISS, 'spiffe://example.com/agent/b', '', '__proto__', '\u202e');

/** Trust stores of the accepted shapes with random keys, and of every other shape. */
const trustStore: fc.Arbitrary<unknown> = fc.oneof(
  keys.map((k) => ({ keys: k })),
  fc
    .dictionary(
      issuerName,
      keys.map((k) => ({ keys: k })),
      { maxKeys: 3 },
    )
    .map((i) => ({ issuers: i })),
  fc
    .tuple(
      fc.dictionary(
        issuerName,
        fc.oneof(
          keys.map((k) => ({ keys: k })),
          keys,
          anyValue,
        ),
        { maxKeys: 3 },
      ),
      keys,
    )
    .map(([issuers, k]) => ({ issuers, keys: k })),
  jwk,
  anyValue,
);

// ---------------------------------------------------------------------------
// Running main() in-process

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function run(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Exit 0, 1 or 2; no internal error or stack; exit 2 prints nothing; otherwise JSON lines (or create's token). */
function expectContract(r: Run, what: string, token = false): void {
  const detail = `${what}\nexit ${r.status}\nstderr: ${r.stderr.slice(0, 500)}`;
  expect([0, 1, 2], detail).toContain(r.status);
  expect(r.stderr, detail).not.toMatch(/internal error/);
  expect(r.stderr + r.stdout, detail).not.toMatch(/^\s+at /m);
  if (r.status === 2) expect(r.stdout, detail).toBe('');
  else if (token && r.status === 0) expect(r.stdout, detail).toMatch(/^[\w-]+(\.[\w-]+\.[\w-]+)?\n$/);
  else for (const line of r.stdout.split('\n').filter(Boolean)) JSON.parse(line);
}

let n = 0;
const file = (value: unknown) => {
  const path = join(dir, `f${n++}.json`);
  writeFileSync(path, JSON.stringify(value) ?? 'null');
  return path;
};

const RUNS = { numRuns: 300, seed: 20261111 };

/** The cases issue 11 found, run first: a public key with empty key_ops (then "internal error: Unable to use this key to verify"), or one listing "sign". */
const es256 = pairs[0]!.publicJwk;
const FOUND: [unknown, boolean][] = [
  [{ keys: [{ ...es256, key_ops: [] }] }, false],
  [{ issuers: { [ISS]: { keys: [{ ...es256, use: 'sig', key_ops: ['sign', 'verify'] }] } } }, false],
];

describe('the CLI never fails with an internal error on a key or trust store', () => {
  it('sanity: the real keys verify their tokens (exit 0)', async () => {
    const trust = file({ keys: pairs.map((p) => p.publicJwk) });
    const r = await run(
      'verify',
      '--trust',
      trust,
      '--config',
      config,
      '--now',
      String(NOW),
      `@${tokenFile}`,
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(pairs.length);
  });

  it('verify and audit, any trust store', async () => {
    await fc.assert(
      fc.asyncProperty(trustStore, fc.boolean(), async (doc, withConfig) => {
        const trust = file(doc);
        const options = withConfig ? ['--config', config] : [];
        const what = `trust store ${JSON.stringify(doc)}`;
        expectContract(
          await run('verify', '--trust', trust, ...options, '--now', String(NOW), `@${tokenFile}`),
          what,
        );
        expectContract(await run('audit', '--trust', trust, ...options, tokenFile), what);
      }),
      { ...RUNS, examples: FOUND },
    );
  });

  it('create, any signing key', async () => {
    const payload = file({ iss: ISS, aud: 'spiffe://example.com/agent/b', exec_act: 'x' });
    await fc.assert(
      fc.asyncProperty(
        jwk,
        fc.constantFrom([], ['--level', 'L1'], ['--kid', 'given']),
        async (key, extra) => {
          const r = await run('create', '--key', file(key), ...extra, payload);
          expectContract(r, `key ${JSON.stringify(key)}`, true);
        },
      ),
      RUNS,
    );
  });
});

/**
 * The `ect` CLI against hostile files (issue 7, part 4). Whatever it is fed,
 * it answers per the contract (../shared/conformance/README.md): exit 1 with
 * JSON on stdout, or exit 2 with a one-line message on stderr; never a stack
 * trace, never another exit status. Each run costs about a second, so this
 * file keeps to about a dozen runs.
 */
import { describe, it, expect } from 'vitest';
import { encodeBase64Url, encodeBase64UrlText } from '../base64url.ts';
import type { JsonObject } from '../decode.ts';
import { claims, handToken, makeAgent, NOW, sign } from '../../test/fixtures.ts';
import { CLI_TIMEOUT, cliWorkspace, ect, ectWithin, type Run } from '../../test/cli.ts';

/** No stack frame anywhere in the output. */
function expectNoStack(r: Run): void {
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toMatch(/^ {4}at /m);
    expect(out).not.toMatch(/\bat .+\.(ts|js|mjs):\d+:\d+/);
  }
}

/** Exit 1 with one JSON value per stdout line (at least one), nothing on stderr. */
function expectJson(r: Run): unknown[] {
  expect(r.status, r.stderr).toBe(1);
  expectNoStack(r);
  expect(r.stderr).toBe('');
  const out = r.stdout.split('\n').filter((l) => l.trim());
  expect(out.length).toBeGreaterThan(0);
  return out.map((l) => JSON.parse(l) as unknown);
}

/** Exit 2, nothing on stdout, one printable line on stderr matching `pattern`. */
function expectUsage(r: Run, pattern: RegExp): void {
  expect(r.status, r.stdout.slice(0, 500)).toBe(2);
  expectNoStack(r);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n'), JSON.stringify(r.stderr)).toBe(true);
  const message = r.stderr.slice(0, -1);
  expect(message.split('\n'), JSON.stringify(r.stderr)).toHaveLength(1);
  // Nothing from a file reaches the terminal raw: no CR, NUL or ESC (terminal escape sequences).
  expect(hasControl(message), JSON.stringify(message)).toBe(false);
  expect(message).toMatch(pattern);
}

/** True when `s` holds a C0 control character or DEL. */
const hasControl = (s: string): boolean =>
  [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Either of the two allowed answers. */
function expectContract(r: Run): void {
  expectNoStack(r);
  if (r.status === 2) expectUsage(r, /./);
  else expectJson(r);
}

/** Deterministic pseudo-random bytes (mulberry32). */
function randomBytes(n: number, seed: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const ws = cliWorkspace('ect-cli-robust-');

describe('hostile token files', () => {
  it(
    'random bytes as a token file: verify and decode give exit 1 and JSON, every token malformed',
    () => {
      // Random bytes with newlines, NUL, ESC and invalid UTF-8 among them.
      const bytes = Buffer.concat([
        randomBytes(3000, 7),
        Buffer.from('\n\u0000\u001b[2J\r\n'),
        randomBytes(1000, 8),
      ]);
      const tokens = ws.file('random.bin', bytes);
      const v = expectJson(ect('verify', '--trust', ws.trustFile, '--now', String(NOW), `@${tokens}`));
      for (const line of v) expect(line).toMatchObject({ valid: false, code: 'malformed' });
      const d = expectJson(ect('decode', `@${tokens}`));
      expect(d).toHaveLength(1);
      const decoded = (d[0] as { tokens: { level: unknown; error?: { code: string } }[] }).tokens;
      expect(decoded.length).toBeGreaterThan(0);
      for (const t of decoded) expect(t).toMatchObject({ level: null, error: { code: 'malformed' } });
    },
    CLI_TIMEOUT,
  );

  it(
    'a 5 MB token file: exit 1, malformed with the length in the message',
    () => {
      const big = ws.file('big.txt', 'A'.repeat(5 * 1024 * 1024));
      const out = expectJson(ect('verify', '--trust', ws.trustFile, `@${big}`));
      expect(out).toHaveLength(1);
      const line = out[0] as { valid: boolean; code: string; problems: { message: string }[] };
      expect(line).toMatchObject({ valid: false, code: 'malformed' });
      expect(line.problems[0]!.message).toMatch(/5,242,880 characters long/);
    },
    CLI_TIMEOUT,
  );

  it(
    'an empty token file: verify checked nothing, so it must not exit 0 (exit 2, or 1 with JSON)',
    () => {
      const empty = ws.file('empty.txt', '');
      const r = ect('verify', '--trust', ws.trustFile, `@${empty}`);
      expect([1, 2], `exit ${r.status}, stdout ${JSON.stringify(r.stdout)}`).toContain(r.status);
      expectContract(r);
    },
    CLI_TIMEOUT,
  );

  it(
    'a token whose ect_ext is nested 100,000 deep: exit 1 with JSON (invalid_ext), not an internal error',
    async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const payload = `${JSON.stringify(claims(ws.alice)).slice(0, -1)},"ect_ext":{"a":${deep}}}`;
      const header = JSON.stringify({ alg: 'ES256', typ: 'exec+jwt', kid: ws.alice.kid });
      const input = `${encodeBase64UrlText(header)}.${encodeBase64UrlText(payload)}`;
      const sig = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        ws.alice.key.privateKey,
        new TextEncoder().encode(input),
      );
      const tokenFile = ws.file('deep.txt', `${input}.${encodeBase64Url(new Uint8Array(sig))}`);
      const r = ect('verify', '--trust', ws.trustFile, '--now', String(NOW), `@${tokenFile}`);
      expectNoStack(r);
      const out = expectJson(r);
      expect(out[0]).toMatchObject({ valid: false, code: 'invalid_ext' });

      // decode prints it whole, all 100,000 levels (JSON.stringify alone overflows at about 7,000).
      const d = ect('decode', `@${tokenFile}`);
      expect(d.status, d.stderr).toBe(0);
      expect(d.stderr).toBe('');
      const decoded = JSON.parse(d.stdout) as { tokens: { level: string; payload: JsonObject }[] };
      expect(decoded.tokens[0]!.level).toBe('L2');
      let v: unknown = (decoded.tokens[0]!.payload.ect_ext as JsonObject).a;
      let depth = 0;
      while (Array.isArray(v)) {
        v = v[0];
        depth++;
      }
      expect(depth).toBe(100_000);
    },
    CLI_TIMEOUT,
  );

  it(
    '150,000 tokens in a file: decode and verify answer for each (the spread of them overflowed the stack)',
    () => {
      // "e30" is the L1 token {} (decoded as it is); "x" is malformed (refused at step 1, the
      // shortest verify line: 150,000 lines of 230 bytes).
      const many = ws.file('many.txt', 'e30\n'.repeat(150_000));
      const d = ectWithin(110_000, 'decode', `@${many}`);
      expect(d.status, d.stderr).toBe(0);
      expect((JSON.parse(d.stdout) as { tokens: unknown[] }).tokens).toHaveLength(150_000);
      const bad = ws.file('many-malformed.txt', 'x\n'.repeat(150_000));
      const v = ectWithin(110_000, 'verify', '--trust', ws.trustFile, `@${bad}`);
      expectNoStack(v);
      expect(v.status, v.stderr.slice(0, 300)).toBe(1);
      const lines = v.stdout.trim().split('\n');
      expect(lines).toHaveLength(150_000);
      expect(JSON.parse(lines[149_999]!)).toMatchObject({ valid: false, code: 'malformed' });
    },
    120_000, // verifying 150,000 tokens takes about 4 s of CPU, and the machine is shared
  );

  it(
    'a token file with a UTF-8 BOM, CRLF line ends, a header line and blank lines still verifies (exit 0)',
    async () => {
      const t = await sign(ws.alice, claims(ws.alice));
      const f = ws.file('bom.txt', `\ufeff\r\n\r\nExecution-Context: ${t}\r\n\r\n`);
      const r = ect('verify', '--trust', ws.trustFile, '--now', String(NOW), `@${f}`);
      expectNoStack(r);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, code: null });
    },
    CLI_TIMEOUT,
  );
});

describe('hostile trust stores and configs', () => {
  it(
    'a JWKS with a key lacking kid and one with empty key_ops: both skipped (noted on stderr), the usable key verifies with a warning',
    async () => {
      const { kid: _k, ...noKid } = ws.alice.key.publicJwk;
      void _k;
      const bob = await makeAgent('bob');
      const jwks = ws.file('jwks-skips.json', {
        keys: [noKid, { ...ws.alice.key.publicJwk, key_ops: [] }, bob.key.publicJwk],
      });
      const a = await sign(ws.alice, claims(ws.alice));
      const b = await sign(bob, claims(bob));
      const r = ect('verify', '--trust', jwks, '--now', String(NOW), a, b);
      expectNoStack(r);
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([
        'ect verify: warning: trust store key keys[0] skipped: it has no "kid": tokens select their key by kid, so a key without one can never be chosen',
        'ect verify: warning: trust store key keys[1] (kid "agent-alice-key") skipped: it has "key_ops" [] without "verify": it is not allowed to verify signatures',
      ]);
      const [ra, rb] = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(ra).toMatchObject({ valid: false, code: 'unknown_key' });
      expect(ra!.warnings).toBeUndefined();
      expect((ra!.problems as { message: string }[])[0]!.message).toMatch(
        /keys\[1\] has this kid but is not usable/,
      );
      expect(rb).toMatchObject({ valid: true, code: null });
      expect(rb!.warnings).toEqual([expect.stringMatching(/^issuer unchecked: key "agent-bob-key"/)]);
    },
    CLI_TIMEOUT,
  );

  it(
    'a trust store whose issuer maps to a bare array of JWKs: exit 2 saying so',
    () => {
      const bad = ws.file('trust-bare-array.json', { issuers: { [ws.alice.iss]: [ws.alice.key.publicJwk] } });
      expectUsage(
        ect('verify', '--trust', bad, 'abc.def.ghi'),
        /must map to \{"keys": \[\.\.\.\]\}, not to a bare array/,
      );
      expectUsage(ect('audit', '--trust', bad, ws.trustFile), /not to a bare array/);
    },
    CLI_TIMEOUT,
  );

  it(
    'a trust store of random bytes with newlines and escape sequences: exit 2, one printable line',
    () => {
      const bad = ws.file(
        'trust-random.json',
        Buffer.concat([Buffer.from('x\n\u001b]0;pwned\u0007\n\r'), randomBytes(64, 3)]),
      );
      expectUsage(ect('verify', '--trust', bad, 'abc.def.ghi'), /not JSON/);
    },
    CLI_TIMEOUT,
  );

  it(
    'a config with allowedAlgs ["none"] is accepted, but none is still refused at verify (and ES256 is not listed)',
    async () => {
      const config = ws.file('config-none.json', { allowedAlgs: ['none'] });
      const none = handToken({ alg: 'none', typ: 'exec+jwt', kid: ws.alice.kid }, claims(ws.alice), '');
      const es256 = await sign(ws.alice, claims(ws.alice));
      const out = expectJson(
        ect('verify', '--trust', ws.trustFile, '--config', config, '--now', String(NOW), none, es256),
      );
      expect(out).toHaveLength(2);
      const [a, b] = out as { valid: boolean; code: string; problems: { step: number; message: string }[] }[];
      expect(a).toMatchObject({ valid: false, code: 'alg_not_allowed' });
      expect(a!.problems[0]).toMatchObject({ step: 4 });
      expect(a!.problems[0]!.message).toMatch(/"none" is always refused/);
      expect(b).toMatchObject({ valid: false, code: 'alg_not_allowed' });
      expect(b!.problems[0]!.message).toMatch(/"ES256" is not in the allow-list \[none\]/);
    },
    CLI_TIMEOUT,
  );
});

describe('hostile create input', () => {
  it(
    'a payload that is a JSON array: exit 2',
    () => {
      const keyFile = ws.file('ws.alice-private.json', ws.alice.key.privateJwk);
      const payload = ws.file('payload-array.json', [{ iss: ws.alice.iss, exec_act: 'x' }]);
      expectUsage(ect('create', '--key', keyFile, payload), /payload must be a JSON object/);
    },
    CLI_TIMEOUT,
  );

  it(
    'a payload nested 100,000 levels: exit 2 naming the claim, not blaming the key',
    () => {
      const keyFile = ws.file('alice-private-deep.json', ws.alice.key.privateJwk);
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const payload = ws.file(
        'payload-deep.json',
        `{"iss": "${ws.alice.iss}", "aud": "x", "exec_act": "x", "notes": ${deep}}`,
      );
      const r = ect('create', '--key', keyFile, payload);
      expectUsage(
        r,
        /the payload is nested 100,001 levels deep \(in claim "notes"\); a payload to sign may nest at most 1,000 levels/,
      );
      expect(r.stderr).not.toMatch(/key/);
    },
    CLI_TIMEOUT,
  );

  it(
    'a key file of random bytes: exit 2, one printable line',
    () => {
      const keyFile = ws.file('key-random.json', Buffer.concat([Buffer.from('{\n'), randomBytes(200, 11)]));
      const payload = ws.file('payload.json', { iss: ws.alice.iss, aud: 'x', exec_act: 'x' });
      expectUsage(ect('create', '--key', keyFile, payload), /key .* is not JSON/);
    },
    CLI_TIMEOUT,
  );
});

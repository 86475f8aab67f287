/**
 * The `ect` CLI run as a child process, as scripts and the conformance runner
 * use it (contract: ../shared/conformance/README.md). Each run costs about a
 * second, so this file keeps to a few runs.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claims, flipChar, makeAgent, NOW, sign, uuid, type Agent } from '../../test/fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT = 30_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function ect(...args: string[]): Run {
  const env = { ...process.env };
  delete env.ECT_DEBUG;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout: TIMEOUT - 5_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stdout as JSON lines. */
const lines = (r: Run): unknown[] =>
  r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

/** Exit 2, nothing on stdout, one line on stderr matching `pattern`, no stack trace. */
function expectUsageError(r: Run, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const message = r.stderr.slice(0, -1);
  expect(message.split('\n'), r.stderr).toHaveLength(1);
  expect(message).toMatch(pattern);
  expect(message).not.toMatch(/\bat .+:\d+:\d+/);
}

let dir = '';
let alice: Agent;
let trustFile = '';
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ect-cli-test-'));
  alice = await makeAgent('alice');
  trustFile = file('trust.json', { issuers: { [alice.iss]: { keys: [alice.key.publicJwk] } } });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ect keygen', () => {
  it(
    'prints a private and a public JWK carrying the kid',
    () => {
      const r = ect('keygen', '--kid', 'my-key');
      expect(r.status, r.stderr).toBe(0);
      const out = lines(r);
      expect(out).toHaveLength(1);
      const { private: priv, public: pub } = out[0] as Record<string, Record<string, unknown>>;
      expect(priv).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'my-key', alg: 'ES256' });
      expect(typeof priv!.d).toBe('string');
      expect(pub).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'my-key', x: priv!.x, y: priv!.y });
      expect(pub).not.toHaveProperty('d');
    },
    TIMEOUT,
  );
});

describe('ect create and verify', () => {
  it(
    'round-trips: a created token verifies against a trust store file',
    () => {
      const keyFile = file('alice-private.json', alice.key.privateJwk);
      const payloadFile = file('payload.json', {
        iss: alice.iss,
        aud: 'spiffe://example.com/agent/b',
        exec_act: 'review_spec',
      });
      const created = ect('create', '--key', keyFile, payloadFile);
      expect(created.status, created.stderr).toBe(0);
      const token = created.stdout.trim();
      expect(token.split('.')).toHaveLength(3);

      const r = ect('verify', '--trust', trustFile, '--audience', 'spiffe://example.com/agent/b', token);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const out = lines(r);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ valid: true, code: null, codes: [], level: 'L2' });
      expect((out[0] as { jti: string }).jti).toMatch(UUID);
    },
    TIMEOUT,
  );

  it(
    'exits 1 with invalid_signature for a tampered token',
    async () => {
      const token = await sign(alice, claims(alice));
      const r = ect('verify', '--trust', trustFile, '--now', String(NOW), flipChar(token, 2));
      expect(r.status, r.stderr).toBe(1);
      const out = lines(r);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ valid: false, code: 'invalid_signature' });
    },
    TIMEOUT,
  );

  it(
    'create refuses a payload without exec_act: exit 1 and a JSON error naming the claim',
    () => {
      const keyFile = file('alice-private-2.json', alice.key.privateJwk);
      const payloadFile = file('no-exec-act.json', { iss: alice.iss, aud: 'spiffe://example.com/agent/b' });
      const r = ect('create', '--key', keyFile, payloadFile);
      expect(r.status, r.stderr).toBe(1);
      const out = lines(r);
      expect(out).toHaveLength(1);
      const { error } = out[0] as { error: { code: string; message: string; problems: unknown[] } };
      expect(error.code).toBe('missing_claim');
      expect(error.message).toContain('exec_act');
      expect(error.problems).toContainEqual(
        expect.objectContaining({ code: 'missing_claim', claim: 'exec_act' }),
      );
    },
    TIMEOUT,
  );
});

describe('ect decode', () => {
  it(
    'decodes an Execution-Context header line holding two tokens',
    async () => {
      const p1 = claims(alice);
      const p2 = claims(alice, { pred: [p1.jti as string] });
      const header = `Execution-Context: ${await sign(alice, p1)}, ${await sign(alice, p2)}`;
      const r = ect('decode', header);
      expect(r.status, r.stderr).toBe(0);
      const out = lines(r);
      expect(out).toHaveLength(1);
      const { tokens } = out[0] as { tokens: Record<string, Record<string, unknown>>[] };
      expect(tokens).toHaveLength(2);
      expect(tokens.map((t) => t.payload!.jti)).toEqual([p1.jti, p2.jti]);
      for (const t of tokens) {
        expect(t).toMatchObject({
          level: 'L2',
          version: '01',
          header: { alg: 'ES256', typ: 'exec+jwt', kid: alice.kid },
        });
      }
    },
    TIMEOUT,
  );
});

describe('ect audit', () => {
  it(
    'exits 1 and lists the violations of a set',
    async () => {
      const [root, orphan, ghost, x, y] = [uuid(), uuid(), uuid(), uuid(), uuid()];
      const tokens = [
        await sign(alice, claims(alice, { jti: root })),
        await sign(alice, claims(alice, { jti: orphan, pred: [ghost] })),
        await sign(alice, claims(alice, { jti: x, pred: [y] })),
        await sign(alice, claims(alice, { jti: y, pred: [x, root] })),
      ];
      const ledgerFile = file('ledger.json', tokens);
      const r = ect('audit', '--trust', trustFile, ledgerFile);
      expect(r.status, r.stderr).toBe(1);
      const out = lines(r);
      expect(out).toHaveLength(1);
      const report = out[0] as {
        nodes: { jti: string; valid: boolean }[];
        violations: { code: string; jti: string; pred?: string }[];
      };
      expect(report.nodes.map((n) => [n.jti, n.valid])).toEqual([
        [root, true],
        [orphan, false],
        [x, false],
        [y, false],
      ]);
      expect(report.violations.map((v) => `${v.code} ${v.jti} ${v.pred}`).sort()).toEqual(
        [`parent_not_found ${orphan} ${ghost}`, `cycle ${x} ${y}`, `cycle ${y} ${x}`].sort(),
      );
    },
    TIMEOUT,
  );
});

describe('ect usage errors: exit 2, one line on stderr, no stack trace', () => {
  it(
    'an unknown command',
    () => {
      expectUsageError(ect('frobnicate'), /unknown command "frobnicate"/);
    },
    TIMEOUT,
  );

  it(
    'verify without --trust',
    () => {
      expectUsageError(ect('verify', 'abc.def.ghi'), /--trust/);
    },
    TIMEOUT,
  );

  it(
    'an unreadable file',
    () => {
      expectUsageError(ect('audit', '--trust', trustFile, join(dir, 'no-such-ledger.json')), /no such file/);
    },
    TIMEOUT,
  );

  it(
    'a trust file that is not JSON',
    () => {
      const bad = file('trust-not-json.json', 'this is not JSON {');
      expectUsageError(ect('verify', '--trust', bad, 'abc.def.ghi'), /not JSON/);
    },
    TIMEOUT,
  );

  it(
    'a bad --now',
    () => {
      expectUsageError(ect('verify', '--trust', trustFile, '--now', 'yesterday', 'abc.def.ghi'), /--now/);
    },
    TIMEOUT,
  );

  it(
    'an unknown --config setting',
    () => {
      const config = file('config.json', { clockSkw: 5 });
      expectUsageError(
        ect('verify', '--trust', trustFile, '--config', config, 'abc.def.ghi'),
        /unknown setting "clockSkw"/,
      );
    },
    TIMEOUT,
  );

  it(
    'an unknown option',
    () => {
      expectUsageError(ect('verify', '--trust', trustFile, '--bogus', 'x', 'abc.def.ghi'), /--bogus/);
    },
    TIMEOUT,
  );
});

/**
 * The `ect` CLI run as a child process, as scripts and the conformance runner
 * use it (contract: ../shared/conformance/README.md). Each run costs about a
 * second, so this file keeps to a few runs.
 */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { claims, flipChar, NOW, sign, uuid } from '../../test/fixtures.ts';
import { CLI_TIMEOUT, cliWorkspace, ect, type Run } from '../../test/cli.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

const ws = cliWorkspace('ect-cli-test-');

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
    CLI_TIMEOUT,
  );
});

describe('ect create and verify', () => {
  it(
    'round-trips: a created token verifies against a trust store file',
    () => {
      const keyFile = ws.file('ws.alice-private.json', ws.alice.key.privateJwk);
      const payloadFile = ws.file('payload.json', {
        iss: ws.alice.iss,
        aud: 'spiffe://example.com/agent/b',
        exec_act: 'review_spec',
      });
      const created = ect('create', '--key', keyFile, payloadFile);
      expect(created.status, created.stderr).toBe(0);
      const token = created.stdout.trim();
      expect(token.split('.')).toHaveLength(3);

      const r = ect('verify', '--trust', ws.trustFile, '--audience', 'spiffe://example.com/agent/b', token);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const out = lines(r);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ valid: true, code: null, codes: [], level: 'L2' });
      expect((out[0] as { jti: string }).jti).toMatch(UUID);
    },
    CLI_TIMEOUT,
  );

  it(
    'exits 1 with invalid_signature for a tampered token',
    async () => {
      const token = await sign(ws.alice, claims(ws.alice));
      const r = ect('verify', '--trust', ws.trustFile, '--now', String(NOW), flipChar(token, 2));
      expect(r.status, r.stderr).toBe(1);
      const out = lines(r);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ valid: false, code: 'invalid_signature' });
    },
    CLI_TIMEOUT,
  );

  it(
    'create refuses a payload without exec_act: exit 1 and a JSON error naming the claim',
    () => {
      const keyFile = ws.file('ws.alice-private-2.json', ws.alice.key.privateJwk);
      const payloadFile = ws.file('no-exec-act.json', {
        iss: ws.alice.iss,
        aud: 'spiffe://example.com/agent/b',
      });
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
    CLI_TIMEOUT,
  );
});

describe('ect decode', () => {
  it(
    'decodes an Execution-Context header line holding two tokens',
    async () => {
      const p1 = claims(ws.alice);
      const p2 = claims(ws.alice, { pred: [p1.jti as string] });
      const header = `Execution-Context: ${await sign(ws.alice, p1)}, ${await sign(ws.alice, p2)}`;
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
          header: { alg: 'ES256', typ: 'exec+jwt', kid: ws.alice.kid },
        });
      }
    },
    CLI_TIMEOUT,
  );
});

describe('ect audit', () => {
  it(
    'exits 1 and lists the violations of a set',
    async () => {
      const [root, orphan, ghost, x, y] = [uuid(), uuid(), uuid(), uuid(), uuid()];
      const tokens = [
        await sign(ws.alice, claims(ws.alice, { jti: root })),
        await sign(ws.alice, claims(ws.alice, { jti: orphan, pred: [ghost] })),
        await sign(ws.alice, claims(ws.alice, { jti: x, pred: [y] })),
        await sign(ws.alice, claims(ws.alice, { jti: y, pred: [x, root] })),
      ];
      const ledgerFile = ws.file('ledger.json', tokens);
      const r = ect('audit', '--trust', ws.trustFile, ledgerFile);
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
    CLI_TIMEOUT,
  );
});

describe('ect usage errors: exit 2, one line on stderr, no stack trace', () => {
  it(
    'an unknown command',
    () => {
      expectUsageError(ect('frobnicate'), /unknown command "frobnicate"/);
    },
    CLI_TIMEOUT,
  );

  it(
    'verify without --trust',
    () => {
      expectUsageError(ect('verify', 'abc.def.ghi'), /--trust/);
    },
    CLI_TIMEOUT,
  );

  it(
    'an unreadable file',
    () => {
      expectUsageError(
        ect('audit', '--trust', ws.trustFile, join(ws.dir, 'no-such-ledger.json')),
        /no such file/,
      );
    },
    CLI_TIMEOUT,
  );

  it(
    'a trust file that is not JSON',
    () => {
      const bad = ws.file('trust-not-json.json', 'this is not JSON {');
      expectUsageError(ect('verify', '--trust', bad, 'abc.def.ghi'), /not JSON/);
    },
    CLI_TIMEOUT,
  );

  it(
    'a bad --now',
    () => {
      expectUsageError(ect('verify', '--trust', ws.trustFile, '--now', 'yesterday', 'abc.def.ghi'), /--now/);
    },
    CLI_TIMEOUT,
  );

  it(
    'an unknown --config setting',
    () => {
      const config = ws.file('config.json', { clockSkw: 5 });
      expectUsageError(
        ect('verify', '--trust', ws.trustFile, '--config', config, 'abc.def.ghi'),
        /unknown setting "clockSkw"/,
      );
    },
    CLI_TIMEOUT,
  );

  it(
    'an unknown option',
    () => {
      expectUsageError(ect('verify', '--trust', ws.trustFile, '--bogus', 'x', 'abc.def.ghi'), /--bogus/);
    },
    CLI_TIMEOUT,
  );
});

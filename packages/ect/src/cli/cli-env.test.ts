/**
 * The `ect` command's settings from ECT_* environment variables, with the precedence --config >
 * environment > defaults, and `ect demo`. Each run costs about a second: a few runs only.
 */
import { describe, it, expect } from 'vitest';
import { claims, NOW, sign } from '../../test/fixtures.ts';
import { CLI_TIMEOUT, cliWorkspace, ectWith, type Run } from '../../test/cli.ts';

const ws = cliWorkspace('ect-cli-env-test-');

const codes = (r: Run) =>
  r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { code: string | null }).code);

describe('ect verify: settings from the environment', () => {
  it(
    'ECT_IAT_MAX_AGE applies, and --config overrides it',
    async () => {
      // Issued a minute before NOW: too old for a 30-second maximum age.
      const token = await sign(ws.alice, claims(ws.alice));
      const args = ['verify', '--trust', ws.trustFile, '--now', String(NOW), token];
      const fromEnv = ectWith({ ECT_IAT_MAX_AGE: '30' }, ...args);
      expect(fromEnv.status, fromEnv.stderr).toBe(1);
      expect(codes(fromEnv)).toEqual(['iat_too_old']);
      const config = ws.file('config-iat.json', { iatMaxAge: 900 });
      const overridden = ectWith({ ECT_IAT_MAX_AGE: '30' }, 'verify', '--config', config, ...args.slice(1));
      expect(overridden.status, overridden.stderr).toBe(0);
      expect(codes(overridden)).toEqual([null]);
    },
    CLI_TIMEOUT,
  );

  it(
    'ECT_JTI_REPLAY_SIZE=0 turns replay checking off: a token given twice is then only a duplicate_jti',
    async () => {
      const token = await sign(ws.alice, claims(ws.alice));
      const args = ['verify', '--trust', ws.trustFile, '--now', String(NOW), token, token];
      expect(codes(ectWith({}, ...args))).toEqual([null, 'replay']);
      expect(codes(ectWith({ ECT_JTI_REPLAY_SIZE: '0' }, ...args))).toEqual([null, 'duplicate_jti']);
    },
    CLI_TIMEOUT * 2,
  );

  it(
    'a bad value: exit 2, one line naming the variable',
    () => {
      const r = ectWith({ ECT_CLOCK_SKEW: 'soon' }, 'verify', '--trust', ws.trustFile, 'abc.def.ghi');
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'ect verify: environment variable ECT_CLOCK_SKEW must be a whole number of seconds (0 or more), got "soon"\n',
      );
    },
    CLI_TIMEOUT,
  );
});

describe('ect demo', () => {
  it(
    'runs the two-agent flow and catches the three faults: exit 0, no colour when not on a terminal',
    () => {
      const r = ectWith({}, 'demo');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('\u001b[');
      expect(r.stdout).toContain('✗ refused: replay (step 14, Not a replay)');
      expect(r.stdout).toContain('✗ refused: invalid_signature (step 7, Signature)');
      expect(r.stdout).toContain('✗ refused: parent_not_found (step 15, DAG rules against the store)');
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
        '✓ 3 of 3 faults caught with their codes; ledger: 2 entries, chain intact',
      );
    },
    CLI_TIMEOUT,
  );
});

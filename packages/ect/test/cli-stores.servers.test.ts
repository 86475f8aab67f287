/**
 * The `ect` command on the shared stores (real Redis and PostgreSQL started here): verify with
 * --replay and --store across processes, ledger migrate / check / export / import, and bad
 * connection strings (one line on stderr, exit 2).
 */
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBundle, createToken, parseBundle, readCheckpoint } from '../src/index.ts';
import { cliWorkspace, CLI_TIMEOUT, ect } from './cli.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './servers.ts';

let redis: RedisServer;
let postgres: PostgresServer;
const ws = cliWorkspace('ect-cli-stores-');

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), postgres?.stop()]);
}, 60_000);

/** A root ECT by alice, valid for an hour on the real clock (Redis expires records by it). */
async function token(overrides: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jti = crypto.randomUUID();
  return (
    await createToken(
      {
        iss: ws.alice.iss,
        aud: ['spiffe://example.com/agent/b'],
        jti,
        exec_act: 'review',
        pred: [],
        ...overrides,
      },
      { key: ws.alice.key.privateKey, kid: ws.alice.kid, now },
    )
  ).token;
}

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function ledgerKeyFile(name: string): string {
  const r = ect('keygen', '--kid', name);
  expect(r.status).toBe(0);
  return ws.file(`${name}.json`, r.stdout);
}

describe('ect verify --replay --store', () => {
  it(
    'two verify processes share the replay store and the ledger: the second sees a replay',
    async () => {
      const db = postgres.url();
      const t = await token();
      const args = ['verify', '--trust', ws.trustFile, '--replay', redis.url, '--store', `${db}?x=1`, t];
      expect(ect('ledger', 'migrate', '--db', db, '--schema', 'ect').status).toBe(0);
      const first = ect(...args);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(lines(first.stdout)[0]).toMatchObject({ valid: true });
      const second = ect(...args);
      expect(second.status).toBe(1);
      expect(lines(second.stdout)[0]).toMatchObject({ valid: false, code: 'replay' });
      const check = ect('ledger', 'check', '--db', db);
      expect(check.status).toBe(0);
      expect(lines(check.stdout)[0]).toMatchObject({ ok: true, length: 1 });
    },
    CLI_TIMEOUT * 2,
  );

  it.each([
    [
      ['--replay', 'http://127.0.0.1:6379'],
      /"http:\/\/127\.0\.0\.1:6379\/" is not a Redis URL \(scheme http\)/,
    ],
    [
      ['--replay', 'redis://127.0.0.1:1'],
      /cannot connect to the Redis replay store at redis:\/\/127\.0\.0\.1:1/,
    ],
    [['--store', 'mysql://x/y'], /not a PostgreSQL URL \(scheme mysql\)/],
    [
      ['--store', 'postgres://u:secret@127.0.0.1:1/x'],
      /PostgreSQL ledger at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x.*ECONNREFUSED/,
    ],
    [['--ledger-key', 'k.json'], /--ledger-key F goes with --store/],
  ])('bad store options %j: one clear line, exit 2', async (opts, message) => {
    const r = ect('verify', '--trust', ws.trustFile, ...opts, await token());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^ect verify: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/secret|internal error|\bat .*\.ts:\d+/);
  });
});

describe('ect ledger', () => {
  it(
    'migrate with a key, verify into it, export the bundle, import it into another ledger, check both',
    async () => {
      const db = postgres.createDatabase('cli_roundtrip');
      const keyFile = ledgerKeyFile('cli-ledger');
      const m = ect('ledger', 'migrate', '--db', db, '--ledger-key', keyFile);
      expect(m.status).toBe(0);
      expect(lines(m.stdout)[0]).toEqual({ schema: 'ect', from: 0, to: 1, ledgerKey: 'cli-ledger' });
      const tokens = [await token(), await token(), await token()];
      const v = ect('verify', '--trust', ws.trustFile, '--store', db, '--ledger-key', keyFile, ...tokens);
      expect(v.status).toBe(0);
      expect(lines(v.stdout).map((l) => l.level)).toEqual(['L3', 'L3', 'L3']);

      const out = `${ws.dir}/export.json`;
      const e = ect('ledger', 'export', '--db', db, '--trust', ws.trustFile, '--out', out);
      expect(e.status).toBe(0);
      expect(lines(e.stdout)[0]).toMatchObject({ out, entries: 3, chain: { ok: true, length: 3 } });
      const stdoutBundle = JSON.parse(ect('ledger', 'export', '--db', db).stdout) as Record<string, unknown>;
      expect(stdoutBundle).toMatchObject({
        format: 'ect-workbench-ledger',
        version: 1,
        ledgerKey: { kid: 'cli-ledger' },
      });
      expect((stdoutBundle.entries as { token: string; receipt?: string }[]).map((x) => x.token)).toEqual(
        tokens,
      );
      // The core reads it as the app does: its shape, chain and receipts under the key it declares.
      expect(await checkBundle(parseBundle(stdoutBundle))).toMatchObject({
        ok: true,
        length: 3,
        receipts: 3,
      });
      expect(stdoutBundle.checkpoint).toBeUndefined();

      // With the ledger's private key the export carries a checkpoint of its head, signed by it.
      const signed = ect('ledger', 'export', '--db', db, '--ledger-key', keyFile);
      expect(signed.status).toBe(0);
      const signedBundle = parseBundle(signed.stdout);
      const cp = await readCheckpoint(signedBundle.checkpoint!);
      expect(cp).toMatchObject({ size: 3, head: signedBundle.head.entryHash });
      expect(await checkBundle(signedBundle)).toMatchObject({ ok: true, receipts: 3 });
      const wrongKey = ect('ledger', 'export', '--db', db, '--ledger-key', ledgerKeyFile('not-the-ledgers'));
      expect(wrongKey.status).toBe(2);
      expect(wrongKey.stderr).toMatch(
        /^ect ledger: .*key is cli-ledger, not the key given \(not-the-ledgers\)/,
      );
      expect(wrongKey.stdout).toBe('');

      const i = ect('ledger', 'import', '--db', db, '--schema', 'copy', '--trust', ws.trustFile, out);
      expect(i.stderr).toBe('');
      expect(i.status).toBe(0);
      expect(lines(i.stdout)[0]).toMatchObject({ imported: 3, alreadyPresent: 0, skipped: [] });
      const again = ect('ledger', 'import', '--db', db, '--schema', 'copy', '--trust', ws.trustFile, out);
      expect(lines(again.stdout)[0]).toMatchObject({ imported: 0, alreadyPresent: 3 });
      for (const schema of ['ect', 'copy']) {
        const c = ect('ledger', 'check', '--db', db, '--schema', schema);
        expect(c.status).toBe(0);
        expect(lines(c.stdout)[0]).toMatchObject({ ok: true, length: 3 });
      }
    },
    CLI_TIMEOUT * 3,
  );

  it(
    'import leaves out a token that fails steps 1-10 and refuses a bundle whose chain is broken',
    async () => {
      const db = postgres.createDatabase('cli_import');
      const good = await token();
      const stranger = (await token()).replace(/\.[^.]+$/, '.AAAA'); // signature broken
      const r = ect(
        'ledger',
        'import',
        '--db',
        db,
        '--trust',
        ws.trustFile,
        ws.file('two.txt', `${good}\n${stranger}\n`),
      );
      expect(r.status).toBe(1);
      expect(lines(r.stdout)[0]).toMatchObject({
        imported: 1,
        skipped: [{ index: 1, code: 'invalid_signature' }],
      });
      expect(r.stderr).toMatch(/token 1 .*left out/);

      const out = `${ws.dir}/tampered.json`;
      expect(ect('ledger', 'export', '--db', db, '--out', out).status).toBe(0);
      const bundle = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(out, 'utf8'))) as {
        entries: { token: string }[];
      };
      bundle.entries[0]!.token = await token();
      const t = ect(
        'ledger',
        'import',
        '--db',
        db,
        '--schema',
        'other',
        '--trust',
        ws.trustFile,
        ws.file('t.json', bundle),
      );
      expect(t.status).toBe(1);
      expect(lines(t.stdout)[0]).toMatchObject({ imported: 0, chain: { ok: false, firstBreak: { seq: 1 } } });
    },
    CLI_TIMEOUT * 3,
  );

  it(
    'check exits 1 naming the entry when a row was changed behind the triggers',
    async () => {
      const db = postgres.createDatabase('cli_tamper');
      expect(ect('verify', '--trust', ws.trustFile, '--store', db, await token(), await token()).status).toBe(
        0,
      );
      const c = new Client(db);
      await c.connect();
      await c.query('ALTER TABLE ect.entries DISABLE TRIGGER entries_append_only');
      await c.query('UPDATE ect.entries SET token = $1 WHERE seq = 1', [await token()]);
      await c.end();
      const r = ect('ledger', 'check', '--db', db);
      expect(r.status).toBe(1);
      expect(lines(r.stdout)[0]).toMatchObject({
        ok: false,
        firstBreak: { seq: 1, code: 'chain_broken' },
      });
    },
    CLI_TIMEOUT * 2,
  );

  it.each([
    [['check'], /--db postgres:\/\/user@host:port\/database is required/],
    [['check', '--db', 'nonsense'], /"nonsense" is not a URL/],
    [['export', '--db', 'postgres://127.0.0.1:1/x'], /ECONNREFUSED/],
    [['frobnicate'], /unknown ledger command "frobnicate"/],
    [
      ['import', '--db', 'postgres://127.0.0.1:1/x', '--trust', 'missing.json', 'b.json'],
      /cannot read trust store "missing.json": no such file/,
    ],
  ])('ect ledger %j: one clear line, exit 2', (args, message) => {
    const r = ect('ledger', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^ect ledger: /);
    expect(r.stderr).toMatch(message);
  });

  it('check of a database without a ledger says so', () => {
    const r = ect('ledger', 'check', '--db', postgres.createDatabase('cli_empty'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no ECT ledger in schema ect: run ect ledger migrate/);
  });
});

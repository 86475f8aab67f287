/**
 * The shared stores for the `ect` command: `--replay redis://…` and `--store` / `--db
 * postgres://…`. The drivers are optional peer dependencies, loaded only when a store is named,
 * so the command works without them; a missing one is a one-line usage error naming the package.
 */
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { importPrivateJwk, OptionsError, type LedgerKey } from '../index.ts';
import type { PostgresLedger, PostgresLedgerOptions } from '../stores/postgres.ts';
import type { RedisReplayStore } from '../stores/redis.ts';

function missingDriver(e: unknown, pkg: string, flag: string): never {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
    throw new OptionsError(`${flag} needs the "${pkg}" package, an optional dependency: npm install ${pkg}`);
  throw e;
}

export async function openRedisReplay(url: string, flag = '--replay'): Promise<RedisReplayStore> {
  const mod = await import('../stores/redis.ts').catch((e: unknown) => missingDriver(e, 'redis', flag));
  return mod.RedisReplayStore.connect(url);
}

export async function openPostgresLedger(
  url: string,
  opts: PostgresLedgerOptions = {},
  flag = '--db',
): Promise<PostgresLedger> {
  const mod = await import('../stores/postgres.ts').catch((e: unknown) => missingDriver(e, 'pg', flag));
  return mod.PostgresLedger.connect(url, opts);
}

export async function migratePostgres(url: string, schema?: string): Promise<{ from: number; to: number }> {
  const mod = await import('../stores/postgres.ts').catch((e: unknown) => missingDriver(e, 'pg', '--db'));
  return mod.migrate(url, schema === undefined ? {} : { schema });
}

/** Reads a file for an option, with a one-line error naming what it is and the file. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OptionsError(
      `cannot read ${what} ${JSON.stringify(path)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`,
    );
  }
}

/** Reads a JSON file for an option, with a one-line error naming what it is and the file. */
export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OptionsError(`${what} ${JSON.stringify(path)} is not JSON: ${(e as Error).message}`);
  }
}

/** The ledger key from a private JWK file (with its kid, as `ect keygen --kid` writes it). */
export async function readLedgerKey(path: string): Promise<LedgerKey> {
  const doc = readJsonFile(path, 'ledger key');
  // `ect keygen` prints {private, public}; a bare private JWK is taken too.
  const jwk = (
    doc && typeof doc === 'object' && 'private' in doc ? (doc as { private: unknown }).private : doc
  ) as JWK;
  if (!jwk || typeof jwk !== 'object' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string')
    throw new OptionsError(
      `ledger key ${JSON.stringify(path)} is not a private JWK with a "kid" (ect keygen --kid NAME makes one)`,
    );
  const { d: _d, ...publicJwk } = jwk;
  return { kid: jwk.kid, privateKey: await importPrivateJwk(jwk), publicJwk };
}

/** The stores `ect verify` names: `--replay redis://…`, `--store postgres://…` (with `--ledger-key F`). */
export async function sharedStores(values: {
  replay?: string | undefined;
  store?: string | undefined;
  'ledger-key'?: string | undefined;
}): Promise<{ replay?: RedisReplayStore; ledger?: PostgresLedger; close(): Promise<void> }> {
  if (values['ledger-key'] && !values.store)
    throw new OptionsError('--ledger-key F goes with --store postgres://…');
  const key = values['ledger-key'] ? await readLedgerKey(values['ledger-key']) : undefined;
  const replay = values.replay ? await openRedisReplay(values.replay) : undefined;
  let ledger: PostgresLedger | undefined;
  try {
    if (values.store) ledger = await openPostgresLedger(values.store, key ? { key } : {}, '--store');
  } catch (e) {
    await replay?.close();
    throw e;
  }
  return {
    ...(replay ? { replay } : {}),
    ...(ledger ? { ledger } : {}),
    async close() {
      await Promise.allSettled([replay?.close(), ledger?.close()]);
    },
  };
}

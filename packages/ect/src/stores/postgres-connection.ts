/**
 * The PostgreSQL ledger's connections: the pool on a checked connection string, what a failure is
 * (worth a retry, or a configuration or integrity error), and the ledger key recorded in the schema.
 */
import { Pool, type PoolClient } from 'pg';
import type { JWK } from 'jose';
import type { LedgerKey } from '../chain.ts';
import { SharedStoreError, type SharedStoreReason } from '../store-error.ts';
import { schemaIdent } from './postgres-schema.ts';
import { parseStoreUrl } from './url.ts';

export const STORE = 'postgres';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ledger key as the database records it. */
export interface StoredLedgerKey {
  kid: string;
  jwk: JWK;
}

/** Connection-level failures (lost, refused, server restarting): worth another try. */
export function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (/^(08|57P0[123]|53300|40001|40P01)/.test(code)) return true;
    if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH)$/.test(code)) return true;
  }
  const m = e instanceof Error ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    m,
  );
}

export function classify(e: unknown): SharedStoreReason {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(3D000|28000|28P01|3F000)$/.test(code)) return 'config';
  if (typeof code === 'string' && /^(23|P0001)/.test(code)) return 'integrity';
  return 'unavailable';
}

/**
 * A client of the pool, with a listener for its 'error' events: a server that ends the session
 * (restart, shutdown) emits one on the client in use besides failing its query, and an 'error'
 * event with no listener would end the process.
 */
const listened = new WeakSet<PoolClient>();
export async function checkout(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  if (!listened.has(client)) {
    listened.add(client);
    client.on('error', () => undefined);
  }
  return client;
}

export const messageOf = (e: unknown) =>
  e instanceof AggregateError && e.errors.length
    ? e.errors.map((x: Error) => x.message).join('; ')
    : e instanceof Error
      ? e.message || e.name
      : String(e);

/** A pool on a checked connection string; the pool's own errors (a dropped idle connection) are absorbed. */
export async function openPool(
  url: string,
  opts: { schema?: string; poolSize?: number; timeoutMs?: number },
): Promise<{ pool: Pool; where: string }> {
  const { parsed, where } = parseStoreUrl(
    url,
    STORE,
    'PostgreSQL',
    ['postgres', 'postgresql'],
    'postgres://user@host:port/database',
  );
  if (!parsed.hostname && !parsed.searchParams.get('host'))
    throw new SharedStoreError('config', STORE, `${JSON.stringify(where)} names no host`);
  if (opts.schema !== undefined) {
    try {
      schemaIdent(opts.schema);
    } catch (e) {
      throw new SharedStoreError('config', STORE, (e as Error).message);
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: opts.poolSize ?? 4,
    connectionTimeoutMillis: opts.timeoutMs ?? 5000,
    application_name: 'wimse-ect',
  });
  pool.on('error', () => undefined);
  return { pool, where };
}

/** Records the key on a new ledger, or checks it against the ledger's; returns the ledger's key. */
export async function fixKey(
  client: PoolClient,
  schema: string,
  key: LedgerKey | undefined,
): Promise<StoredLedgerKey | undefined> {
  const s = schemaIdent(schema);
  const r = await client.query<{ ledger_key: StoredLedgerKey | null }>(`SELECT ledger_key FROM ${s}.meta`);
  const stored = r.rows[0]?.ledger_key ?? undefined;
  if (!key) return stored;
  const mine: StoredLedgerKey = { kid: key.kid, jwk: publicPart(key.publicJwk) };
  if (stored) {
    if (stored.kid !== mine.kid || stored.jwk.x !== mine.jwk.x || stored.jwk.y !== mine.jwk.y)
      throw new SharedStoreError(
        'config',
        STORE,
        `this ledger signs its receipts with key ${stored.kid}, not with the key given (${mine.kid})`,
      );
    return stored;
  }
  try {
    const u = await client.query<{ ledger_key: StoredLedgerKey }>(
      `UPDATE ${s}.meta SET ledger_key = COALESCE(ledger_key, $1::jsonb) RETURNING ledger_key`,
      [JSON.stringify(mine)],
    );
    return fixKey(client, schema, u.rows[0] ? key : undefined);
  } catch (e) {
    throw new SharedStoreError(
      'config',
      STORE,
      `cannot give this ledger a key: ${messageOf(e)}; a ledger that signs receipts must have one from its first entry`,
      { cause: e },
    );
  }
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y } as JWK;
}

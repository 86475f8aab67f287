/**
 * The PostgreSQL ledger's schema (ECT-PROFILE.md section 8), versioned: `migrate()` brings a
 * database schema (default `ect`) from whatever version it holds to SCHEMA_VERSION, in one
 * transaction, one migrator at a time. The database itself keeps the ledger append-only and
 * linear, whoever writes to it:
 * - UPDATE, DELETE and TRUNCATE of entries are refused by triggers;
 * - an entry is refused unless it extends the chain: seq 1 with the genesis hash, or seq n with
 *   `prev_hash` = the `entry_hash` of entry n-1 (a BEFORE INSERT trigger), with `seq` the primary
 *   key and `prev_hash` unique: no gap, no fork.
 */
import type { PoolClient } from 'pg';
import { GENESIS_HASH } from '../chain.ts';

export const SCHEMA_VERSION = 1;

/** A schema name as SQL: validated, then quoted. */
export function schemaIdent(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TypeError(`schema ${JSON.stringify(schema)}: use lowercase letters, digits and _ (at most 63)`);
  return `"${schema}"`;
}

/** Version n's statements, run in order by migrate() on a schema at version n-1. */
const MIGRATIONS: ((s: string) => string)[] = [
  (s) => `
CREATE TABLE ${s}.meta (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  schema_version integer NOT NULL,
  -- The public JWK (with kid) of the key that signs every receipt; null: a ledger without receipts.
  ledger_key jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${s}.entries (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  jti text NOT NULL,
  wid text,
  iss text,
  exec_act text,
  -- The compact token as received: what the chain covers.
  token text NOT NULL,
  -- Its decoded claims, for queries; readers decode the token, not this copy.
  claims jsonb NOT NULL,
  -- Unix milliseconds.
  appended_at bigint NOT NULL,
  prev_hash text NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  entry_hash text NOT NULL UNIQUE CHECK (entry_hash ~ '^[0-9a-f]{64}$'),
  -- Compact JWS by the ledger key: what makes the entry L3.
  receipt text
);
CREATE INDEX entries_jti ON ${s}.entries (jti);
CREATE INDEX entries_wid ON ${s}.entries (wid) WHERE wid IS NOT NULL;
CREATE INDEX entries_iss ON ${s}.entries (iss);
CREATE INDEX entries_exec_act ON ${s}.entries (exec_act);
CREATE INDEX entries_appended_at ON ${s}.entries (appended_at);

CREATE FUNCTION ${s}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ECT ledger is append-only: % of %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON ${s}.entries
  FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON ${s}.entries
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
CREATE TRIGGER meta_no_delete BEFORE DELETE ON ${s}.meta
  FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON ${s}.meta
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();

CREATE FUNCTION ${s}.keep_ledger_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.ledger_key IS NOT NULL AND NEW.ledger_key IS DISTINCT FROM OLD.ledger_key THEN
    RAISE EXCEPTION 'the ledger key of an ECT ledger cannot be changed' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.ledger_key IS NULL AND NEW.ledger_key IS NOT NULL AND EXISTS (SELECT 1 FROM ${s}.entries) THEN
    RAISE EXCEPTION 'a ledger key can only be set on an empty ECT ledger (its entries have no receipts)'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER meta_keep_key BEFORE UPDATE ON ${s}.meta
  FOR EACH ROW EXECUTE FUNCTION ${s}.keep_ledger_key();

CREATE FUNCTION ${s}.extend_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq = 1 THEN
    IF NEW.prev_hash <> '${GENESIS_HASH}' THEN
      RAISE EXCEPTION 'entry 1 must point to the genesis hash' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM ${s}.entries WHERE seq = NEW.seq - 1 AND entry_hash = NEW.prev_hash) THEN
    RAISE EXCEPTION 'entry % does not extend the chain: no entry % with hash %', NEW.seq, NEW.seq - 1, NEW.prev_hash
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER entries_extend_chain BEFORE INSERT ON ${s}.entries
  FOR EACH ROW EXECUTE FUNCTION ${s}.extend_chain();

INSERT INTO ${s}.meta (schema_version) VALUES (0);
`,
];

/** The version the schema holds; 0 when it has no ledger yet. */
async function versionOf(client: PoolClient, schema: string): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [
    `"${schema}".meta`,
  ]);
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ v: number }>(`SELECT schema_version AS v FROM ${schemaIdent(schema)}.meta`);
  return r.rows[0]?.v ?? 0;
}

/**
 * Creates or upgrades the ledger schema. Returns the version it was at before. Throws (a plain
 * Error with a clear message) when the database holds a newer version than this library knows.
 */
export async function migrateSchema(client: PoolClient, schema: string): Promise<number> {
  const s = schemaIdent(schema);
  await client.query('BEGIN');
  try {
    // One migrator at a time (several verifier processes may start at once).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wimse-ect:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    const from = await versionOf(client, schema);
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `schema ${schema} is at version ${from}, newer than this library's ${SCHEMA_VERSION}: upgrade wimse-ect`,
      );
    }
    for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v - 1]!(s));
      await client.query(`UPDATE ${s}.meta SET schema_version = $1`, [v]);
    }
    await client.query('COMMIT');
    return from;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The version a schema holds, without changing anything (0: none). */
export async function schemaVersion(client: PoolClient, schema: string): Promise<number> {
  schemaIdent(schema); // validates
  return versionOf(client, schema);
}

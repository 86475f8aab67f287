/**
 * `ect ledger`: the shared PostgreSQL ledger from the command line.
 *   migrate --db URL [--schema S] [--ledger-key F]   create or upgrade its schema (and fix its key)
 *   check   --db URL [--schema S]                    the chain and receipt check; exit 1 when broken
 *   export  --db URL [--schema S] [--trust F] [--name N] [--out F] [--ledger-key F]
 *                                                    the bundle the workbench imports (Ledger tab),
 *                                                    built by the core's makeBundle; with the
 *                                                    ledger's private key, signed by a checkpoint
 *   import  --db URL [--schema S] --trust F [--ledger-key F] [--config F] <bundle-file>
 *                                                    append a bundle's (or any file's) tokens
 * Output is JSON on stdout; errors are one line on stderr with exit 2 (main.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  checkBundle,
  isBundleDocument,
  OptionsError,
  parseBundle,
  parseTrustStore,
  resolveSettings,
  serializeTrustStore,
  settingsFromEnv,
  splitInput,
  verifyTokens,
  type LedgerBundle,
  type TrustStore,
} from '../index.ts';
import type { PostgresLedger } from '../stores/postgres.ts';
import { postgresBundle } from '../stores/postgres-bundle.ts';
import { migratePostgres, openPostgresLedger, readJsonFile, readLedgerKey, readTextFile } from './stores.ts';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const USAGE =
  'ect ledger migrate|check|export|import --db postgres://user@host:port/db [--schema S] …  (ect help)';

function options<K extends string>(argv: string[], names: readonly K[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Partial<Record<K, string>>, positionals };
  } catch (e) {
    throw new OptionsError((e as Error).message.split('\n')[0]!);
  }
}

function needDb(db: string | undefined): string {
  if (!db) throw new OptionsError('--db postgres://user@host:port/database is required');
  return db;
}

function loadTrust(path: string | undefined): TrustStore {
  if (!path) throw new OptionsError('--trust F is required: a trust store or JWKS file');
  try {
    return parseTrustStore(readJsonFile(path, 'trust store'));
  } catch (e) {
    if (e instanceof OptionsError) throw e;
    throw new OptionsError(`trust store ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

async function withLedger<T>(
  db: string,
  opts: Parameters<typeof openPostgresLedger>[1],
  run: (l: PostgresLedger) => Promise<T>,
): Promise<T> {
  const ledger = await openPostgresLedger(db, opts);
  try {
    return await run(ledger);
  } finally {
    await ledger.close();
  }
}

const schemaOpt = (schema: string | undefined) => (schema === undefined ? {} : { schema });

async function migrateCmd(argv: string[]): Promise<number> {
  const { values, positionals } = options(argv, ['db', 'schema', 'ledger-key']);
  if (positionals.length) throw new OptionsError('ledger migrate takes no arguments');
  const db = needDb(values.db);
  const { from, to } = await migratePostgres(db, values.schema);
  let ledgerKey: string | null = null;
  if (values['ledger-key']) {
    const key = await readLedgerKey(values['ledger-key']);
    ledgerKey = await withLedger(
      db,
      { ...schemaOpt(values.schema), key },
      async (l) => l.publicKey?.kid ?? null,
    );
  }
  print({ schema: values.schema ?? 'ect', from, to, ledgerKey });
  return 0;
}

async function checkCmd(argv: string[]): Promise<number> {
  const { values, positionals } = options(argv, ['db', 'schema']);
  if (positionals.length) throw new OptionsError('ledger check takes no arguments');
  return withLedger(needDb(values.db), { ...schemaOpt(values.schema), migrate: false }, async (l) => {
    const report = await l.verifyChain();
    print({ ...report, signsReceipts: l.signsReceipts, ledgerKey: l.publicKey?.kid ?? null });
    return report.ok ? 0 : 1;
  });
}

/** The bundle's default name: the database and the schema (`ect/ect`). */
function defaultName(db: string, schema: string): string {
  let database = '';
  try {
    database = decodeURIComponent(new URL(db).pathname.slice(1));
  } catch {
    // A connection string that is not a URL (key=value form) has no path: the schema alone.
  }
  return database ? `${database}/${schema}` : schema;
}

async function exportCmd(argv: string[]): Promise<number> {
  const { values, positionals } = options(argv, ['db', 'schema', 'trust', 'name', 'out', 'ledger-key']);
  if (positionals.length) throw new OptionsError('ledger export takes no arguments (use --out F for a file)');
  const db = needDb(values.db);
  const trust = values.trust ? serializeTrustStore(loadTrust(values.trust)) : null;
  const key = values['ledger-key'] ? await readLedgerKey(values['ledger-key']) : undefined;
  return withLedger(db, { ...schemaOpt(values.schema), migrate: false }, async (l) => {
    const name = values.name ?? defaultName(db, l.schema);
    // An export of a broken chain is still written (an auditor needs it), but it is said so: exit 1.
    const { bundle, report: checked } = await postgresBundle(l, { name, trust, ...(key ? { key } : {}) });
    const report = checked!; // checked unless told not to
    const text = `${JSON.stringify(bundle, null, 1)}\n`;
    if (values.out) {
      try {
        writeFileSync(values.out, text);
      } catch (e) {
        throw new OptionsError(`cannot write ${JSON.stringify(values.out)}: ${(e as Error).message}`);
      }
      print({
        out: values.out,
        entries: bundle.entries.length,
        head: bundle.head,
        checkpoint: bundle.checkpoint !== undefined,
        chain: report,
      });
    } else process.stdout.write(text);
    if (!report.ok)
      process.stderr.write(
        `ect ledger export: the chain is broken at entry ${report.firstBreak?.seq}: ${report.firstBreak?.message}\n`,
      );
    return report.ok ? 0 : 1;
  });
}

async function importCmd(argv: string[]): Promise<number> {
  const { values, positionals } = options(argv, ['db', 'schema', 'trust', 'ledger-key', 'config']);
  const db = needDb(values.db);
  if (positionals.length !== 1) throw new OptionsError('ledger import takes exactly one <bundle-file>');
  const trust = loadTrust(values.trust);
  let settings = settingsFromEnv(process.env);
  if (values.config) settings = resolveSettings(readJsonFile(values.config, 'config'), settings);
  const file = positionals[0]!;
  const doc = readTokenFile(file);
  // A bundle's own chain is checked first: a broken one is refused as a whole, naming the entry.
  if (doc.bundle) {
    const report = await checkBundle(doc.bundle);
    if (!report.ok) {
      print({ imported: 0, chain: report });
      process.stderr.write(`ect ledger import: ${file} is refused: ${report.firstBreak?.message}\n`);
      return 1;
    }
  }
  const tokens = doc.tokens;
  if (!tokens.length) throw new OptionsError(`no token in ${file}`);
  // Steps 1-10, as for any stored set (ECT-PROFILE.md section 8): a token that fails is left out,
  // so that no unverified token in the shared ledger can vouch for a child.
  const reports = await verifyTokens(tokens, { trust, settings, mode: 'stored' });
  const skipped: { index: number; jti: string | null; code: string | null; message: string }[] = [];
  const items: { token: string; claims: Record<string, unknown> }[] = [];
  reports.forEach((r, index) => {
    if (r.valid && r.payload) items.push({ token: r.token, claims: r.payload });
    else {
      const message = r.steps.flatMap((s) => s.problems)[0]?.message ?? 'invalid';
      skipped.push({ index, jti: r.jti, code: r.code, message });
      process.stderr.write(
        `ect ledger import: token ${index}${r.jti ? ` (jti ${r.jti})` : ''} left out: ${message}\n`,
      );
    }
  });
  const key = values['ledger-key'] ? await readLedgerKey(values['ledger-key']) : undefined;
  return withLedger(db, { ...schemaOpt(values.schema), ...(key ? { key } : {}) }, async (l) => {
    const appended = await l.appendMany(items, { skipExisting: true });
    const last = appended[appended.length - 1];
    print({
      imported: appended.length,
      alreadyPresent: items.length - appended.length,
      skipped,
      head: last ? { seq: last.seq, entryHash: last.entryHash } : null,
    });
    return skipped.length ? 1 : 0;
  });
}

/** The tokens of a file, and the file itself when it is a ledger bundle (to check its chain first). */
function readTokenFile(path: string): { tokens: string[]; bundle?: LedgerBundle } {
  const text = readTextFile(path, 'bundle');
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { tokens: splitInput(text).tokens }; // one token per line, an Execution-Context header line…
  }
  if (!isBundleDocument(doc)) return { tokens: splitInput(text).tokens };
  // parseBundle's BundleError names the field that is wrong (one line, exit 2).
  const bundle = parseBundle(doc);
  return { tokens: bundle.entries.map((e) => e.token), bundle };
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  migrate: migrateCmd,
  check: checkCmd,
  export: exportCmd,
  import: importCmd,
};

export async function cmdLedger(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const run = sub ? SUBCOMMANDS[sub] : undefined;
  if (!run)
    throw new OptionsError(
      `${sub ? `unknown ledger command ${JSON.stringify(sub)}` : 'which ledger command?'}; ${USAGE}`,
    );
  return run(rest);
}

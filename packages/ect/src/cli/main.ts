#!/usr/bin/env node
/**
 * `ect`: the command-line tool over the core, for scripts, CI and conformance
 * (contract: ../shared/conformance/README.md). Output is JSON on stdout; exit
 * 0 when everything is valid, 1 when anything is not, 2 for a usage or file
 * error with a one-line message on stderr (never a stack trace).
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  auditTokens,
  createToken,
  decodeToken,
  ClaimsError,
  EctError,
  generateSigningKey,
  MemoryLedger,
  MemoryReplayStore,
  parseTrustStore,
  resolveSettings,
  settingsFromEnv,
  splitInput,
  verifyToken,
  type JsonObject,
  type Settings,
  type TrustStore,
} from '../index.ts';
import { oneLine, quote, stringifyJson } from '../text.ts';
import { cmdDemo } from './demo.ts';
import { cmdLedger } from './ledger.ts';
import { cmdServe } from './serve.ts';
import { auditLedger, LedgerFileError, preloadableTokens, readLedgerFile, readPins } from './ledgerio.ts';
import { sharedStores } from './stores.ts';

const USAGE = `usage: ect <command> [options] [arguments]

commands:
  decode <input>...                      decode tokens without verifying
  verify --trust F [--audience ID] [--now S] [--ledger F] [--config F] <input>...
                                         verify tokens in order against a trust store
         [--replay redis://…] [--store postgres://… [--ledger-key F]]
                                         with the shared replay store and ledger
  audit --trust F [--now S] [--config F] [--ledger-key F] [--checkpoint F] <ledger-file>
                                         audit a whole set of tokens (DAG rules at once), and
                                         a ledger export's chain, receipts and checkpoints
  create --key F [--version 00|01] [--level L1|L2] [--kid ID] <payload-file or ->
                                         sign a claims object (fills iat, exp, jti, pred)
  keygen [--kid ID]                      make an ES256 key pair
  demo                                   two agents exchange ECTs, then three faults are caught
  ledger migrate|check|export|import --db postgres://… [--schema S]
                                         the shared PostgreSQL ledger: create, check, export
                                         the bundle the workbench imports, import a bundle
  serve --db postgres://… [--dir dist] [--port 8080] [--host 127.0.0.1]
                                         the built app and a read-only view of the shared
                                         ledger (GET /api/ledger: its bundle) on one origin

<input> is a token, @path for a file, or - for standard input; a file may hold
one token per line, a JSON array, an Execution-Context header line, or a
workbench ledger export.
Settings come from --config F (a JSON object of settings), over the ECT_*
environment variables (ECT_CLOCK_SKEW, ECT_IAT_MAX_AGE, ECT_DEFAULT_EXPIRY,
ECT_MAX_PREDECESSORS, ECT_TRAVERSAL_LIMIT, ECT_REQUIRE_UUID,
ECT_ENFORCE_PARENT_POLICY, ECT_ALLOWED_ALGS, ECT_MIN_LEVEL, ECT_JTI_REPLAY_SIZE,
ECT_JTI_REPLAY_TTL), over the defaults.
exit status: 0 all valid, 1 something invalid, 2 usage or file error`;

class UsageError extends Error {}

function readText(path: string, what: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new UsageError(
      `cannot read ${what} ${path === '-' ? 'from standard input' : JSON.stringify(path)}: ${why}`,
    );
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${JSON.stringify(path)} is not JSON: ${(e as Error).message}`);
  }
}

/** Tokens from each `<input>`: a token, `@path`, or `-`. */
function tokensFrom(inputs: string[]): string[] {
  const tokens: string[] = [];
  for (const input of inputs) {
    const text =
      input === '-'
        ? readText('-', 'tokens')
        : input.startsWith('@')
          ? readText(input.slice(1), 'token file')
          : input;
    const found = splitInput(text).tokens;
    // An input with no token checked nothing: exit 0 would let `ect verify @f && deploy` pass on an empty file.
    if (!found.length) {
      const where =
        input === '-' ? 'standard input' : input.startsWith('@') ? input.slice(1) : 'the argument';
      throw new UsageError(`no token in ${where}`);
    }
    // One by one: spreading 150,000 tokens as arguments overflows the stack.
    for (const t of found) tokens.push(t);
  }
  return tokens;
}

/**
 * The trust store or JWKS at `path`. A document of another shape is a usage error; keys that
 * cannot verify are left out (ECT-PROFILE.md section 6), each named on stderr with its reason.
 */
function loadTrust(path: string | undefined, command: string): TrustStore {
  if (!path) throw new UsageError('--trust F is required: a trust store or JWKS file');
  let store: TrustStore;
  try {
    store = parseTrustStore(readJson(path, 'trust store'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`trust store ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  for (const s of store.skipped) {
    const kid = s.kid === null ? '' : ` (kid ${quote(s.kid)})`;
    // The place, kid and reason quote the file: one printable line.
    process.stderr.write(
      `ect ${command}: warning: ${oneLine(`trust store key ${s.where}${kid} skipped: it ${s.reason}`)}\n`,
    );
  }
  return store;
}

/** The settings: --config over the ECT_* environment variables over the defaults. */
function loadSettings(path: string | undefined): Settings {
  let base: Settings;
  try {
    base = settingsFromEnv(process.env);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!path) return base;
  try {
    return resolveSettings(readJson(path, 'config'), base);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`config ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value))
    throw new UsageError(`--now takes Unix seconds (a whole number), got ${JSON.stringify(value)}`);
  return Number(value);
}

/** One JSON line on stdout; decoded claims may nest deeper than JSON.stringify can go (stringifyJson). */
const print = (value: unknown) => process.stdout.write(`${stringifyJson(value)}\n`);

/** Parses `--name value` options (all take a value) and positionals; unknown options are usage errors. */
function parse<K extends string>(argv: string[], names: readonly K[]) {
  const options: ParseArgsConfig['options'] = Object.fromEntries(
    names.map((n) => [n, { type: 'string' as const }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Partial<Record<K, string>>, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
}

async function cmdDecode(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, []);
  if (!positionals.length) throw new UsageError('decode needs at least one <input>');
  let status = 0;
  const tokens = tokensFrom(positionals).map((t) => {
    const r = decodeToken(t);
    if (r.ok) {
      const { level, version, header, payload } = r.decoded;
      return { level, version, header, payload };
    }
    status = 1;
    return { level: null, version: null, header: null, payload: null, error: r.problem };
  });
  print({ tokens });
  return status;
}

async function cmdVerify(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, [
    'trust',
    'audience',
    'now',
    'ledger',
    'config',
    'replay',
    'store',
    'ledger-key',
  ]);
  const trust = loadTrust(values.trust, 'verify');
  const settings = loadSettings(values.config);
  const now = parseNow(values.now);
  if (!positionals.length) throw new UsageError('verify needs at least one <input>');
  const tokens = tokensFrom(positionals);
  const ledger = new MemoryLedger();
  if (values.ledger) {
    // Checked as a stored set (a bundle's chain first); not in the replay cache.
    const file = readLedgerFile(readText(values.ledger, 'ledger'), values.ledger);
    const opts = { trust, settings, ...(now === undefined ? {} : { now }) };
    const warn = (m: string) => process.stderr.write(`ect verify: warning: ${m}\n`);
    for (const t of await preloadableTokens(file, values.ledger, opts, warn))
      await ledger.append(t.token, t.claims);
  }
  if (values.ledger && values.store) throw new UsageError('give --ledger F or --store URL, not both');
  const shared = await sharedStores(values);
  const replay = shared.replay ?? MemoryReplayStore.fromSettings(settings);
  const ledgerOrShared = shared.ledger ?? ledger;
  let status = 0;
  try {
    for (const token of tokens) {
      const r = await verifyToken(token, {
        trust,
        settings,
        ledger: ledgerOrShared,
        replay,
        audience: values.audience ?? null,
        ...(now === undefined ? {} : { now }),
      });
      if (!r.valid) status = 1;
      const problems = r.steps.flatMap((s) =>
        s.problems.map((p) => ({ step: s.n, code: p.code, message: p.message })),
      );
      print({
        jti: r.jti,
        valid: r.valid,
        code: r.code,
        codes: r.codes,
        level: r.level,
        problems,
        ...(r.warnings.length ? { warnings: r.warnings } : {}),
      });
    }
  } finally {
    await shared.close();
  }
  return status;
}

async function cmdAudit(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, ['trust', 'now', 'config', 'ledger-key', 'checkpoint']);
  const trust = loadTrust(values.trust, 'audit');
  const settings = loadSettings(values.config);
  const now = parseNow(values.now);
  if (positionals.length !== 1) throw new UsageError('audit takes exactly one <ledger-file>');
  const file = readLedgerFile(readText(positionals[0]!, 'ledger file'), positionals[0]!);
  const pins = await readPins({ ledgerKey: values['ledger-key'], checkpoint: values.checkpoint }, readText);
  if ((pins.pinnedKey || pins.checkpoint) && !file.bundle)
    throw new UsageError(
      '--ledger-key and --checkpoint check a ledger export (bundle); this file is a list of tokens',
    );
  const ledger = file.bundle ? await auditLedger(file.bundle, pins) : null;
  const report = await auditTokens(file.tokens, { trust, settings, ...(now === undefined ? {} : { now }) });
  print({
    nodes: report.nodes.map((n) => ({ jti: n.jti, valid: n.valid, tainted: n.tainted, codes: n.codes })),
    violations: report.violations.map((v) => ({
      code: v.code,
      jti: v.jti,
      ...(v.pred === undefined ? {} : { pred: v.pred }),
      message: v.message,
    })),
    ...(ledger ? { ledger } : {}),
  });
  return report.violations.length || (ledger && !ledger.intact) ? 1 : 0;
}

async function cmdCreate(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, ['key', 'version', 'level', 'kid']);
  const version = values.version;
  if (version !== undefined && version !== '00' && version !== '01') {
    throw new UsageError(`--version takes 00 or 01, got ${JSON.stringify(version)}`);
  }
  const level = values.level;
  if (level !== undefined && level !== 'L1' && level !== 'L2')
    throw new UsageError(`--level takes L1 or L2, got ${JSON.stringify(level)}`);
  if (positionals.length !== 1)
    throw new UsageError('create takes exactly one <payload-file> (or - for standard input)');
  if (level !== 'L1' && !values.key)
    throw new UsageError('--key F is required for an L2 token: a private JWK file (see ect keygen)');
  const payload = readJson(positionals[0]!, 'payload');
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw new UsageError('the payload must be a JSON object of claims');
  const settings = loadSettings(undefined);
  let key: JsonObject | undefined;
  if (values.key) {
    const k = readJson(values.key, 'key');
    if (!k || typeof k !== 'object' || typeof (k as JsonObject).d !== 'string') {
      throw new UsageError(
        `key ${JSON.stringify(values.key)} is not a private JWK (it needs "d"; ect keygen makes one)`,
      );
    }
    key = k as JsonObject;
  }
  try {
    const created = await createToken(payload as JsonObject, {
      ...(version ? { version } : {}),
      ...(level ? { level } : {}),
      ...(key ? { key } : {}),
      ...(values.kid ? { kid: values.kid } : {}),
      settings,
    });
    process.stdout.write(`${created.token}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ClaimsError) {
      print({ error: { code: e.problems[0]?.code ?? e.code, message: e.message, problems: e.problems } });
      return 1;
    }
    // OptionsError (no key, no kid, a payload nested too deep), KeyError (a key that cannot sign).
    if (e instanceof EctError) throw new UsageError(e.message);
    throw new UsageError(`cannot sign with that key: ${(e as Error).message}`);
  }
}

async function cmdKeygen(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, ['kid']);
  if (positionals.length) throw new UsageError('keygen takes no arguments');
  const key = await generateSigningKey({ extractable: true, ...(values.kid ? { kid: values.kid } : {}) });
  print({ private: key.privateJwk, public: key.publicJwk });
  return 0;
}

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  decode: cmdDecode,
  verify: cmdVerify,
  audit: cmdAudit,
  create: cmdCreate,
  keygen: cmdKeygen,
  demo: cmdDemo,
  ledger: cmdLedger,
  serve: cmdServe,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process[command ? 'stdout' : 'stderr'].write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(
      `ect: unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return 2;
  }
  try {
    return await run(rest);
  } catch (e) {
    const message =
      e instanceof UsageError || e instanceof LedgerFileError || e instanceof EctError
        ? e.message
        : `internal error: ${(e as Error)?.message ?? String(e)}`;
    process.stderr.write(`ect ${command}: ${oneLine(message)}\n`); // may quote untrusted file content
    if (process.env.ECT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
}

// A test may import this module to call main() in-process (the same code path, without a
// process per run); it sets this flag first so that importing does not run a command.
if (!(globalThis as { ECT_CLI_IMPORTED?: boolean }).ECT_CLI_IMPORTED) {
  // A reader that stops early (`ect decode … | head`) closes the pipe: that ends the output, quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}

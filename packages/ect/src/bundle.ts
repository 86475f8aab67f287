/**
 * The ledger export bundle: everything needed to re-check a ledger offline (ECT-PROFILE.md
 * section 8). The app exports and imports it, `ect audit` and `ect verify --ledger` read it. A
 * bundle is untrusted input like any other: reading it checks its shape (parseBundle, with a
 * clear error naming the field), checking it runs the one ledger check (checkBundle) over its
 * entries, its declared key, its own checkpoint and whatever the reader pins.
 */
import type { JWK } from 'jose';
import { publicJwkOf, readCheckpoint, CheckpointError, type Checkpoint } from './checkpoint.ts';
import { checkLedger, type CheckableEntry, type LedgerCheckReport } from './ledgerCheck.ts';
import type { LedgerProblem } from './ledgerProblems.ts';
import { GENESIS_HASH } from './chain.ts';
import { EctError } from './errors.ts';
import { quote } from './text.ts';

/** The `format` member of a ledger export bundle. */
export const BUNDLE_FORMAT = 'ect-workbench-ledger';
/** The bundle format version this library writes and reads. */
export const BUNDLE_VERSION = 1;

/** One entry of a bundle: exactly what the chain and the receipt cover. */
export interface BundleEntry {
  seq: number;
  token: string;
  /** Unix milliseconds. */
  appendedAt: number;
  prevHash: string;
  entryHash: string;
  receipt?: string;
}

/** A ledger export bundle: the entries with their chain and receipts, the ledger key, a checkpoint. */
export interface LedgerBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  name: string;
  /** ISO 8601. */
  exportedAt: string;
  /** The last entry at export (seq 0 and the genesis hash when empty). */
  head: { seq: number; entryHash: string };
  /** Public keys of the exporting app's trust store (informational: a reader uses its own). */
  trust: unknown;
  /** The ledger's public key, when it has one (its entries then all have receipts). */
  ledgerKey?: JWK;
  /** A checkpoint signed by the ledger key at export (compact JWS; see checkpoint.ts). */
  checkpoint?: string;
  entries: BundleEntry[];
}

/** A file that is not a ledger bundle, or one whose shape is wrong: the message names the field. */
export class BundleError extends EctError {
  constructor(message: string) {
    super('ERR_ECT_BUNDLE', message);
    this.name = 'BundleError';
  }
}

/** Builds a bundle of `entries` (only the fields the chain and receipts cover are kept). */
export function makeBundle(input: {
  name: string;
  entries: readonly BundleEntry[];
  trust?: unknown;
  ledgerKey?: JWK;
  checkpoint?: string;
  exportedAt?: Date;
}): LedgerBundle {
  const last = input.entries[input.entries.length - 1];
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    name: input.name,
    exportedAt: (input.exportedAt ?? new Date()).toISOString(),
    head: { seq: last?.seq ?? 0, entryHash: last?.entryHash ?? GENESIS_HASH },
    trust: input.trust ?? null,
    ...(input.ledgerKey ? { ledgerKey: publicJwkOf(input.ledgerKey) } : {}),
    ...(input.checkpoint ? { checkpoint: input.checkpoint } : {}),
    entries: input.entries.map((e) => ({
      seq: e.seq,
      token: e.token,
      appendedAt: e.appendedAt,
      prevHash: e.prevHash,
      entryHash: e.entryHash,
      ...(e.receipt !== undefined ? { receipt: e.receipt } : {}),
    })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a parsed JSON value claims to be a ledger bundle: its `format` says so, or it has
 * `entries` that carry hashes (a bundle whose `format` was removed is still read as one, so its
 * chain is still checked).
 */
export function isBundleDocument(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  if (doc.format === BUNDLE_FORMAT) return true;
  return (
    Array.isArray(doc.entries) &&
    doc.entries.some((e) => isObject(e) && ('entryHash' in e || 'prevHash' in e || 'receipt' in e))
  );
}

/**
 * Reads a bundle (its text, or its parsed JSON) and checks its shape, not its contents: hashes
 * that do not match, receipts that do not verify and the like are for checkBundle to report at
 * their entries. Throws a `BundleError` naming what is wrong.
 */
export function parseBundle(input: string | unknown): LedgerBundle {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new BundleError(`the bundle is not JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(doc)) throw new BundleError('a ledger bundle is a JSON object');
  if (doc.format !== BUNDLE_FORMAT)
    throw new BundleError(
      doc.format === undefined
        ? `this has ledger entries but no "format": "${BUNDLE_FORMAT}": it is not a bundle this workbench exported, or it was edited`
        : `"format" is ${quote(doc.format)}, expected "${BUNDLE_FORMAT}"`,
    );
  if (doc.version !== BUNDLE_VERSION)
    throw new BundleError(
      `bundle version ${quote(doc.version)} is not supported (this workbench reads version ${BUNDLE_VERSION})`,
    );
  if (doc.name !== undefined && typeof doc.name !== 'string')
    throw new BundleError(`"name" must be text, not ${quote(doc.name)}`);
  if (!Array.isArray(doc.entries)) throw new BundleError('"entries" must be an array of entries');
  const entries = doc.entries.map((raw, i) => bundleEntry(raw, i));
  const head = doc.head;
  if (!isObject(head) || !Number.isSafeInteger(head.seq) || typeof head.entryHash !== 'string')
    throw new BundleError('"head" must be {"seq": a whole number, "entryHash": text}');
  const bundle: LedgerBundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    name: typeof doc.name === 'string' ? doc.name : '',
    exportedAt: typeof doc.exportedAt === 'string' ? doc.exportedAt : '',
    head: { seq: head.seq as number, entryHash: head.entryHash },
    trust: doc.trust ?? null,
    entries,
  };
  if (doc.ledgerKey !== undefined && doc.ledgerKey !== null) {
    const k = doc.ledgerKey;
    if (
      !isObject(k) ||
      k.kty !== 'EC' ||
      k.crv !== 'P-256' ||
      typeof k.x !== 'string' ||
      typeof k.y !== 'string'
    )
      throw new BundleError('"ledgerKey" must be the ledger\'s public key: an EC P-256 JWK');
    if ('d' in k)
      throw new BundleError('"ledgerKey" holds a private key: a bundle carries only the public key');
    bundle.ledgerKey = publicJwkOf(k as JWK);
  }
  if (doc.checkpoint !== undefined && doc.checkpoint !== null) {
    if (typeof doc.checkpoint !== 'string')
      throw new BundleError('"checkpoint" must be a compact JWS (text)');
    bundle.checkpoint = doc.checkpoint;
  }
  return bundle;
}

function bundleEntry(raw: unknown, i: number): BundleEntry {
  const where = `entries[${i}]`;
  if (!isObject(raw)) throw new BundleError(`${where} must be an object, not ${quote(raw)}`);
  const need = (name: string, ok: boolean, what: string) => {
    if (!ok) throw new BundleError(`${where}.${name} must be ${what}, not ${quote(raw[name])}`);
  };
  need('seq', Number.isSafeInteger(raw.seq), 'a whole number');
  need('token', typeof raw.token === 'string', 'the compact token (text)');
  need(
    'appendedAt',
    typeof raw.appendedAt === 'number' && Number.isFinite(raw.appendedAt),
    'Unix milliseconds',
  );
  need('prevHash', typeof raw.prevHash === 'string', 'text (64 hex digits)');
  need('entryHash', typeof raw.entryHash === 'string', 'text (64 hex digits)');
  need(
    'receipt',
    raw.receipt === undefined || typeof raw.receipt === 'string',
    'a compact JWS (text) when present',
  );
  const e: BundleEntry = {
    seq: raw.seq as number,
    token: raw.token as string,
    appendedAt: raw.appendedAt as number,
    prevHash: raw.prevHash as string,
    entryHash: raw.entryHash as string,
  };
  if (raw.receipt !== undefined) e.receipt = raw.receipt as string;
  return e;
}

/** The options of {@link checkBundle}. */
export interface BundleCheckOptions {
  /** The ledger key the reader expects (`--ledger-key`): receipts must verify under it. */
  pinnedKey?: JWK | null;
  /** A checkpoint the reader kept (`--checkpoint`): the bundle must extend it; it pins its key too. */
  checkpoint?: Checkpoint | null;
}

/**
 * The one ledger check over a bundle: its chain, sequence and receipts (under the key it declares,
 * or the pinned one), its own checkpoint, a pinned checkpoint, and its head.
 */
export async function checkBundle(
  bundle: LedgerBundle,
  opts: BundleCheckOptions = {},
): Promise<LedgerCheckReport> {
  const extra: LedgerProblem[] = [];
  const checkpoints: (Checkpoint & { label?: string })[] = [];
  if (opts.checkpoint) checkpoints.push(opts.checkpoint);
  const atHead = bundle.entries.at(-1)?.seq ?? 0;
  if (bundle.checkpoint !== undefined) {
    try {
      checkpoints.push({ ...(await readCheckpoint(bundle.checkpoint)), label: "the bundle's checkpoint" });
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      extra.push({
        seq: atHead,
        code: 'checkpoint_mismatch',
        message: `the bundle's checkpoint cannot be used: ${e.message}`,
      });
    }
  }
  const pinnedKey = opts.pinnedKey ?? opts.checkpoint?.jwk ?? null;
  const report = await checkLedger(bundle.entries as readonly CheckableEntry[], {
    key: bundle.ledgerKey ?? null,
    pinnedKey,
    checkpoints,
  });
  const { head } = bundle;
  if (head.seq > report.lastSeq)
    extra.push({
      seq: head.seq,
      code: 'sequence_gap',
      message: `the bundle's head names entry #${head.seq}, but its entries end at #${report.lastSeq}: entries were removed from the end`,
    });
  else if (head.seq < report.lastSeq)
    extra.push({
      seq: report.lastSeq,
      code: 'sequence_gap',
      message: `the bundle's head names entry #${head.seq}, but its entries go on to #${report.lastSeq}: entries were added after the export`,
    });
  else if (head.entryHash !== report.head)
    extra.push({
      seq: head.seq,
      code: 'chain_broken',
      message: `the bundle's head names hash ${quote(head.entryHash, 16)} for entry #${head.seq}, but that entry has ${quote(report.head, 16)}`,
    });
  if (!extra.length) return report;
  const problems = [...report.problems, ...extra].sort((a, b) => a.seq - b.seq);
  return { ...report, ok: false, problems, firstBreak: problems[0]! };
}

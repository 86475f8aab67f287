/**
 * The key store: signing keys made in the browser (private part as a
 * WebCrypto key, non-extractable unless the user asked otherwise) and public
 * keys imported from JWK, JWKS or trust-store files, each bound to an issuer.
 * The trust store used for verification is derived from it.
 */
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import {
  generateSigningKey,
  keyImportProblem,
  parseTrustStore,
  quote,
  unusableKeyReason,
  type SkippedKey,
  type TrustedKey,
  type TrustStore,
} from 'wimse-ect';
import type { WorkbenchDb } from './db.ts';

export interface StoredKey {
  id: string;
  /** A human name, e.g. "Agent A". */
  name: string;
  kid: string;
  /** The issuer (`iss`) the key is bound to; null for a key matched by kid only. */
  issuer: string | null;
  publicJwk: JWK;
  /** Absent for imported public keys. IndexedDB stores CryptoKey objects as they are. */
  privateKey?: CryptoKey;
  /** Whether the private key can be exported (asked for at creation). */
  extractable: boolean;
  origin: 'generated' | 'imported' | 'example';
  createdAt: number;
}

/** A key of an imported document that was left out, and why (a phrase after `where`). */
export interface SkippedImport {
  /** Where it is in the document: "the JWK", "keys[2]", 'issuers["…"].keys[0]', or 'key "kid"'. */
  where: string;
  kid: string | null;
  reason: string;
}

export interface ImportResult {
  /** The keys stored (keys already held are not stored twice). */
  added: StoredKey[];
  /** The keys that cannot verify, each with its reason. */
  skipped: SkippedImport[];
}

export class KeyImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyImportError';
  }
}

/**
 * The trust store the verifier uses: every usable key's public part, bound to its issuer. A stored
 * key the core finds unusable (kept from before the profile's rules on usable keys) is listed as
 * skipped, never trusted.
 */
export function trustStoreOf(keys: readonly StoredKey[]): TrustStore {
  const store: { kind: 'issuers'; keys: TrustedKey[]; skipped: SkippedKey[] } = {
    kind: 'issuers',
    keys: [],
    skipped: [],
  };
  for (const k of keys) {
    const reason = unusableKeyReason(k.publicJwk);
    if (reason) store.skipped.push({ where: `key ${quote(k.name)}`, kid: k.kid, issuer: k.issuer, reason });
    else store.keys.push({ jwk: k.publicJwk, kid: k.kid, issuer: k.issuer });
  }
  return store;
}

/** `{"keys": [...]}` of every public key. */
export function jwksOf(keys: readonly StoredKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export class KeyStore {
  constructor(private readonly db: WorkbenchDb) {}

  async list(): Promise<StoredKey[]> {
    return this.db.keys.orderBy('createdAt').toArray();
  }

  /**
   * A creation time later than every stored key's, so the list keeps the order keys were added
   * in: two keys added in the same millisecond would otherwise tie and sort by their random ids.
   */
  private async nextCreatedAt(): Promise<number> {
    const last = await this.db.keys.orderBy('createdAt').last();
    return Math.max(Date.now(), (last?.createdAt ?? 0) + 1);
  }

  async generate(opts: {
    name: string;
    issuer: string | null;
    kid?: string;
    extractable?: boolean;
  }): Promise<StoredKey> {
    const kid = opts.kid?.trim();
    const made = await generateSigningKey({
      extractable: opts.extractable ?? false,
      ...(kid ? { kid } : {}),
    });
    if (await this.db.keys.where('kid').equals(made.kid).count()) {
      throw new KeyImportError(
        `a key with kid ${JSON.stringify(made.kid)} already exists; choose another kid`,
      );
    }
    const key: StoredKey = {
      id: crypto.randomUUID(),
      name: opts.name.trim() || made.kid,
      kid: made.kid,
      issuer: opts.issuer?.trim() || null,
      publicJwk: made.publicJwk,
      privateKey: made.privateKey,
      extractable: opts.extractable ?? false,
      origin: 'generated',
      createdAt: await this.nextCreatedAt(),
    };
    await this.db.keys.add(key);
    return key;
  }

  /**
   * Imports public keys from a JWK, a JWKS or a trust store (JSON text). Keys
   * without an issuer are bound to `issuer` when given. Private members are
   * dropped: imported keys only verify. Keys that cannot verify (ECT-PROFILE.md
   * section 6: no kid, "use" not sig, "key_ops" without verify, RSA under 2048
   * bits, or not importable) are left out and listed with their reason; a
   * document of another shape, or one with no usable key, imports nothing.
   */
  async importPublic(
    text: string,
    opts: { issuer?: string | null; name?: string } = {},
  ): Promise<ImportResult> {
    const source = text.replace(/^\uFEFF/, '');
    if (!source.trim()) {
      throw new KeyImportError('empty: paste or choose a JWK, a JWKS {"keys": [...]} or a trust store');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(source);
    } catch (e) {
      throw new KeyImportError(describeJsonError(source, e));
    }
    const isJwk = !!doc && typeof doc === 'object' && typeof (doc as { kty?: unknown }).kty === 'string';
    let store: TrustStore;
    try {
      store = parseTrustStore(isJwk ? { keys: [doc] } : doc);
    } catch (e) {
      const message = (e as Error).message;
      throw new KeyImportError(
        isJwk
          ? message.replace(/^keys\[0\]/, 'the JWK')
          : /^(a trust store|"issuers"|"keys")/.test(message)
            ? `${message} (accepted: a JWK, a JWKS {"keys": [...]}, or a trust store {"issuers": {...}})`
            : message,
      );
    }
    if (!store.keys.length && !store.skipped.length) throw new KeyImportError('empty: it holds no keys');
    const where = (w: string) => (isJwk ? 'the JWK' : w);
    const skipped: SkippedImport[] = store.skipped.map((k) => ({
      where: where(k.where),
      kid: k.kid,
      reason: k.reason,
    }));
    const issuer = opts.issuer?.trim() || null;
    const firstCreatedAt = await this.nextCreatedAt();
    const candidates: StoredKey[] = [];
    for (const [i, k] of store.keys.entries()) {
      // The one check the core leaves to a form: that WebCrypto can import the key at all.
      const problem = await keyImportProblem(k.jwk);
      if (problem) {
        skipped.push({ where: isJwk ? 'the JWK' : `key ${quote(k.kid)}`, kid: k.kid, reason: problem });
        continue;
      }
      candidates.push({
        id: crypto.randomUUID(),
        name: opts.name?.trim()
          ? store.keys.length > 1
            ? `${opts.name.trim()} ${i + 1}`
            : opts.name.trim()
          : k.kid,
        kid: k.kid,
        issuer: k.issuer ?? issuer,
        publicJwk: k.jwk,
        extractable: false,
        origin: 'imported',
        createdAt: firstCreatedAt + i,
      });
    }
    if (!candidates.length) {
      throw new KeyImportError(
        `${store.skipped.length + store.keys.length > 1 ? 'no usable key: ' : ''}${skipped
          .map((k) => `${k.where} ${k.reason}`)
          .join('; ')}`,
      );
    }
    // Only IndexedDB work inside the transaction (another await would end it early).
    const added = await this.db.transaction('rw', this.db.keys, async () => {
      // The same key (same issuer, kid and key material) again is skipped: re-importing an export is
      // harmless. Other key material under an issuer's kid is a rotated key: kept beside the first
      // (ECT-PROFILE.md section 6: a signature is valid if any key of that kid verifies it).
      const seen: { issuer: string | null; kid: string; publicJwk: JWK }[] = await this.db.keys.toArray();
      const fresh: StoredKey[] = [];
      for (const k of candidates) {
        if (
          seen.some(
            (s) => s.issuer === k.issuer && s.kid === k.kid && sameKeyMaterial(s.publicJwk, k.publicJwk),
          )
        )
          continue;
        seen.push(k);
        fresh.push(k);
      }
      await this.db.keys.bulkAdd(fresh);
      return fresh;
    });
    return { added, skipped };
  }

  async update(id: string, patch: { name?: string; issuer?: string | null }): Promise<void> {
    const changes: Partial<StoredKey> = {};
    if (patch.name !== undefined) {
      if (!patch.name.trim()) throw new KeyImportError('a key needs a name');
      changes.name = patch.name.trim();
    }
    if (patch.issuer !== undefined) changes.issuer = patch.issuer?.trim() || null;
    await this.db.keys.update(id, changes);
  }

  async remove(id: string): Promise<void> {
    await this.db.keys.delete(id);
  }

  /** The private JWK, only for keys made extractable; the UI asks the user to confirm first. */
  async exportPrivateJwk(id: string): Promise<JWK> {
    const key = await this.db.keys.get(id);
    if (!key?.privateKey) throw new KeyImportError('this key has no private part here');
    if (!key.extractable || !key.privateKey.extractable) {
      throw new KeyImportError(
        'this private key was made non-extractable: it can sign, but it can never be read out',
      );
    }
    return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: 'ES256', use: 'sig' };
  }

  /** Adds keys from a private JWK (the example agents): the private part becomes a non-extractable CryptoKey. */
  async addPrivateJwk(
    jwk: JWK,
    opts: { name: string; issuer: string; origin: StoredKey['origin'] },
  ): Promise<StoredKey> {
    if (typeof jwk.kid !== 'string') throw new KeyImportError('the JWK has no kid');
    const privateKey = (await importJWK(jwk, 'ES256', { extractable: false })) as CryptoKey;
    const { d: _d, ...pub } = jwk;
    void _d;
    const key: StoredKey = {
      id: crypto.randomUUID(),
      name: opts.name,
      kid: jwk.kid,
      issuer: opts.issuer,
      publicJwk: { ...pub, alg: 'ES256', use: 'sig' },
      privateKey,
      extractable: false,
      origin: opts.origin,
      createdAt: await this.nextCreatedAt(),
    };
    await this.db.keys.add(key);
    return key;
  }
}

/** Whether two public JWKs hold the same key (the members RFC 7638 thumbprints cover). */
function sameKeyMaterial(a: JWK, b: JWK): boolean {
  const members = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;
  return members.every((m) => a[m] === b[m]);
}

/**
 * Says where JSON text stops being JSON, as "line L, column C" and what was
 * found there. JSON.parse's own messages differ between browsers and often
 * give no position, so the text is scanned again here.
 */
export function describeJsonError(text: string, parseError: unknown): string {
  const found = findJsonError(text);
  if (!found) return `not JSON: ${parseError instanceof Error ? parseError.message : String(parseError)}`;
  const before = text.slice(0, found.at);
  const line = before.split('\n').length;
  const column = found.at - before.lastIndexOf('\n');
  return `not JSON: line ${line}, column ${column}: ${found.message}`;
}

function findJsonError(text: string): { at: number; message: string } | null {
  let i = 0;
  class Stop {
    constructor(
      readonly at: number,
      readonly message: string,
    ) {}
  }
  const here = () => (i >= text.length ? 'the text ends' : `found ${JSON.stringify(text[i])}`);
  const fail = (expected: string): never => {
    throw new Stop(i, `${here()} where ${expected} was expected`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) throw new Stop(i, 'the text ends inside a string (a closing " is missing)');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, 'a bad escape sequence in a string');
      } else if (c < ' ') {
        throw new Stop(i, 'a line break or control character inside a string (it must be escaped)');
      } else i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c) && NUMBER.exec(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Stop(i, `${here()} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return { at: e.at, message: e.message };
    throw e;
  }
}

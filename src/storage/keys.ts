/**
 * The key store: signing keys made in the browser or imported (private part as
 * a WebCrypto key, non-extractable unless the user asked otherwise) and public
 * keys imported from JWK, JWKS, trust-store or PEM files, each bound to an issuer.
 * The trust store used for verification is derived from it.
 */
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import {
  generateSigningKey,
  keyImportProblem,
  quote,
  unusableKeyReason,
  type SkippedKey,
  type TrustedKey,
  type TrustStore,
} from 'wimse-ect';
import type { WorkbenchDb } from './db.ts';
import { readKeyText, sameKeyMaterial, type KeyTextKind, type ReadKeys } from './keyFormats.ts';

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
  /** The JWS algorithm it signs with; absent means ES256 (every key made here). */
  alg?: string;
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

export interface ImportKeysOptions {
  /** Binds keys that carry no issuer (a JWK, a JWKS, PEM) to this issuer. */
  issuer?: string | null;
  name?: string;
  /** The kid of a key that has none (PEM, a JWK without "kid"); else PEM keys get their thumbprint. */
  kid?: string;
  /** Keep imported private keys extractable (default: non-extractable, they sign but never leave). */
  extractable?: boolean;
  /** Drop private parts: import public keys only. */
  publicOnly?: boolean;
}

export interface ImportKeysResult extends ImportResult {
  kind: KeyTextKind;
  /** Public keys already stored that got their private part from this import. */
  completed: StoredKey[];
  /** Keys already stored as they are: nothing new. */
  already: StoredKey[];
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
   * Imports public keys from a JWK, a JWKS or a trust store (JSON text), dropping private parts:
   * the keys added only verify. See `importKeys` for everything else it takes.
   */
  async importPublic(
    text: string,
    opts: { issuer?: string | null; name?: string } = {},
  ): Promise<ImportResult> {
    const { added, skipped } = await this.importKeys(text, { ...opts, publicOnly: true });
    return { added, skipped };
  }

  /**
   * Imports keys from any text `readKeyText` reads: a JWK (public or private), a JWKS, a trust
   * store, `ect keygen` output, PEM. A private key becomes a WebCrypto key that can sign,
   * non-extractable unless `extractable`; a public key only verifies. Keys without an issuer are
   * bound to `issuer` when given; `kid` names a key that has none. Keys that cannot verify
   * (ECT-PROFILE.md section 6: no kid, "use" not sig, "key_ops" without verify, RSA under 2048
   * bits, or not importable) are left out and listed with their reason; a document of another
   * shape, or one with no usable key, imports nothing. Says what it added, what it completed (a
   * public key already stored, now with its private part) and what it already held.
   */
  async importKeys(text: string, opts: ImportKeysOptions = {}): Promise<ImportKeysResult> {
    let read: ReadKeys;
    try {
      read = await readKeyText(text, { ...(opts.kid ? { kid: opts.kid } : {}) });
    } catch (e) {
      throw new KeyImportError((e as Error).message);
    }
    const { kind, candidates: found } = read;
    const skipped: SkippedImport[] = [...read.skipped];
    if (!found.length && !skipped.length) throw new KeyImportError('empty: it holds no keys');
    const single = kind === 'jwk' || kind === 'keygen';
    const issuer = opts.issuer?.trim() || null;
    const name = opts.name?.trim();
    const extractable = opts.extractable ?? false;
    const firstCreatedAt = await this.nextCreatedAt();
    const candidates: StoredKey[] = [];
    for (const [i, c] of found.entries()) {
      const where = single ? 'the JWK' : `key ${quote(c.kid)}`;
      // The one check the core leaves to a form: that WebCrypto can import the key at all.
      const problem = await keyImportProblem(c.publicJwk);
      if (problem) {
        skipped.push({ where, kid: c.kid, reason: problem });
        continue;
      }
      let privateKey: CryptoKey | undefined;
      if (c.privateJwk && !opts.publicOnly) {
        try {
          privateKey = (await importJWK(c.privateJwk, c.alg, { extractable })) as CryptoKey;
        } catch (e) {
          skipped.push({
            where,
            kid: c.kid,
            reason: `cannot be imported as a private key for ${c.alg}: ${(e as Error).message}`,
          });
          continue;
        }
      }
      candidates.push({
        id: crypto.randomUUID(),
        name: name ? (found.length > 1 ? `${name} ${i + 1}` : name) : c.kid,
        kid: c.kid,
        issuer: c.issuer ?? issuer,
        publicJwk: c.publicJwk,
        ...(privateKey ? { privateKey } : {}),
        ...(c.alg !== 'ES256' ? { alg: c.alg } : {}),
        extractable: privateKey ? extractable : false,
        origin: 'imported',
        createdAt: firstCreatedAt + i,
      });
    }
    if (!candidates.length) {
      throw new KeyImportError(
        `${skipped.length > 1 ? 'no usable key: ' : ''}${skipped.map((k) => `${k.where} ${k.reason}`).join('; ')}`,
      );
    }
    // Only IndexedDB work inside the transaction (another await would end it early).
    return this.db.transaction('rw', this.db.keys, async () => {
      // The same key (same issuer, kid and key material) again is skipped: re-importing an export is
      // harmless; with a private part the stored public key lacked, it is completed. Other key
      // material under an issuer's kid is a rotated key: kept beside the first (ECT-PROFILE.md
      // section 6: a signature is valid if any key of that kid verifies it).
      const seen: StoredKey[] = await this.db.keys.toArray();
      const result: ImportKeysResult = { kind, added: [], completed: [], already: [], skipped };
      for (const k of candidates) {
        const same = seen.find(
          (s) => s.issuer === k.issuer && s.kid === k.kid && sameKeyMaterial(s.publicJwk, k.publicJwk),
        );
        if (same) {
          if (k.privateKey && !same.privateKey) {
            const changes = {
              privateKey: k.privateKey,
              extractable: k.extractable,
              ...(k.alg ? { alg: k.alg } : {}),
            };
            await this.db.keys.update(same.id, changes);
            Object.assign(same, changes);
            result.completed.push(same);
          } else result.already.push(same);
          continue;
        }
        seen.push(k);
        result.added.push(k);
      }
      await this.db.keys.bulkAdd(result.added);
      return result;
    });
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
    return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg ?? 'ES256', use: 'sig' };
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

export { describeJsonError } from './keyFormats.ts';

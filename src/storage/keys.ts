/**
 * The key store: signing keys made in the browser (private part as a
 * WebCrypto key, non-extractable unless the user asked otherwise) and public
 * keys imported from JWK, JWKS or trust-store files, each bound to an issuer.
 * The trust store used for verification is derived from it.
 */
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import { generateSigningKey, parseTrustStore, type TrustStore } from '../ect/index.ts';
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

export class KeyImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyImportError';
  }
}

/** The trust store the verifier uses: every key's public part, bound to its issuer. */
export function trustStoreOf(keys: readonly StoredKey[]): TrustStore {
  return {
    kind: 'issuers',
    keys: keys.map((k) => ({ jwk: k.publicJwk, kid: k.kid, issuer: k.issuer })),
  };
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

  async generate(opts: {
    name: string;
    issuer: string | null;
    kid?: string;
    extractable?: boolean;
  }): Promise<StoredKey> {
    const made = await generateSigningKey({
      extractable: opts.extractable ?? false,
      ...(opts.kid ? { kid: opts.kid } : {}),
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
      createdAt: Date.now(),
    };
    await this.db.keys.add(key);
    return key;
  }

  /**
   * Imports public keys from a JWK, a JWKS or a trust store (JSON text). Keys
   * without an issuer are bound to `issuer` when given. Private members are
   * dropped: imported keys only verify. Returns the keys added.
   */
  async importPublic(
    text: string,
    opts: { issuer?: string | null; name?: string } = {},
  ): Promise<StoredKey[]> {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new KeyImportError(`not JSON: ${(e as Error).message}`);
    }
    const isJwk = !!doc && typeof doc === 'object' && typeof (doc as { kty?: unknown }).kty === 'string';
    let store: TrustStore;
    try {
      store = parseTrustStore(isJwk ? { keys: [doc] } : doc);
    } catch (e) {
      throw new KeyImportError(
        `${(e as Error).message} (accepted: a JWK, a JWKS {"keys": [...]}, or a trust store {"issuers": {...}})`,
      );
    }
    if (!store.keys.length) throw new KeyImportError('the file holds no keys');
    const issuer = opts.issuer?.trim() || null;
    const added: StoredKey[] = store.keys.map((k, i) => ({
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
      createdAt: Date.now() + i,
    }));
    for (const k of added) {
      await importJWK(k.publicJwk, typeof k.publicJwk.alg === 'string' ? k.publicJwk.alg : 'ES256').catch(
        (e: Error) => {
          throw new KeyImportError(`key ${JSON.stringify(k.kid)} is not a usable public key: ${e.message}`);
        },
      );
    }
    await this.db.keys.bulkAdd(added);
    return added;
  }

  async update(id: string, patch: { name?: string; issuer?: string | null }): Promise<void> {
    const changes: Partial<StoredKey> = {};
    if (patch.name !== undefined) changes.name = patch.name.trim();
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
      createdAt: Date.now(),
    };
    await this.db.keys.add(key);
    return key;
  }
}

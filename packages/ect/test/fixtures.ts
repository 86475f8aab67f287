/**
 * Shared helpers for unit tests: agents with real ES256 keys, a trust store
 * for them, valid claims, and tokens built by hand (for headers and bytes the
 * core would never produce).
 */
import { CompactSign } from 'jose';
import {
  createToken,
  encodeBase64UrlText,
  generateSigningKey,
  parseTrustStore,
  type GeneratedKey,
  type JsonObject,
  type TrustStore,
} from '../src/index.ts';

/** The verifier's clock in every test: 2026-01-01T00:00:00Z. */
export const NOW = 1767225600;
export const LEDGER_ID = 'https://ledger.example.com';

export interface Agent {
  name: string;
  iss: string;
  kid: string;
  key: GeneratedKey;
}

export async function makeAgent(name: string, opts: { kid?: string; iss?: string } = {}): Promise<Agent> {
  const kid = opts.kid ?? `agent-${name}-key`;
  const key = await generateSigningKey({ kid, extractable: true });
  return { name, iss: opts.iss ?? `spiffe://example.com/agent/${name}`, kid, key };
}

/** An issuer-bound trust store holding the agents' public keys. */
export function trustFor(...agents: Agent[]): TrustStore {
  const issuers: Record<string, { keys: unknown[] }> = {};
  for (const a of agents) (issuers[a.iss] ??= { keys: [] }).keys.push(a.key.publicJwk);
  return parseTrustStore({ issuers });
}

/** A plain JWKS trust store (keys bound to no issuer). */
export function jwksFor(...agents: Agent[]): TrustStore {
  return parseTrustStore({ keys: agents.map((a) => a.key.publicJwk) });
}

let counter = 0;
/** A fresh UUID-shaped id that is easy to read in failures. */
export function uuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

/** Valid -01 claims from `from` to `to`, issued a minute before NOW. */
export function claims(
  from: Agent,
  overrides: JsonObject = {},
  to = 'spiffe://example.com/agent/b',
): JsonObject {
  return {
    iss: from.iss,
    aud: [to, LEDGER_ID],
    iat: NOW - 60,
    exp: NOW - 60 + 600,
    jti: uuid(),
    exec_act: 'review_spec',
    pred: [],
    ...overrides,
  };
}

/** Signs claims with the core (ES256, typ exec+jwt, the agent's kid). */
export async function sign(agent: Agent, payload: JsonObject, version?: '00' | '01'): Promise<string> {
  const created = await createToken(payload, {
    key: agent.key.privateKey,
    kid: agent.kid,
    now: NOW,
    ...(version ? { version } : {}),
  });
  return created.token;
}

/** Signs any header and payload with jose directly: for headers the core would never write. */
export async function signRaw(agent: Agent, header: JsonObject, payload: JsonObject): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(agent.key.privateKey);
}

/** A JWS assembled by hand from JSON parts and a signature string (no crypto). */
export function handToken(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl'): string {
  return `${encodeBase64UrlText(JSON.stringify(header))}.${encodeBase64UrlText(JSON.stringify(payload))}.${signature}`;
}

/** An L1 token: base64url JSON claims, no padding. */
export function l1Token(payload: JsonObject): string {
  return encodeBase64UrlText(JSON.stringify(payload));
}

/** The token with one character of part `part` (0 header, 1 payload, 2 signature) changed. */
export function flipChar(token: string, part: 0 | 1 | 2, at = 5): string {
  const parts = token.split('.');
  const s = parts[part]!;
  const c = s[at]!;
  parts[part] = s.slice(0, at) + (c === 'A' ? 'B' : 'A') + s.slice(at + 1);
  return parts.join('.');
}

/**
 * Step 1 of verification: level detection and decoding (ECT-PROFILE.md
 * section 5). JWS first: a string with exactly two dots whose first part
 * decodes to a JSON object with `alg` is a JWS and is never retried as L1
 * (downgrade protection); otherwise the whole string may be an L1 token.
 */
import { findDuplicateKey, quote } from './text.ts';
import { checkBase64Url, decodeBase64UrlBinary, utf8Decode } from './base64url.ts';
import { Base64UrlError } from './errors.ts';
import type { Problem } from './codes.ts';
import { detectVersion } from './claims.ts';
import type { Version } from './settings.ts';

/** A JSON object: a token's header or payload. */
export type JsonObject = { [key: string]: unknown };

interface DecodedBase {
  /** The token as given, trimmed. */
  token: string;
  payload: JsonObject;
  /** -00 or -01 from the claim names, null when the payload says neither or both. */
  version: Version | null;
}

/** A decoded L2 token (JWS compact serialization). */
export interface DecodedJws extends DecodedBase {
  level: 'L2';
  header: JsonObject;
  /** The three base64url parts. */
  parts: readonly [string, string, string];
}

/** A decoded L1 token (base64url JSON claims, no signature). */
export interface DecodedL1 extends DecodedBase {
  level: 'L1';
  header: null;
}

/** A decoded token of either level. */
export type DecodedToken = DecodedJws | DecodedL1;

/** Where decoding went wrong, so the UI can point at it. */
export interface DecodeProblem extends Problem {
  code: 'malformed';
  part: 'token' | 'header' | 'payload' | 'signature';
  /** Character offset in the whole token, when known. */
  position?: number;
}

/** What decodeToken gives: the decoded token, or the problem that stopped it. */
export type DecodeResult = { ok: true; decoded: DecodedToken } | { ok: false; problem: DecodeProblem };

/** A character outside ASCII (in a binary string: a byte of 0x80 or more). */
const NOT_ASCII = /[\x80-\xff]/;

/** Above this, a pasted string is not treated as a token (keeps the page responsive). */
export const MAX_TOKEN_LENGTH = 1_000_000;

function malformed(part: DecodeProblem['part'], message: string, position?: number): DecodeResult {
  const problem: DecodeProblem = { code: 'malformed', part, message };
  if (position !== undefined && position >= 0) problem.position = position;
  return { ok: false, problem };
}

/** What decodeJsonPart gives: the JSON object, or why the part is not one (and where). */
export type PartResult = { ok: true; value: JsonObject } | { ok: false; why: string; position?: number };

/** Decodes one base64url part into a JSON object; says precisely why not. */
export function decodeJsonPart(part: string): PartResult {
  let binary: string;
  try {
    binary = decodeBase64UrlBinary(part);
  } catch (e) {
    const position = e instanceof Base64UrlError && e.position >= 0 ? e.position : undefined;
    const why = e instanceof Error ? e.message : String(e);
    return position === undefined ? { ok: false, why } : { ok: false, why, position };
  }
  // ASCII bytes are their own UTF-8 text; anything else goes through the strict UTF-8 decoder.
  let text = binary;
  if (NOT_ASCII.test(binary)) {
    try {
      text = utf8Decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    } catch {
      return { ok: false, why: 'its bytes are not valid UTF-8 text' };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, why: `it is not JSON (${detail}); it starts ${quote(text.slice(0, 24))}` };
  }
  const duplicate = findDuplicateKey(text, value);
  if (duplicate !== null) {
    return {
      ok: false,
      why: `it has the duplicate key ${quote(duplicate)}; parsers disagree on which copy counts, so duplicate keys are refused`,
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      why: `it is JSON but not an object (got ${Array.isArray(value) ? 'an array' : String(value)})`,
    };
  }
  return { ok: true, value: value as JsonObject };
}

/**
 * JWS headers decoded before, by their base64url text. A ledger's tokens share a handful of
 * headers (one per signing key), and decoding each token's header again was about a fifth of
 * decoding it (atob, JSON.parse and the duplicate-key scan of ~100 characters). Only headers whose
 * values are all primitives are kept, and each caller gets a copy of its own: a decoded token's
 * header is its caller's to change, as before. Bounded: cleared when full.
 */
const knownHeaders = new Map<string, JsonObject>();
const KNOWN_HEADERS_MAX = 64;
const KNOWN_HEADER_MAX_LENGTH = 1024;

const flat = (o: JsonObject): boolean => {
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'object' && v !== null) return false;
  }
  return true;
};

/** decodeJsonPart of a JWS header, from knownHeaders when it was decoded before. */
function headerPart(h: string): PartResult {
  const known = knownHeaders.get(h);
  if (known) return { ok: true, value: { ...known } };
  const header = decodeJsonPart(h);
  if (header.ok && h.length <= KNOWN_HEADER_MAX_LENGTH && flat(header.value)) {
    if (knownHeaders.size >= KNOWN_HEADERS_MAX) knownHeaders.clear();
    knownHeaders.set(h, { ...header.value });
  }
  return header;
}

/** Decodes a token of any level without verifying it (step 1): level detection, strict base64url, JSON objects without duplicate member names. */
export function decodeToken(input: string): DecodeResult {
  const token = input.trim();
  if (!token) return malformed('token', 'the token is empty');
  if (token.length > MAX_TOKEN_LENGTH) {
    return malformed(
      'token',
      `the token is ${token.length.toLocaleString('en')} characters long; tokens over ${MAX_TOKEN_LENGTH.toLocaleString('en')} are refused`,
    );
  }
  const parts = token.split('.');
  if (parts.length === 3) {
    const [h, p, s] = parts as [string, string, string];
    const header = headerPart(h);
    if (header.ok && typeof header.value.alg === 'string') {
      return decodeJwsRest(token, header.value, [h, p, s]);
    }
    if (header.ok && !('alg' in header.value)) {
      return malformed(
        'header',
        'the first of three parts is a JSON object without "alg", so it is not a JWS header',
      );
    }
    if (header.ok) {
      return malformed('header', `the JWS header's "alg" must be a string, got ${quote(header.value.alg)}`);
    }
    // Not a JWS header: an L1 token has no dots, so this cannot be L1 either.
    return malformed(
      'header',
      `the token has three dot-separated parts but the first is not a JWS header: ${header.why}`,
      header.position,
    );
  }
  if (parts.length > 1) {
    return malformed(
      'token',
      `the token has ${parts.length} dot-separated parts; a JWS (L2) has exactly 3 and an L1 token has none`,
    );
  }
  // L1: base64url of the claims; padding is accepted on input.
  const unpadded = token.replace(/={1,2}$/, '');
  const payload = decodeJsonPart(unpadded);
  if (!payload.ok) {
    return malformed('token', `not a JWS (no dots) and not an L1 token: ${payload.why}`, payload.position);
  }
  return {
    ok: true,
    decoded: {
      level: 'L1',
      token,
      header: null,
      payload: payload.value,
      version: detectVersion(payload.value).version,
    },
  };
}

function decodeJwsRest(token: string, header: JsonObject, parts: [string, string, string]): DecodeResult {
  const [h, p, s] = parts;
  const payload = decodeJsonPart(p);
  if (!payload.ok) {
    const position = payload.position === undefined ? undefined : h.length + 1 + payload.position;
    return malformed('payload', `the JWS payload (second part) is unreadable: ${payload.why}`, position);
  }
  try {
    checkBase64Url(s);
  } catch (e) {
    const at = e instanceof Base64UrlError && e.position >= 0 ? e.position : undefined;
    return malformed(
      'signature',
      `the signature (third part) is not valid base64url: ${e instanceof Error ? e.message : String(e)}`,
      at === undefined ? undefined : h.length + p.length + 2 + at,
    );
  }
  return {
    ok: true,
    decoded: {
      level: 'L2',
      token,
      header,
      payload: payload.value,
      parts,
      version: detectVersion(payload.value).version,
    },
  };
}

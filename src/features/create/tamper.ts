/**
 * Changing a token without re-signing it, to see what a verifier does with
 * it: one character at a position, or a claim in the payload part re-encoded
 * with the old header and signature kept.
 */
import { decodeJsonPart, encodeBase64UrlText, type JsonObject } from 'wimse-ect';

export interface TokenPart {
  part: 'header' | 'payload' | 'signature' | 'token' | 'separator';
  /** 0-based offset inside that part. */
  offset: number;
  /** Length of that part. */
  length: number;
}

/** Which part of a compact JWS (or an L1 token) a position falls in. */
export function partAt(token: string, position: number): TokenPart {
  const parts = token.split('.');
  if (parts.length !== 3) return { part: 'token', offset: position, length: token.length };
  const names = ['header', 'payload', 'signature'] as const;
  let start = 0;
  for (let n = 0; n < 3; n++) {
    const len = parts[n]!.length;
    if (position < start + len) return { part: names[n]!, offset: position - start, length: len };
    if (position === start + len && n < 2) return { part: 'separator', offset: 0, length: 1 };
    start += len + 1;
  }
  return { part: 'signature', offset: position - start, length: parts[2]!.length };
}

/** A base64url character other than `c`, for a one-character change that stays in the alphabet. */
export function otherChar(c: string | undefined): string {
  if (c === 'A') return 'B';
  if (c === 'a') return 'b';
  return /[A-Z]/.test(c ?? '') ? 'A' : 'a';
}

export type TamperResult = { ok: true; token: string; change: string } | { ok: false; message: string };

export function replaceChar(token: string, position: number, ch: string): TamperResult {
  if (!Number.isInteger(position) || position < 0 || position >= token.length) {
    return {
      ok: false,
      message: `position must be a whole number from 0 to ${token.length - 1} (the token has ${token.length} characters)`,
    };
  }
  if ([...ch].length !== 1) return { ok: false, message: 'type exactly one replacement character' };
  const old = token[position]!;
  if (old === ch)
    return { ok: false, message: `the character at ${position} is already ${JSON.stringify(ch)}` };
  const where = partAt(token, position);
  return {
    ok: true,
    token: token.slice(0, position) + ch + token.slice(position + 1),
    change: `character ${position} (${where.part}${
      where.part === 'separator' ? '' : `, character ${where.offset}`
    }): ${JSON.stringify(old)} → ${JSON.stringify(ch)}`,
  };
}

/** The claims in the token's payload part (the whole token for L1), or why they cannot be read. */
export function payloadOf(token: string): { ok: true; payload: JsonObject } | { ok: false; message: string } {
  const parts = token.split('.');
  const text = parts.length === 3 ? parts[1]! : parts.length === 1 ? token.replace(/={1,2}$/, '') : null;
  if (text === null) return { ok: false, message: 'the token has neither 1 nor 3 dot-separated parts' };
  const r = decodeJsonPart(text);
  return r.ok
    ? { ok: true, payload: r.value }
    : { ok: false, message: `the payload part no longer decodes (${r.why}); reset the tampering first` };
}

/**
 * The token with `claim` set to `value` (removed for `undefined`): the payload
 * part re-encoded as base64url, the header and signature left as they were.
 */
export function editClaim(token: string, claim: string, value: unknown): TamperResult {
  const current = payloadOf(token);
  if (!current.ok) return current;
  const payload: JsonObject = { ...current.payload };
  const before = payload[claim];
  if (value === undefined) delete payload[claim];
  else payload[claim] = value;
  const encoded = encodeBase64UrlText(JSON.stringify(payload));
  const parts = token.split('.');
  const next = parts.length === 3 ? `${parts[0]}.${encoded}.${parts[2]}` : encoded;
  if (next === token) return { ok: false, message: `"${claim}" already has that value` };
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return {
    ok: true,
    token: next,
    change: `"${claim}": ${show(before)} → ${show(value)} (payload re-encoded, header and signature kept)`,
  };
}

/** The first and last differing offsets of two strings, for highlighting; null when equal. */
export function diffRange(a: string, b: string): { start: number; end: number } | null {
  if (a === b) return null;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { start, end: endB };
}

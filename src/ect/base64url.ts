/**
 * Strict base64url (RFC 4648 section 5) for JOSE parts and L1 tokens.
 * Strict on purpose: any character outside the alphabet is an error, because
 * lenient decoders that skip characters let two different strings mean the
 * same token (ECT-PROFILE.md section 2).
 */
import { quote } from './text.ts';
import { base64url as joseBase64url } from 'jose';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;
const OUTSIDE_ALPHABET = /[^A-Za-z0-9_-]/;

export class Base64UrlError extends Error {
  /** Index of the first offending character, or -1 when the length is the problem. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'Base64UrlError';
    this.position = position;
  }
}

export function decodeBase64Url(input: string): Uint8Array {
  const bad = input.search(OUTSIDE_ALPHABET);
  if (bad !== -1) {
    throw new Base64UrlError(
      `character ${quote(input[bad])} at position ${bad} is not in the base64url alphabet (A-Z a-z 0-9 - _)`,
      bad,
    );
  }
  if (input.length % 4 === 1) {
    throw new Base64UrlError(
      `length ${input.length} is impossible for base64url (a character is missing or extra)`,
      -1,
    );
  }
  // The last character may carry bits beyond the data; they must be zero, or
  // two different strings would decode to the same bytes (a changed signature
  // character that still verifies).
  const spare = input.length % 4 === 2 ? 0b1111 : input.length % 4 === 3 ? 0b11 : 0;
  if (spare && (ALPHABET.indexOf(input[input.length - 1]!) & spare) !== 0) {
    throw new Base64UrlError(
      `the last character ${quote(input[input.length - 1])} is not a canonical base64url ending (its unused bits are not zero)`,
      input.length - 1,
    );
  }
  return joseBase64url.decode(input);
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return joseBase64url.encode(bytes);
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function utf8Decode(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

export function encodeBase64UrlText(text: string): string {
  return encodeBase64Url(utf8Encode(text));
}

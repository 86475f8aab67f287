/**
 * Strict base64url (RFC 4648 section 5) for JOSE parts and L1 tokens.
 * Strict on purpose: any character outside the alphabet is an error, because
 * lenient decoders that skip characters let two different strings mean the
 * same token (ECT-PROFILE.md section 2).
 */
import { quote } from './text.ts';
import { base64url as joseBase64url } from 'jose';
import { Base64UrlError } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;
const OUTSIDE_ALPHABET = /[^A-Za-z0-9_-]/;

/** Value of each base64url character by char code (-1: not in the alphabet). */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const valueOf = (code: number) => (code < 128 ? VALUE[code]! : -1);

/**
 * Strict base64url to bytes. Decoding is on the hot path of verification (three parts per token),
 * so a table does it in one pass; anything unusual takes the checking path below, which says
 * precisely what is wrong.
 */
export function decodeBase64Url(input: string): Uint8Array {
  if (input.length % 4 === 1) return checkedDecode(input);
  const out = new Uint8Array((input.length * 3) >> 2);
  return decodeInto(input, out) < 0 ? checkedDecode(input) : out;
}

/**
 * The table decode of `input` into `out` (room for its bytes): the count written, or -1 for
 * anything unusual (a character outside the alphabet, a length of 4n + 1, unused bits set in the
 * last character), which the callers leave to checkedDecode for its precise error.
 */
function decodeInto(input: string, out: Uint8Array): number {
  const n = input.length;
  const rem = n % 4;
  if (rem === 1) return -1;
  const full = n - rem;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = valueOf(input.charCodeAt(i));
    const b = valueOf(input.charCodeAt(i + 1));
    const c = valueOf(input.charCodeAt(i + 2));
    const d = valueOf(input.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return -1;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  if (rem) {
    const a = valueOf(input.charCodeAt(full));
    const b = valueOf(input.charCodeAt(full + 1));
    const c = rem === 3 ? valueOf(input.charCodeAt(full + 2)) : 0;
    // Unused bits of the last character must be zero (see checkedDecode).
    if ((a | b | c) < 0 || (rem === 2 ? b & 15 : c & 3)) return -1;
    out[o++] = (a << 2) | (b >> 4);
    if (rem === 3) out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return o;
}

/** The standard alphabet's characters for base64url's two of its own (for atob). */
const DASH = /-/g;
const UNDERSCORE = /_/g;
/**
 * atob only in Node (and runtimes like it): there it is native and makes an ordinary string (a
 * 418-character payload 0.36 µs against 1.5 µs for the table below, Node 20). In a browser it is not
 * used: Chromium's atob returns an external string (Blink's text, shared with V8 through a weak
 * handle), and freeing hundreds of thousands of them is a mark-compact of its own: at 250,000
 * tokens imported, one main-thread task of 1.3 s, 0.9 s of it that GC's external-string phases and
 * weak callbacks (issue 17, traced). The table decode makes heap strings: 2.1 µs against atob's
 * 4.4 µs, and a GC afterwards of 67 ms against 300-971 ms (500,000 parts, Chromium 150).
 */
const nativeAtob =
  typeof atob === 'function' &&
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/**
 * Strict base64url to a "binary string" (each character one byte, 0-255): what decodeBase64Url
 * decodes, the same checks. For a JSON part that is ASCII, the text itself. In Node through the
 * native atob once the strict checks (alphabet, length, zero unused bits; atob is forgiving on all
 * three) have passed; elsewhere through {@link decodeBase64UrlLatin1}.
 */
export function decodeBase64UrlBinary(input: string): string {
  if (!nativeAtob) return decodeBase64UrlLatin1(input);
  const n = input.length;
  const rem = n % 4;
  if (rem === 1 || !BASE64URL_RE.test(input)) return latin1(decodeBase64Url(input));
  if (rem) {
    const last = VALUE[input.charCodeAt(n - 1)]!;
    if (rem === 2 ? last & 15 : last & 3) return latin1(decodeBase64Url(input)); // throws
  }
  return atob(input.replace(DASH, '+').replace(UNDERSCORE, '/'));
}

/** The bytes of a part are decoded into this, reused (parts larger than MAX_SCRATCH get their own). */
let scratch = new Uint8Array(1024);
const MAX_SCRATCH = 1 << 16;
/** Bytes per String.fromCharCode call (its arguments are on the stack). */
const CHARS_PER_CALL = 8192;

/**
 * decodeBase64UrlBinary without atob: the table decode of decodeBase64Url into a reused buffer,
 * then the bytes as characters (no Uint8Array per part, no string from outside the JS heap).
 * Anything unusual takes decodeBase64Url's way, which throws the precise error.
 */
export function decodeBase64UrlLatin1(input: string): string {
  const size = (input.length * 3) >> 2;
  if (size > scratch.length) {
    if (size > MAX_SCRATCH) return latin1(decodeBase64Url(input));
    scratch = new Uint8Array(Math.min(MAX_SCRATCH, Math.max(size, scratch.length * 2)));
  }
  const o = decodeInto(input, scratch);
  return o < 0 ? latin1(decodeBase64Url(input)) : latin1(scratch, o); // decodeBase64Url throws
}

/** The first `n` bytes (all by default) as a binary string. */
function latin1(bytes: Uint8Array, n = bytes.length): string {
  if (n <= CHARS_PER_CALL)
    return String.fromCharCode.apply(null, bytes.subarray(0, n) as unknown as number[]);
  const parts: string[] = [];
  for (let i = 0; i < n; i += CHARS_PER_CALL)
    parts.push(
      String.fromCharCode.apply(
        null,
        bytes.subarray(i, Math.min(n, i + CHARS_PER_CALL)) as unknown as number[],
      ),
    );
  return parts.join('');
}

/**
 * Throws the Base64UrlError decodeBase64Url would, without making the bytes: step 1 checks the
 * signature part this way, and step 7 decodes it once (before, every token's signature was decoded
 * twice; issue 17).
 */
export function checkBase64Url(input: string): void {
  const n = input.length;
  const rem = n % 4;
  // The common case at once: the native regex, then the last character's unused bits.
  if (rem !== 1 && BASE64URL_RE.test(input)) {
    const last = rem ? VALUE[input.charCodeAt(n - 1)]! : 0;
    if (!(rem === 2 ? last & 15 : last & 3)) return;
  }
  let bad = rem === 1;
  const full = n - rem;
  for (let i = 0; i < full && !bad; i++) bad = valueOf(input.charCodeAt(i)) < 0;
  if (!bad && rem) {
    const a = valueOf(input.charCodeAt(full));
    const b = valueOf(input.charCodeAt(full + 1));
    const c = rem === 3 ? valueOf(input.charCodeAt(full + 2)) : 0;
    bad = (a | b | c) < 0 || (rem === 2 ? b & 15 : c & 3) !== 0;
  }
  if (bad) checkedDecode(input);
}

function checkedDecode(input: string): Uint8Array {
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

/** Bytes as base64url without padding. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return joseBase64url.encode(bytes);
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function utf8Decode(bytes: Uint8Array): string {
  // A short ASCII part (a JWS header) without the decoder call; longer ones through the decoder,
  // which was 3x (Chromium 150) to 10x (Node 20) faster than String.fromCharCode.apply for a
  // 263-byte payload, and allocates no argument list (2 KB per token in Node; issue 17). Headers of
  // 50 bytes: 0.21-0.25 µs with apply against 0.27-0.29 through the decoder in Chromium.
  if (bytes.length <= 64) {
    let high = 0;
    for (let i = 0; i < bytes.length; i++) high |= bytes[i]!;
    if (high < 0x80) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  return utf8Decoder.decode(bytes);
}

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

/** UTF-8 text as base64url without padding. */
export function encodeBase64UrlText(text: string): string {
  return encodeBase64Url(utf8Encode(text));
}

import * as fc from 'fast-check';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  checkBase64Url,
  decodeBase64Url,
  decodeBase64UrlBinary,
  decodeBase64UrlLatin1,
  utf8Decode,
} from './base64url.ts';
import { Base64UrlError } from './errors.ts';
import { findDuplicateKey, quote } from './text.ts';

/**
 * The verification hot path has fast versions of base64url decoding, UTF-8 decoding, quoting and
 * the duplicate-key check: each must answer exactly as the plain version it shortcuts.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The strict decoder as it was before the table: every check, then jose. */
function referenceDecode(input: string): Uint8Array {
  const bad = input.search(/[^A-Za-z0-9_-]/);
  if (bad !== -1) throw new Base64UrlError(`bad character at ${bad}`, bad);
  if (input.length % 4 === 1) throw new Base64UrlError('impossible length', -1);
  const spare = input.length % 4 === 2 ? 0b1111 : input.length % 4 === 3 ? 0b11 : 0;
  if (spare && (ALPHABET.indexOf(input[input.length - 1]!) & spare) !== 0)
    throw new Base64UrlError('non-canonical ending', input.length - 1);
  return base64url.decode(input);
}

const outcome = (f: () => unknown) => {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, position: e instanceof Base64UrlError ? e.position : 'other' };
  }
};

describe('fast paths answer as the plain versions', () => {
  it('base64url: the bytes of any canonical string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = base64url.encode(bytes);
        expect(decodeBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it('base64url: the same error, at the same place, for any string', () => {
    const chars = fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '.', 'é', '\u0000', '😀');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (list) => {
        const text = list.join('');
        expect(outcome(() => decodeBase64Url(text))).toEqual(outcome(() => referenceDecode(text)));
      }),
      { numRuns: 3000 },
    );
  });

  // Node decodes through atob, a browser through the table (decodeBase64UrlLatin1): both checked here.
  it.each([
    ['through atob (Node)', decodeBase64UrlBinary],
    ['through the table (browsers)', decodeBase64UrlLatin1],
  ])(
    'base64url to a binary string %s: the same bytes, or the same error at the same place',
    (_way, decode) => {
      const chars = fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '\t', '.', 'é', '\u0000', '😀');
      const binary = (f: () => Uint8Array) => {
        const r = outcome(f);
        return r.ok ? { ok: true, value: String.fromCharCode(...(r.value as Uint8Array)) } : r;
      };
      fc.assert(
        fc.property(fc.array(chars, { maxLength: 40 }), (list) => {
          const text = list.join('');
          expect(outcome(() => decode(text))).toEqual(binary(() => referenceDecode(text)));
        }),
        { numRuns: 3000 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          expect(decode(base64url.encode(bytes))).toBe(String.fromCharCode(...bytes));
        }),
      );
      // Parts longer than one String.fromCharCode call, and than the reused buffer.
      for (const size of [8191, 8192, 8193, 70_000]) {
        const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7919) & 255);
        expect(decode(base64url.encode(bytes))).toBe(String.fromCharCode(...bytes));
      }
      // atob forgives padding, whitespace and bits beyond the data: this does not.
      for (const text of ['QQ==', 'QQ', 'Q Q', 'QR', 'QUI=', 'QUJ'])
        expect(
          outcome(() => decode(text)),
          text,
        ).toEqual(binary(() => referenceDecode(text)));
    },
  );

  it('base64url: the check without the bytes refuses exactly what the decoder refuses, the same way', () => {
    const chars = fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '.', 'é', '\u0000', '😀');
    const message = (f: () => unknown) => {
      try {
        f();
        return null;
      } catch (e) {
        return e instanceof Base64UrlError ? [e.message, e.position] : 'other';
      }
    };
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (list) => {
        const text = list.join('');
        expect(message(() => checkBase64Url(text))).toEqual(message(() => decodeBase64Url(text)));
      }),
      { numRuns: 3000 },
    );
    // A signature whose last character carries bits beyond the data: refused at step 1, as before.
    expect(message(() => checkBase64Url('AB'))).toEqual(message(() => decodeBase64Url('AB')));
    expect(message(() => checkBase64Url('AB'))).not.toBeNull();
  });

  it('UTF-8: the same text, or the same refusal, for any bytes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.uint8Array({ maxLength: 64, max: 0x7f }),
          fc.string({ unit: 'binary', maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
        ),
        (bytes) => {
          const expected = outcome(() => strict.decode(bytes));
          const got = outcome(() => utf8Decode(bytes));
          expect(got.ok).toBe(expected.ok);
          if (got.ok) expect(got.value).toBe(expected.value);
        },
      ),
    );
    const big = new Uint8Array(10_000).fill(0x41);
    expect(utf8Decode(big)).toBe('A'.repeat(10_000));
  });

  it('quote: the same text for any string', () => {
    const reference = (value: string, max = 80) => {
      let s = JSON.stringify(value);
      s = s.replace(
        // oxlint-disable-next-line no-control-regex -- the characters quote escapes
        /[\u0000-\u001f\u007f-\u009f\p{Cf}]/gu,
        (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
      );
      return s.length > max ? `${s.slice(0, max - 1)}…` : s;
    };
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.integer({ min: 3, max: 120 }),
        (s, max) => {
          expect(quote(s, max)).toBe(reference(s, max));
        },
      ),
    );
    expect(quote('exec+jwt')).toBe('"exec+jwt"');
    expect(quote('a"b')).toBe('"a\\"b"');
  });

  it('duplicate keys: found in any JSON text, named as the full search names them', () => {
    const key = fc.constantFrom('a', 'b', 'iss', '__proto__', 'a\\u0062', 'é');
    const json: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('1', '"x"', 'null', '"{\\"a\\":1}"', '"\\" :"', '[]', '{}'),
        fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
        // JSON's whitespace before a colon too (the regex count of key ends allows it).
        fc
          .array(fc.tuple(key, fc.constantFrom('', ' ', '\n\t '), tie('value')), { maxLength: 4 })
          .map((kv) => `{${kv.map(([k, ws, v]) => `"${k}"${ws}:${v}`).join(',')}}`),
      ),
    })).value;
    /** The full search, as findDuplicateKey did it for every text. */
    const reference = (text: string): string | null => {
      const stack: (Set<string> | null)[] = [];
      let expectKey = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
          let j = i + 1;
          while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
          if (expectKey) {
            const k = JSON.parse(text.slice(i, j + 1)) as string;
            const keys = stack[stack.length - 1]!;
            if (keys.has(k)) return k;
            keys.add(k);
            expectKey = false;
          }
          i = j;
        } else if (c === '{') {
          stack.push(new Set());
          expectKey = true;
        } else if (c === '[') {
          stack.push(null);
          expectKey = false;
        } else if (c === '}' || c === ']') {
          stack.pop();
          expectKey = false;
        } else if (c === ',') expectKey = stack[stack.length - 1] instanceof Set;
      }
      return null;
    };
    fc.assert(
      fc.property(json, (text) => {
        expect(findDuplicateKey(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});

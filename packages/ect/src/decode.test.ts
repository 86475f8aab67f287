import * as fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { encodeBase64Url, encodeBase64UrlText } from './base64url.ts';
import { decodeToken, MAX_TOKEN_LENGTH, type DecodeResult } from './decode.ts';
import { splitInput, splitLines } from './input.ts';
import { handToken, l1Token, NOW } from '../test/fixtures.ts';

const HEADER = { alg: 'ES256', typ: 'exec+jwt', kid: 'agent-a-key' };
const PAYLOAD = {
  iss: 'spiffe://example.com/agent/a',
  aud: ['spiffe://example.com/agent/b'],
  iat: NOW - 60,
  exp: NOW + 540,
  jti: '00000000-0000-4000-8000-00000000abcd',
  exec_act: 'review_spec',
  pred: [],
};
const JWS = handToken(HEADER, PAYLOAD);
const L1 = l1Token(PAYLOAD);

/** The decode problem, failing the test when decoding succeeded. */
function problemOf(r: DecodeResult) {
  if (r.ok) throw new Error(`expected a decode failure, got ${r.decoded.level}`);
  return r.problem;
}

function decodedOf(r: DecodeResult) {
  if (!r.ok) throw new Error(`expected a decoded token, got: ${r.problem.message}`);
  return r.decoded;
}

describe('splitInput', () => {
  const a = handToken(HEADER, { ...PAYLOAD, jti: 'a' });
  const b = handToken(HEADER, { ...PAYLOAD, jti: 'b' });
  const c = l1Token({ ...PAYLOAD, jti: 'c' });

  it('reads a bare token, trimmed', () => {
    expect(splitInput(`  ${a}\n`)).toEqual({ tokens: [a], form: 'lines' });
  });

  it('strips an Execution-Context header name, case-insensitively', () => {
    expect(splitInput(`Execution-Context: ${a}`).tokens).toEqual([a]);
    expect(splitInput(`execution-context:${a}`).tokens).toEqual([a]);
    expect(splitInput(`  EXECUTION-CONTEXT :  ${a}  `).tokens).toEqual([a]);
  });

  it('splits a comma-separated header value', () => {
    expect(splitInput(`Execution-Context: ${a}, ${b},${c}`).tokens).toEqual([a, b, c]);
    expect(splitInput(`${a},${b}`).tokens).toEqual([a, b]);
  });

  it('reads a JSON array of tokens', () => {
    expect(splitInput(JSON.stringify([a, ` ${b} `, c]))).toEqual({ tokens: [a, b, c], form: 'json-array' });
  });

  it('reads one token per line, with header lines and blank lines', () => {
    const text = `${a}\n\nExecution-Context: ${b}\n  ${c}  \n`;
    expect(splitInput(text)).toEqual({ tokens: [a, b, c], form: 'lines' });
  });

  it('reads CRLF line ends without leaving a carriage return in a token', () => {
    const r = splitInput(`${a}\r\n${b}\r\n${c}\r\n`);
    expect(r.tokens).toEqual([a, b, c]);
    for (const t of r.tokens) expect(t).not.toMatch(/\r/);
  });

  it('splitLines: the tokens the line form had (split at \\r?\\n), and the same when the text is cut at line ends', () => {
    // The line form as it was before splitLines (a regex split), for comparison.
    const before = (text: string) =>
      text
        .trim()
        .split(/\r?\n/)
        .flatMap((line) => line.replace(/^\s*execution-context\s*:/i, '').split(','))
        .map((t) => t.trim())
        .filter(Boolean);
    const piece = fc.constantFrom(
      'a',
      'b.c',
      ',',
      ' ',
      '\t',
      '\r',
      '\n',
      '\r\n',
      'Execution-Context:',
      ' execution-context :',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(), (pieces, cut) => {
        const text = pieces.join('');
        expect(splitLines(text)).toEqual(before(text));
        // Cut after some '\n': the two parts' tokens, one after the other, are the whole's.
        const ends = [...text.matchAll(/\n/g)].map((m) => m.index + 1);
        const at = ends.length ? ends[cut % ends.length]! : text.length;
        expect(splitLines(text.slice(at), splitLines(text.slice(0, at)))).toEqual(before(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a ledger bundle', () => {
    const bundle = {
      entries: [
        { seq: 1, token: a },
        { seq: 2, token: b },
      ],
    };
    expect(splitInput(JSON.stringify(bundle, null, 2))).toEqual({ tokens: [a, b], form: 'bundle' });
  });

  it('reads an object with a tokens array as a bundle', () => {
    expect(splitInput(JSON.stringify({ tokens: [a, c] }))).toEqual({ tokens: [a, c], form: 'bundle' });
  });

  it('keeps a non-string array item as JSON so it is reported, not dropped', () => {
    expect(splitInput(JSON.stringify([a, 42])).tokens).toEqual([a, '42']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitInput('')).toEqual({ tokens: [], form: 'empty' });
    expect(splitInput(' \r\n\t ')).toEqual({ tokens: [], form: 'empty' });
  });

  it('treats text that only looks like JSON as lines', () => {
    expect(splitInput('[not json').tokens).toEqual(['[not json']);
  });
});

describe('decodeToken: levels', () => {
  it('detects a JWS (L2) and returns its parts', () => {
    const d = decodedOf(decodeToken(JWS));
    expect(d.level).toBe('L2');
    expect(d.header).toEqual(HEADER);
    expect(d.payload).toEqual(PAYLOAD);
    if (d.level !== 'L2') throw new Error('unreachable');
    expect(d.parts).toEqual(JWS.split('.'));
    expect(d.token).toBe(JWS);
  });

  it('gives each decoded token a header of its own, a header decoded before too', () => {
    // Headers are decoded once per distinct text (decode.ts, knownHeaders): what one caller
    // does to its header must not show in the next token's.
    const first = decodedOf(decodeToken(JWS));
    (first.header as Record<string, unknown>).kid = 'changed';
    delete (first.header as Record<string, unknown>).typ;
    const second = decodedOf(decodeToken(JWS));
    expect(second.header).toEqual(HEADER);
    expect(second.header).not.toBe(first.header);
  });

  it('decodes a header with an object in it (a jwk) the same every time', () => {
    const header = { ...HEADER, jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } };
    const token = handToken(header, PAYLOAD);
    const first = decodedOf(decodeToken(token));
    (first.header as { jwk: Record<string, unknown> }).jwk.x = 'changed';
    expect(decodedOf(decodeToken(token)).header).toEqual(header);
  });

  it('trims white space around the token', () => {
    expect(decodedOf(decodeToken(`\n  ${JWS}\t `)).token).toBe(JWS);
  });

  it('detects an L1 token (no dots, no padding)', () => {
    expect(L1).not.toMatch(/[.=]/);
    const d = decodedOf(decodeToken(L1));
    expect(d.level).toBe('L1');
    expect(d.header).toBeNull();
    expect(d.payload).toEqual(PAYLOAD);
  });

  it('accepts an L1 token with = padding', () => {
    // Pick a payload whose length needs padding, then pad it.
    let payload: Record<string, unknown> = { ...PAYLOAD };
    let bare = l1Token(payload);
    for (let i = 0; bare.length % 4 === 0; i++) {
      payload = { ...PAYLOAD, note: 'x'.repeat(i + 1) };
      bare = l1Token(payload);
    }
    const padded = bare + '='.repeat(4 - (bare.length % 4));
    expect(padded.length % 4).toBe(0);
    const d = decodedOf(decodeToken(padded));
    expect(d.level).toBe('L1');
    expect(d.payload).toEqual(payload);
  });

  it('does not retry a 3-part string as L1 when its first part is not a JWS header', () => {
    // First part is base64url JSON without "alg" (it is L1-like claims), the rest junk.
    const p = problemOf(decodeToken(`${L1}.${L1}.${L1}`));
    expect(p.code).toBe('malformed');
    expect(p.part).toBe('header');
    expect(p.message).toMatch(/"alg"/);
  });

  it('refuses a 3-part string whose first part is not JSON at all', () => {
    const p = problemOf(decodeToken(`${encodeBase64UrlText('hello')}.${L1}.sig`));
    expect(p.part).toBe('header');
    expect(p.message).toMatch(/not a JWS header/);
    expect(p.message).toMatch(/not JSON/);
  });

  it('refuses a JWS header whose alg is not a string', () => {
    const p = problemOf(decodeToken(handToken({ ...HEADER, alg: 256 }, PAYLOAD)));
    expect(p.part).toBe('header');
    expect(p.message).toMatch(/"alg" must be a string/);
  });

  it('refuses a JWS whose payload is not JSON, naming the payload', () => {
    const token = `${encodeBase64UrlText(JSON.stringify(HEADER))}.${encodeBase64UrlText('not json')}.c2ln`;
    const p = problemOf(decodeToken(token));
    expect(p.code).toBe('malformed');
    expect(p.part).toBe('payload');
    expect(p.message).toMatch(/payload/);
    expect(p.message).toMatch(/not JSON/);
  });

  it('refuses a JWS whose payload is a JSON array', () => {
    const p = problemOf(decodeToken(handToken(HEADER, [PAYLOAD])));
    expect(p.part).toBe('payload');
    expect(p.message).toMatch(/not an object/);
    expect(p.message).toMatch(/array/);
  });

  it('refuses an L1 token that is a JSON array, a string or null', () => {
    for (const v of [[PAYLOAD], 'claims', null, 42]) {
      const p = problemOf(decodeToken(encodeBase64UrlText(JSON.stringify(v))));
      expect(p.code).toBe('malformed');
      expect(p.part).toBe('token');
      expect(p.message).toMatch(/not an object/);
    }
  });

  it('refuses a JWS header that is a JSON array', () => {
    const p = problemOf(decodeToken(handToken([HEADER], PAYLOAD)));
    expect(p.part).toBe('header');
    expect(p.message).toMatch(/not an object/);
  });

  it('reads claims that are not ASCII as the UTF-8 text they are', () => {
    const claims = { ...PAYLOAD, exec_act: 'überprüfen', note: 'naïve 😀 日本' };
    const d = decodedOf(decodeToken(handToken(HEADER, claims)));
    expect(d.payload).toEqual(claims);
    expect(decodedOf(decodeToken(l1Token(claims))).payload).toEqual(claims);
  });

  it('refuses invalid UTF-8 in an L1 token and in a JWS payload', () => {
    const bad = encodeBase64Url(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])); // {"\xff\xfe"}
    const p1 = problemOf(decodeToken(bad));
    expect(p1.part).toBe('token');
    expect(p1.message).toMatch(/UTF-8/);
    const p2 = problemOf(decodeToken(`${encodeBase64UrlText(JSON.stringify(HEADER))}.${bad}.c2ln`));
    expect(p2.part).toBe('payload');
    expect(p2.message).toMatch(/UTF-8/);
  });

  it('refuses 2 or 4 dot-separated parts', () => {
    const [h, p, s] = JWS.split('.');
    for (const t of [`${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}.${p}..${s}`]) {
      const prob = problemOf(decodeToken(t));
      expect(prob.code).toBe('malformed');
      expect(prob.part).toBe('token');
      expect(prob.message).toMatch(new RegExp(`has ${t.split('.').length} dot-separated parts`));
    }
  });

  it('refuses an empty or blank token', () => {
    for (const t of ['', '   ', '\n']) {
      const p = problemOf(decodeToken(t));
      expect(p.part).toBe('token');
      expect(p.message).toMatch(/empty/);
    }
  });

  it('refuses an over-long token without decoding it', () => {
    const p = problemOf(decodeToken('A'.repeat(MAX_TOKEN_LENGTH + 1)));
    expect(p.part).toBe('token');
    expect(p.message).toMatch(/1,000,001 characters/);
  });

  it('refuses an L1 token with an impossible base64url length', () => {
    const p = problemOf(decodeToken(`${L1.slice(0, L1.length - (L1.length % 4))}A`));
    expect(p.code).toBe('malformed');
    expect(p.message).toMatch(/length/);
  });
});

describe('decodeToken: characters outside base64url', () => {
  const [h, p, s] = JWS.split('.') as [string, string, string];

  const cases: [string, string, 'header' | 'payload' | 'signature', number][] = [];
  for (const ch of ['+', '/', '=', ' ']) {
    cases.push([`${ch} in the header`, `${h.slice(0, 3)}${ch}${h.slice(3)}.${p}.${s}`, 'header', 3]);
    cases.push([
      `${ch} in the payload`,
      `${h}.${p.slice(0, 7)}${ch}${p.slice(7)}.${s}`,
      'payload',
      h.length + 1 + 7,
    ]);
    cases.push([
      `${ch} in the signature`,
      `${h}.${p}.${s.slice(0, 2)}${ch}${s.slice(2)}`,
      'signature',
      h.length + 1 + p.length + 1 + 2,
    ]);
  }
  for (const [name, token, part, position] of cases) {
    it(`${name} is malformed at position ${position}`, () => {
      const prob = problemOf(decodeToken(token));
      expect(prob.code).toBe('malformed');
      expect(prob.part).toBe(part);
      expect(prob.position).toBe(position);
      expect(token[position]).toBe(name[0]);
    });
  }

  it('padding at the end of a JWS signature is malformed', () => {
    const prob = problemOf(decodeToken(`${JWS}=`));
    expect(prob.part).toBe('signature');
    expect(prob.position).toBe(JWS.length);
  });

  it('a character outside the alphabet in an L1 token is malformed at its position', () => {
    for (const ch of ['+', '/', ' ', '=', '*']) {
      const token = `${L1.slice(0, 10)}${ch}${L1.slice(10)}`;
      const prob = problemOf(decodeToken(token));
      expect(prob.code).toBe('malformed');
      expect(prob.part).toBe('token');
      expect(prob.position).toBe(10);
      expect(prob.message).toContain(JSON.stringify(ch));
    }
  });
});

describe('decodeToken: version detection', () => {
  const { pred: _pred, ...noPred } = PAYLOAD;
  void _pred;

  it('says -01 for pred or ect_ext', () => {
    expect(decodedOf(decodeToken(handToken(HEADER, PAYLOAD))).version).toBe('01');
    expect(decodedOf(decodeToken(l1Token({ ...noPred, ect_ext: {} }))).version).toBe('01');
  });

  it('says -00 for par, ext or top-level pol/pol_decision', () => {
    expect(decodedOf(decodeToken(handToken(HEADER, { ...noPred, par: [] }))).version).toBe('00');
    expect(decodedOf(decodeToken(l1Token({ ...noPred, ext: {} }))).version).toBe('00');
    expect(decodedOf(decodeToken(l1Token({ ...noPred, pol: 'p', pol_decision: 'approved' }))).version).toBe(
      '00',
    );
  });

  it('says null for a conflict (par and pred, ext and ect_ext) or for neither', () => {
    expect(decodedOf(decodeToken(handToken(HEADER, { ...PAYLOAD, par: [] }))).version).toBeNull();
    expect(decodedOf(decodeToken(l1Token({ ...noPred, ext: {}, ect_ext: {} }))).version).toBeNull();
    expect(decodedOf(decodeToken(l1Token(noPred))).version).toBeNull();
  });
});

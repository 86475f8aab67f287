import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, decodeToken } from 'wimse-ect';
import { locateJsonError, parseJsonText } from './jsonText.ts';
import { convertVersion, defaultPayload, dryRun, readPolicy, writePolicy } from './payload.ts';
import { diffRange, editClaim, partAt, replaceChar } from './tamper.ts';

const NOW = 1_767_225_540;

describe('parseJsonText', () => {
  it('parses valid JSON', () => {
    expect(parseJsonText('{"a": [1, true, null, "x"]}')).toEqual({
      ok: true,
      value: { a: [1, true, null, 'x'] },
    });
  });

  it.each([
    ['{\n  "a": b\n}', 2, 8, 'double quotes'],
    ['{"a": 1,}', 1, 9, 'trailing comma'],
    ['{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after the value of \"a\""],
    ["{'a': 1}", 1, 2, 'double quotes'],
    ['{a: 1}', 1, 2, 'needs double quotes'],
    ['{"a": "x\ny"}', 1, 9, 'may not span lines'],
    ['{"a": 1', 1, 8, 'ends too early'],
    ['{"a": 1} x', 1, 10, 'after the end'],
    ['[1, 2,]', 1, 7, 'trailing comma'],
    ['', 1, 1, 'empty'],
  ])('%j: line %i column %i', (text, line, column, message) => {
    const r = parseJsonText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(line);
    expect(r.error.column).toBe(column);
    expect(r.error.message).toContain(message);
  });

  it('agrees with JSON.parse on valid input', () => {
    for (const text of ['{}', '[]', '"x"', '-0.5e+3', '{"a":{"b":[{"c":"\\u00e9\\n"}]}}']) {
      expect(locateJsonError(text)).toBeNull();
    }
  });

  it('does not overflow on hostile nesting', () => {
    const r = parseJsonText('['.repeat(100_000));
    expect(r.ok).toBe(false);
  });
});

describe('payload model', () => {
  it('the default payload only needs exec_act', () => {
    const p = defaultPayload('01', NOW, DEFAULT_SETTINGS, 'spiffe://example.com/agent/a');
    expect(dryRun(p, '01', DEFAULT_SETTINGS, NOW).problems.map((x) => x.claim)).toEqual(['exec_act']);
    expect(dryRun({ ...p, exec_act: 'review_spec' }, '01', DEFAULT_SETTINGS, NOW).problems).toEqual([]);
  });

  it('switching versions renames pred/ect_ext and moves the policy', () => {
    const p01 = {
      iss: 'i',
      pred: ['x'],
      ect_ext: { pol: 'p', pol_decision: 'approved', model: 'm' },
    };
    const p00 = convertVersion(p01, '00');
    expect(p00).toEqual({ iss: 'i', par: ['x'], ext: { model: 'm' }, pol: 'p', pol_decision: 'approved' });
    expect(convertVersion(p00, '01')).toEqual(p01);
    // An ext that only held the policy goes away.
    expect(convertVersion({ pred: [], ect_ext: { pol: 'p', pol_decision: 'rejected' } }, '00')).toEqual({
      par: [],
      pol: 'p',
      pol_decision: 'rejected',
    });
  });

  it('reads and writes the policy where the version puts it', () => {
    const p = writePolicy({ pred: [] }, '01', { pol: 'p', pol_decision: 'approved' });
    expect(p).toEqual({ pred: [], ect_ext: { pol: 'p', pol_decision: 'approved' } });
    expect(readPolicy(p, '01')).toEqual({ pol: 'p', pol_decision: 'approved' });
    expect(writePolicy(p, '01', { pol: undefined, pol_decision: undefined })).toEqual({ pred: [] });
    expect(convertVersion({ pred: [], ect_ext: {} }, '00')).toEqual({ par: [], ext: {} });
    expect(convertVersion({ par: [] }, '01')).toEqual({ pred: [] });
  });

  it('maps the core problems to fields', () => {
    const dry = dryRun(
      { iss: 'i', aud: 'a', exec_act: 'x', inp_hash: 'sha-256:abc', ect_ext: { pol_decision: 'maybe' } },
      '01',
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(Object.keys(dry.byField).sort()).toEqual(['inp_hash', 'pol', 'pol_decision']);
    expect(dry.filled.sort()).toEqual(['exp', 'iat', 'jti', 'pred']);
  });
});

describe('tampering', () => {
  const token = 'aGVhZA.cGF5bG9hZA.c2ln';

  it('finds the part of a position', () => {
    expect(partAt(token, 0)).toEqual({ part: 'header', offset: 0, length: 6 });
    expect(partAt(token, 6)).toEqual({ part: 'separator', offset: 0, length: 1 });
    expect(partAt(token, 7)).toEqual({ part: 'payload', offset: 0, length: 10 });
    expect(partAt(token, 19)).toEqual({ part: 'signature', offset: 1, length: 4 });
    expect(partAt('abc', 1)).toEqual({ part: 'token', offset: 1, length: 3 });
  });

  it('replaces one character', () => {
    const r = replaceChar(token, 19, 'Z');
    expect(r).toMatchObject({ ok: true, token: 'aGVhZA.cGF5bG9hZA.cZln' });
    expect(replaceChar(token, 99, 'Z').ok).toBe(false);
    expect(replaceChar(token, 0, 'a').ok).toBe(false);
  });

  it('edits a claim keeping header and signature', () => {
    const jws = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from('{"exec_act":"a","iat":1}').toString('base64url')}.c2ln`;
    const r = editClaim(jws, 'exec_act', 'b');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [h, , s] = r.token.split('.');
    expect(h).toBe('eyJhbGciOiJFUzI1NiJ9');
    expect(s).toBe('c2ln');
    const d = decodeToken(r.token);
    expect(d.ok && d.decoded.payload).toEqual({ exec_act: 'b', iat: 1 });
    expect(r.change).toContain('"exec_act": "a" → "b"');
  });

  it('highlights what changed', () => {
    expect(diffRange('abcdef', 'abXdef')).toEqual({ start: 2, end: 3 });
    expect(diffRange('abc', 'abc')).toBeNull();
  });
});

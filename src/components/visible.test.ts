import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeChar, jsonText, visibleString } from './visible.ts';

describe('visibleString', () => {
  it('writes invisible and direction-changing characters as escapes', () => {
    expect(visibleString('a\u202eb\u200bc\u200dd\ufeffe\u0000f\u2028g')).toBe(
      'a\\u202eb\\u200bc\\u200dd\\ufeffe\\u0000f\\u2028g',
    );
    expect(visibleString('one\ntwo')).toBe('one\\ntwo');
    expect(visibleString('one\ntwo', true)).toBe('one\ntwo');
    expect(visibleString('plain ASCII, accents é, CJK 漢字, Arabic عربي')).toBe(
      'plain ASCII, accents é, CJK 漢字, Arabic عربي',
    );
  });

  it('names the characters it marks', () => {
    expect(describeChar('\u202e')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(describeChar('\u0007')).toBe('U+0007 CONTROL CHARACTER');
  });
});

describe('jsonText', () => {
  it('is JSON.stringify for every JSON value, compact and indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonText(v)).toEqual({ text: JSON.stringify(v), cut: false });
        expect(jsonText(v, { indent: 2 })).toEqual({ text: JSON.stringify(v, null, 2), cut: false });
      }),
    );
  });

  it('never throws on deep nesting, and stays linear in size', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as unknown;
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const compact = jsonText(deep);
    expect(compact.text).toBe(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const pretty = jsonText(deep, { indent: 2 });
    expect(pretty.text.length).toBeLessThan(100_000 * 2 * 70);
  });

  it('cuts at maxChars and says so', () => {
    expect(jsonText({ s: 'x'.repeat(1_000_000) }, { maxChars: 50 })).toEqual({
      text: `{"s":"${'x'.repeat(44)}`,
      cut: true,
    });
    const pred = Array.from({ length: 100_000 }, (_, i) => String(i));
    expect(jsonText(pred, { maxChars: 1000 }).text).toHaveLength(1000);
  });

  it('shows numbers JSON cannot hold as what the parser read, not null', () => {
    expect(jsonText(JSON.parse('{"iat":1e309,"n":-1e309}'))).toEqual({
      text: '{"iat":Infinity,"n":-Infinity}',
      cut: false,
    });
  });
});

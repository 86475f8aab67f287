import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitInput } from 'wimse-ect';
import { firstChar, splitLinesInBlocks, wholeWhereNeeded } from './textParts.ts';

/** `text` cut at the given places (sorted, within its length): the slices a file may be read in. */
function cutAt(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const c of at) {
    parts.push(text.slice(from, c));
    from = c;
  }
  parts.push(text.slice(from));
  return parts;
}

describe('splitLinesInBlocks', () => {
  // Lines of token-like words, commas, header prefixes, blank lines, CRLF: cut anywhere, in
  // blocks of any size, the tokens are those of splitInput over the whole text.
  const line = fc.oneof(
    fc.constantFrom('', '  ', 'Execution-Context: a.b.c', 'x.y.z, p.q.r', 'eyJ.eyJ.sig\r', ' tok '),
    fc.stringMatching(/^[A-Za-z0-9_.,\- ]{0,12}$/),
  );
  it('gives splitInput’s tokens however the text is sliced and blocked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        async (lines, cuts, block) => {
          const text = lines.join('\n');
          fc.pre(!/^\s*[[{]/.test(text)); // the line form
          const want = splitInput(text).tokens;
          expect(await splitLinesInBlocks(cutAt(text, cuts), block)).toEqual(want);
          expect(await splitLinesInBlocks(text, block)).toEqual(want);
        },
      ),
    );
  });

  it('keeps a line cut inside a CRLF, or longer than a slice, whole', async () => {
    expect(await splitLinesInBlocks(['aa.b\r', '\nc', 'c.d', 'd\n'], 1)).toEqual(['aa.b', 'cc.dd']);
    expect(await splitLinesInBlocks(['x', 'y', 'z', ''], 1)).toEqual(['xyz']);
  });
});

describe('firstChar and wholeWhereNeeded', () => {
  it('finds the first character past white space and a BOM, across slices', () => {
    expect(firstChar(['', ' \n', '\uFEFF  [1]'])).toBe('[');
    expect(firstChar('  \t')).toBe('');
  });

  it('joins the slices of a JSON text, and only those', () => {
    expect(wholeWhereNeeded([' {"a"', ':1}'])).toBe(' {"a":1}');
    expect(wholeWhereNeeded(['\n[', '"t"]'])).toBe('\n["t"]');
    const lines = ['a.b.c\n', 'd.e.f'];
    expect(wholeWhereNeeded(lines)).toBe(lines);
    expect(wholeWhereNeeded(['only'])).toBe('only');
  });
});

import { describe, expect, it } from 'vitest';
import { readTextParts } from './readText.ts';

const readText = async (blob: Blob, slice?: number) => (await readTextParts(blob, slice)).join('');

describe('readTextParts', () => {
  it('reads a file in slices as Blob.text() reads it whole, characters split between slices included', async () => {
    // "é" is 2 bytes, "€" 3 and "𝄞" 4: slices of 5 bytes split some of each.
    const text = '\uFEFFeyJhbGciOi.é€𝄞\nsecond line é€𝄞 and the end';
    const blob = new Blob([text]);
    for (const slice of [1, 2, 3, 5, 7]) expect(await readText(blob, slice)).toBe(await blob.text());
    expect(await readText(blob, 5)).toBe(text.slice(1)); // the BOM dropped, as Blob.text() drops it
  });

  it('replaces bytes that are not UTF-8 as Blob.text() does', async () => {
    const blob = new Blob([new Uint8Array([0x61, 0xff, 0xc3, 0x62, 0xe2, 0x82])]);
    expect(await readText(blob, 2)).toBe(await blob.text());
    expect(await readText(blob, 2)).toBe('a\uFFFD\uFFFDb\uFFFD');
  });

  it('reads a small file in one piece, a larger one in slices of the size asked', async () => {
    expect(await readTextParts(new Blob(['one\ntwo']))).toEqual(['one\ntwo']);
    expect(await readTextParts(new Blob([]), 4)).toEqual(['']);
    expect(await readTextParts(new Blob(['one\ntwo\nthree']), 4)).toEqual(['one\n', 'two\n', 'thre', 'e']);
    // A character split at the end of a slice goes with the next one; no slice is empty.
    expect(await readTextParts(new Blob(['ab€']), 3)).toEqual(['ab', '€']);
  });
});

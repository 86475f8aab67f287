import { describe, expect, it } from 'vitest';
import { readText } from './readText.ts';

describe('readText', () => {
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

  it('reads a small file in one piece', async () => {
    expect(await readText(new Blob(['one\ntwo']))).toBe('one\ntwo');
    expect(await readText(new Blob([]), 4)).toBe('');
  });
});

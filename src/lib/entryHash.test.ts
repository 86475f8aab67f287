import { describe, expect, it } from 'vitest';
import { computeEntryHash, GENESIS_HASH } from 'wimse-ect';
import { entryHashSync } from './entryHash.ts';

describe('entryHashSync', () => {
  it("gives the core's entry hash (WebCrypto) for ASCII, non-ASCII and long tokens", async () => {
    const prev = 'ab'.repeat(32);
    const tokens = ['eyJhbGciOiJFUzI1NiJ9.e30.sig', 'é→ 𝄞 tâche', 'x'.repeat(10_000), ''];
    for (const token of tokens) {
      for (const p of [GENESIS_HASH, prev]) {
        expect(entryHashSync(p, token)).toBe(await computeEntryHash(p, token));
      }
    }
  });

  it("gives the core's hash when the previous hash ends where the token's first character completes it", async () => {
    // A damaged ledger's prevHash may end in half a surrogate pair: hashed as prevHash + token.
    for (const [p, token] of [
      ['a'.repeat(63) + '\uD834', '\uDD1Erest'],
      ['\uD834', 'x'],
      ['é'.repeat(64), 'tâche'],
      ['', 'token'],
    ] as const)
      expect(entryHashSync(p, token)).toBe(await computeEntryHash(p, token));
  });

  it('differs when one character of the token or the previous hash changes', () => {
    const a = entryHashSync(GENESIS_HASH, 'token-a');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHashSync(GENESIS_HASH, 'token-b')).not.toBe(a);
    expect(entryHashSync('1' + GENESIS_HASH.slice(1), 'token-a')).not.toBe(a);
  });
});

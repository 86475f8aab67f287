import { describe, it, expect } from 'vitest';
import { resolveSettings } from '../settings.ts';
import { runDemo } from './demo.ts';

/** The demo's output, line by line. */
async function demo(colour: boolean, settings = resolveSettings({})) {
  let text = '';
  const outcome = await runDemo({ write: (t) => (text += t), colour, settings });
  return { outcome, text, lines: text.trimEnd().split('\n') };
}

describe('ect demo (runDemo)', () => {
  it('tells the two-agent flow, then each fault caught with its code', async () => {
    const { outcome, text, lines } = await demo(false);
    expect(outcome).toEqual({
      ok: true,
      faults: [
        { name: 'replayed token', expected: 'replay', got: 'replay' },
        { name: 'tampered payload', expected: 'invalid_signature', got: 'invalid_signature' },
        { name: 'missing parent', expected: 'parent_not_found', got: 'parent_not_found' },
      ],
      ledgerSize: 2,
      chainIntact: true,
    });
    const numbered = lines.filter((l) => /^\d\. /.test(l)).map((l) => l.slice(0, 2));
    expect(numbered).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.']);
    expect(lines.find((l) => l.startsWith('2. '))).toMatch(
      /agent B verifies it .*✓ accepted, ledger entry 1/,
    );
    expect(lines.find((l) => l.startsWith('4. '))).toMatch(
      /agent A verifies it, DAG rules .*✓ accepted, ledger entry 2/,
    );
    expect(text).toMatch(/5\. replayed token: .*\n {3}✗ refused: replay \(step 14, Not a replay\)/);
    expect(text).toMatch(/6\. tampered payload: .*\n {3}✗ refused: invalid_signature \(step 7, Signature\)/);
    expect(text).toMatch(/7\. missing parent: .*\n {3}✗ refused: parent_not_found \(step 15,/);
    expect(lines.at(-1)).toBe('✓ 3 of 3 faults caught with their codes; ledger: 2 entries, chain intact');
    expect(text).not.toContain('\u001b[');
  });

  it('colours only when asked (on a terminal)', async () => {
    const { text } = await demo(true);
    expect(text).toContain('\u001b[32m✓ accepted\u001b[0m');
    expect(text).toContain('\u001b[31m✗ refused: replay\u001b[0m');
  });

  it('says so when a fault gets through (replay checking turned off)', async () => {
    const { outcome, lines } = await demo(false, resolveSettings({ replayCache: false }));
    expect(outcome.ok).toBe(false);
    // With replay checking off, the replayed root is still refused, but as a duplicate in the ledger.
    expect(outcome.faults[0]).toEqual({ name: 'replayed token', expected: 'replay', got: 'duplicate_jti' });
    expect(lines.at(-1)).toBe('✗ 2 of 3 faults caught with their codes; ledger: 2 entries, chain intact');
  });
});

import type { SplitResult } from 'wimse-ect';

const HEADER_LINE = /^\s*execution-context\s*:/im;

/** How the pasted text was read, in words ("one token per line", "a JSON array", …). */
export function describeForm(text: string, split: SplitResult): string {
  const n = split.tokens.length;
  switch (split.form) {
    case 'empty':
      return 'nothing pasted';
    case 'json-array':
      return 'a JSON array';
    case 'bundle':
      return 'a ledger bundle';
    case 'lines': {
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
      const header = HEADER_LINE.test(text);
      if (n === 1) return header ? 'an Execution-Context header line' : 'a single token';
      if (header) return lines > 1 ? 'Execution-Context header lines' : 'an Execution-Context header value';
      if (n > lines) return lines > 1 ? 'lines of comma-separated tokens' : 'a comma-separated list';
      return 'one token per line';
    }
  }
}

/**
 * "2 tokens (read as one token per line)", plus how many failed to decode
 * among the first `checked` (the ones shown).
 */
export function countLine(
  text: string,
  split: SplitResult,
  failures: number,
  checked = split.tokens.length,
): string {
  const n = split.tokens.length;
  if (n === 0) return 'No tokens yet: paste one or more ECTs above, or load the example.';
  const base = `${n.toLocaleString('en')} token${n === 1 ? '' : 's'} (read as ${describeForm(text, split)})`;
  const of = checked < n ? ` of the first ${checked.toLocaleString('en')}` : '';
  if (failures === 0) return base;
  if (failures === checked && !of)
    return `${base}; ${n === 1 ? 'it could not be decoded' : 'none could be decoded'}`;
  return `${base}; ${failures}${of} could not be decoded`;
}

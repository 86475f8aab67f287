import type { SplitResult } from '../../ect/input.ts';

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

/** "2 tokens (read as one token per line)", plus how many failed to decode. */
export function countLine(text: string, split: SplitResult, failures: number): string {
  const n = split.tokens.length;
  if (n === 0) return 'No tokens yet: paste one or more ECTs above, or load the example.';
  const base = `${n} token${n === 1 ? '' : 's'} (read as ${describeForm(text, split)})`;
  if (failures === 0) return base;
  if (failures === n) return `${base}; ${n === 1 ? 'it could not be decoded' : 'none could be decoded'}`;
  return `${base}; ${failures} could not be decoded`;
}

/** Claims holding NumericDate values (seconds since the epoch), in display order. */
export const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

/** A NumericDate as an ISO 8601 date without milliseconds, or why it cannot be one. */
export function numericDateToIso(value: unknown): { ok: true; iso: string } | { ok: false; why: string } {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, why: `not a number (${JSON.stringify(value) ?? String(value)})` };
  }
  const ms = value * 1000;
  if (Math.abs(ms) > 8.64e15) return { ok: false, why: 'outside the range of dates' };
  const iso = new Date(ms).toISOString().replace('.000Z', 'Z');
  return Number.isInteger(value) ? { ok: true, iso } : { ok: true, iso: `${iso} (not an integer)` };
}

/** Pretty-printed JSON for <pre> blocks. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

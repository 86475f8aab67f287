/**
 * A large text kept as the slices it was read in ({@link readTextParts}), and what the ledger's
 * import does with it without joining it into one string: joining 180 MB was a 349 ms task, the
 * longest of the app's 250,000-token import (issue 17, session 9's profile).
 */
import { splitLines } from 'wimse-ect';
import { yieldToPage } from './yieldToPage.ts';

/** One string, or the slices of one, in order. */
export type TextInput = string | readonly string[];

/** The text's first character that is not white space or a BOM ('' when there is none). */
export function firstChar(text: TextInput): string {
  for (const part of typeof text === 'string' ? [text] : text) {
    const m = /[^\s\uFEFF]/.exec(part);
    if (m) return m[0];
  }
  return '';
}

/**
 * The text as one string where its reader needs it whole (JSON: a bundle, an array of tokens,
 * keys), else as it is. A text of one slice is that slice.
 */
export function wholeWhereNeeded(text: TextInput): TextInput {
  if (typeof text === 'string') return text;
  if (text.length === 1) return text[0]!;
  return isJsonStart(text) ? text.join('') : text;
}

/** Whether the text starts as JSON does (an array or an object), white space and a BOM aside. */
export function isJsonStart(text: TextInput): boolean {
  const c = firstChar(text);
  return c === '[' || c === '{';
}

/** Characters split into tokens between two turns of the page (about 1,700 tokens). */
export const SPLIT_BLOCK = 1 << 20;

/**
 * splitLines over `text` (lines of tokens, possibly in slices cut anywhere, even inside a line or
 * a "\r\n"), `block` characters of whole lines at a time, the page given a turn between blocks:
 * 250,000 tokens (150 MB) split at once were the import's first task, 327 ms with the first
 * decoding (issue 17, traced). The tokens are those of splitLines over the joined text.
 *
 * Each slice is split where it lies; only a line cut between two slices is joined. Joining each
 * slice to the one before's tail and splitting that would copy the whole text once more (a
 * slice of a joined string is first made flat), and those copies, 180 MB for 250,000 tokens, are
 * what the tokens (substrings) then keep alive.
 */
export async function splitLinesInBlocks(text: TextInput, block = SPLIT_BLOCK): Promise<string[]> {
  const parts = typeof text === 'string' ? [text] : text;
  const tokens: string[] = [];
  let carry = ''; // the start of a line the slices before left unfinished
  let first = true;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const last = p === parts.length - 1;
    let from = 0;
    if (carry) {
      const nl = part.indexOf('\n');
      if (nl < 0 && !last) {
        carry += part; // a line longer than a slice
        continue;
      }
      from = nl < 0 ? part.length : nl + 1;
      splitLines(carry + part.slice(0, from), tokens);
      carry = '';
      first = false;
    }
    // Whole lines only, but for the last slice: its tail is the text's last line.
    const usable = last ? part.length : Math.max(from, part.lastIndexOf('\n') + 1);
    for (let start = from; start < usable;) {
      const cut = part.indexOf('\n', start + block);
      const end = cut < 0 || cut >= usable ? usable : cut + 1;
      if (!first) await yieldToPage();
      first = false;
      splitLines(part.slice(start, end), tokens);
      start = end;
    }
    carry = part.slice(usable);
  }
  return tokens;
}

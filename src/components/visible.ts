/**
 * Untrusted text made safe to look at: characters that are invisible or that
 * reorder the text around them (controls, Unicode format characters such as
 * U+202E RIGHT-TO-LEFT OVERRIDE or U+200B ZERO WIDTH SPACE, line and paragraph
 * separators) are shown as `\uXXXX` escapes, so a hostile claim cannot look
 * like another value or disguise the words next to it. And JSON made safe to
 * format: bounded in size, iterative (no stack overflow on deep nesting), and
 * truthful about numbers JSON.stringify would turn into `null`.
 */

/**
 * Every invisible or direction-changing character: controls, format characters (Cf: bidi
 * overrides and isolates, zero-width characters, BOM), line and paragraph separators; except
 * the newline, which is layout in pretty-printed text.
 */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point here
export const INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/u;
// oxlint-disable-next-line no-control-regex -- as above
export const INVISIBLE_ALL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;
/** The same, newlines included (single-line contexts). */
// oxlint-disable-next-line no-control-regex -- as above
export const INVISIBLE_OR_NEWLINE_ALL = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

const NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BOM)',
};

/** `\u202e` for U+202E (astral format characters as `\u{e0001}`). */
export function escapeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** "U+202E RIGHT-TO-LEFT OVERRIDE" (or just the code point when it has no name here). */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  const name = NAMES[cp] ?? (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? 'CONTROL CHARACTER' : undefined);
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}${name ? ` ${name}` : ''}`;
}

/**
 * The text with every invisible or direction-changing character (newlines too, unless
 * `keepNewlines`) written as an escape: for attributes, option labels, downloads.
 */
export function visibleString(text: string, keepNewlines = false): string {
  const s = text.replace(INVISIBLE_ALL, escapeChar);
  return keepNewlines ? s : s.replace(/\n/g, '\\n');
}

// ---------------------------------------------------------------- JSON for display

export interface JsonTextOptions {
  /** Spaces per level (0: compact, as JSON.stringify without indentation). */
  indent?: number;
  /** Cut the text after about this many characters. */
  maxChars?: number;
}

/** Indentation stops growing past this depth, so deep nesting stays linear in size. */
const MAX_INDENT_LEVELS = 32;

/**
 * JSON text of a parsed JSON value, for display only. Unlike JSON.stringify it never throws
 * (nesting of any depth), stays within `maxChars` (the result says when it was cut), and
 * writes a number JSON cannot hold (1e309 parses to Infinity) as `Infinity` rather than `null`.
 */
export function jsonText(value: unknown, opts: JsonTextOptions = {}): { text: string; cut: boolean } {
  const indent = opts.indent ?? 0;
  const max = opts.maxChars ?? Infinity;
  const out: string[] = [];
  const state = { size: 0, cut: false };
  const emit = (s: string) => {
    if (state.cut) return;
    if (state.size + s.length > max) {
      out.push(s.slice(0, Math.max(0, max - state.size)));
      state.size = max;
      state.cut = true;
      return;
    }
    out.push(s);
    state.size += s.length;
  };
  const pad = (depth: number) =>
    indent ? `\n${' '.repeat(indent * Math.min(depth, MAX_INDENT_LEVELS))}` : '';
  const sep = indent ? ': ' : ':';

  const scalar = (v: unknown): string | null => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        // Long strings are cut before quoting, so a huge claim is never copied whole.
        return JSON.stringify(max !== Infinity && v.length > max ? v.slice(0, max) : v);
      case 'number':
        return String(v); // Infinity and -Infinity (from 1e309 and the like) as they are, not null
      case 'boolean':
        return String(v);
      case 'bigint':
        return String(v);
      case 'undefined':
        return 'undefined';
      default:
        return null;
    }
  };

  interface Frame {
    entries: [string | null, unknown][];
    i: number;
    close: string;
  }
  const open = (v: unknown, depth: number): Frame | null => {
    const s = scalar(v);
    if (s !== null) {
      emit(s);
      return null;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) {
        emit('[]');
        return null;
      }
      emit('[');
      return { entries: v.map((x) => [null, x] as [null, unknown]), i: 0, close: `${pad(depth)}]` };
    }
    const entries = Object.entries(v as object);
    if (entries.length === 0) {
      emit('{}');
      return null;
    }
    emit('{');
    return { entries, i: 0, close: `${pad(depth)}}` };
  };

  const stack: Frame[] = [];
  const first = open(value, 0);
  if (first) stack.push(first);
  while (stack.length && !state.cut) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.entries.length) {
      emit(top.close);
      stack.pop();
      continue;
    }
    const [key, v] = top.entries[top.i]!;
    if (top.i > 0) emit(',');
    top.i++;
    emit(pad(stack.length));
    if (key !== null) emit(`${JSON.stringify(key)}${sep}`);
    const frame = open(v, stack.length);
    if (frame) stack.push(frame);
  }
  return { text: out.join(''), cut: state.cut };
}

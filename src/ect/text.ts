/**
 * Safe text for messages about untrusted values: never throws (deeply nested
 * values overflow JSON.stringify), never long, and shows invisible or
 * direction-changing characters (U+202E and friends) as escapes so a hostile
 * value cannot disguise a message.
 */

const MAX_QUOTE = 80;
// Controls, and Unicode format characters (Cf): bidi overrides, zero-width joiners, BOM.
// oxlint-disable-next-line no-control-regex -- matching control characters is the point here
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\p{Cf}]/gu;

function escapeInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** A value quoted for a message: JSON where possible, cut to `max` characters. */
export function quote(value: unknown, max = MAX_QUOTE): string {
  let s: string;
  if (typeof value === 'number') s = Number.isFinite(value) ? String(value) : String(value);
  else if (typeof value === 'bigint') s = `${value}`;
  else if (value === undefined) s = 'undefined';
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = Array.isArray(value) ? '[…too deeply nested to show…]' : '{…too deeply nested to show…}';
    }
  }
  s = escapeInvisible(s);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One printable line: for stderr messages that quote untrusted text. */
export function oneLine(text: string, max = 500): string {
  const s = escapeInvisible(text.replace(/\s*[\r\n]+\s*/g, ' '));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * The first key that appears twice in one object of a JSON text, or null.
 * Only for text JSON.parse accepted. Iterative, so nesting cannot overflow.
 * Two parsers may keep different copies of a duplicated claim, so the
 * decoder refuses them rather than pick one (RFC 7515 section 5.2 allows it).
 */
export function findDuplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = []; // a Set of keys per open object, null per open array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 0x22) break;
        j++;
      }
      if (expectKey) {
        const raw = text.slice(i, j + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return null;
}

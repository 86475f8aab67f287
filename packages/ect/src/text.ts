/**
 * Safe text for messages about untrusted values: never throws (deeply nested
 * values overflow JSON.stringify), never long, and shows invisible or
 * direction-changing characters (U+202E and friends) as escapes so a hostile
 * value cannot disguise a message.
 */

const MAX_QUOTE = 80;
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
// Controls, and Unicode format characters (Cf): bidi overrides, zero-width joiners, BOM.
// oxlint-disable-next-line no-control-regex -- matching control characters is the point here
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\p{Cf}]/gu;

function escapeInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** A value quoted for a message: JSON where possible, cut to `max` characters. */
export function quote(value: unknown, max = MAX_QUOTE): string {
  // Printable ASCII without quotes or backslashes: JSON adds the quotes and nothing else.
  if (typeof value === 'string' && value.length + 2 <= max && PLAIN.test(value)) return `"${value}"`;
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
export function findDuplicateKey(text: string, parsed: unknown = JSON.parse(text)): string | null {
  // Most texts have none: counting the keys (no allocation) and comparing with what JSON.parse
  // kept (`parsed`, when the caller has it) tells, and only a text that lost keys is searched.
  const kept = parsedKeys(parsed);
  if (keyEnds(text) === kept || countKeys(text) === kept) return null;
  return findDuplicate(text);
}

/** A quote followed by a colon (JSON's whitespace between): the end of every key, and of nothing else but a `\":` in a string. */
const KEY_END = /"[ \t\n\r]*:/g;

/**
 * How many times KEY_END matches: at least the number of keys written (every key ends so; an
 * escaped quote before a colon inside a string adds one). Equal to the keys JSON.parse kept means
 * no key was written twice; otherwise countKeys counts exactly. The native regex counts a 300-byte
 * payload in 0.65 µs against countKeys' 1.47 (Chromium 150; issue 17, the set API).
 */
function keyEnds(text: string): number {
  KEY_END.lastIndex = 0;
  let n = 0;
  while (KEY_END.exec(text)) n++;
  return n;
}

/** Keys written in a JSON text: the same scan as findDuplicate, counting instead of collecting. */
function countKeys(text: string): number {
  const objects: boolean[] = []; // per open container: is it an object
  let expectKey = false;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          j += 2;
          continue;
        }
        if (d === 0x22) break;
        j++;
      }
      if (expectKey) {
        count++;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      objects.push(true);
      expectKey = true;
    } else if (c === 0x5b) {
      objects.push(false);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      objects.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = objects[objects.length - 1] === true;
    }
  }
  return count;
}

/** Own keys of every object in a parsed JSON value. Iterative, so nesting cannot overflow. */
function parsedKeys(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object') stack.push(x);
      continue;
    }
    const keys = Object.keys(v);
    count += keys.length;
    for (const k of keys) {
      const x = (v as Record<string, unknown>)[k];
      if (x && typeof x === 'object') stack.push(x);
    }
  }
  return count;
}

function findDuplicate(text: string): string | null {
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

/**
 * JSON.stringify for data parsed from JSON, at any depth: V8's JSON.parse takes 100,000 levels
 * of nesting, its JSON.stringify overflows the stack on them (at about 7,000 here). Same output
 * as JSON.stringify (no indentation): the native one is tried first, the iterative walk only
 * runs when it overflows. Values JSON has no text for (undefined, functions) are left out of
 * objects and written null in arrays, as JSON.stringify does; `toJSON` is not called below the
 * top level (parsed JSON has none).
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  const out: string[] = [];
  const leaf = (v: unknown): string | undefined =>
    v === null || typeof v !== 'object' ? JSON.stringify(v) : undefined;
  // Each open container: its entries, and how many are written.
  type Frame = { array: boolean; entries: [string | null, unknown][]; i: number };
  const open = (v: object): Frame => {
    const array = Array.isArray(v);
    out.push(array ? '[' : '{');
    const entries: [string | null, unknown][] = array
      ? (v as unknown[]).map((x) => [null, x])
      : Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
    return { array, entries, i: 0 };
  };
  const top = leaf(value);
  if (top !== undefined || value === undefined) return top ?? 'null';
  const stack: Frame[] = [open(value as object)];
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.i === f.entries.length) {
      out.push(f.array ? ']' : '}');
      stack.pop();
      continue;
    }
    const [key, v] = f.entries[f.i++]!;
    const text = v !== null && typeof v === 'object' ? null : leaf(v);
    if (text === undefined && !f.array) continue; // left out of an object, as JSON.stringify does
    // A left-out first member must not leave a comma behind: commas go before every written one.
    const last = out[out.length - 1];
    if (last !== '{' && last !== '[') out.push(',');
    if (key !== null) out.push(JSON.stringify(key), ':');
    if (text === null) stack.push(open(v as object));
    else out.push(text ?? 'null');
  }
  return out.join('');
}

/**
 * Parsing what the user types as JSON, with a precise message when it is not
 * JSON: the line, the column and what was expected there. The engine's own
 * messages often give no position ("Unexpected token 'x'"), so a small
 * scanner finds the spot once JSON.parse has refused the text.
 */

export interface JsonTextError {
  /** What is wrong, e.g. `expected ',' or '}' after the value of "iss"`. */
  message: string;
  /** 0-based offset in the text. */
  position: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** The text of that line, to show with a caret. */
  lineText: string;
}

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; error: JsonTextError };

export function parseJsonText(text: string): JsonTextResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const found = locateJsonError(text) ?? {
      position: text.length,
      message: e instanceof Error ? e.message : String(e),
    };
    return { ok: false, error: at(text, found.position, found.message) };
  }
}

/** Line, column and line text of `position`. */
export function at(text: string, position: number, message: string): JsonTextError {
  const before = text.slice(0, position);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', position);
  return {
    message,
    position,
    line: before.split('\n').length,
    column: position - lineStart + 1,
    lineText: text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, ''),
  };
}

class Stop {
  constructor(
    readonly position: number,
    readonly message: string,
  ) {}
}

const MAX_DEPTH = 512;

/** Where JSON syntax first goes wrong in `text`, or null when it is valid JSON. */
export function locateJsonError(text: string): { position: number; message: string } | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const describeHere = () => {
    if (i >= text.length) return 'the end of the text';
    const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i))?.[0];
    return word ? `"${word}"` : JSON.stringify(text[i]);
  };
  const fail = (expected: string): never => {
    if (i >= text.length) throw new Stop(i, `the text ends too early: expected ${expected}`);
    throw new Stop(i, `expected ${expected}, found ${describeHere()}`);
  };

  const string = () => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return text.slice(start + 1, i - 1);
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else throw new Stop(i, `invalid escape "\\${n ?? ''}" in a string`);
      } else if (c.charCodeAt(0) < 0x20) {
        throw new Stop(
          i,
          c === '\n'
            ? "a string may not span lines: close it with '\"' or write \\n for a line break"
            : 'a string may not contain a control character; escape it (e.g. \\t)',
        );
      } else i++;
    }
    throw new Stop(start, "this string is never closed with '\"'");
  };

  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('a number');
    i += m![0].length;
    if (i < text.length && /[0-9.eE+-]/.test(text[i]!)) throw new Stop(i, 'this number is not valid JSON');
  };

  const value = (depth: number, where: string): void => {
    if (depth > MAX_DEPTH) throw new Stop(i, `nested more than ${MAX_DEPTH} levels deep`);
    ws();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') {
      string();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    if (c === "'") throw new Stop(i, 'JSON strings take double quotes ("), not single quotes');
    if (c !== undefined && /[A-Za-z_]/.test(c)) {
      throw new Stop(
        i,
        `${describeHere()} is not a JSON value ${where}: put text in double quotes, e.g. "review_spec"`,
      );
    }
    fail(`a value ${where}`);
  };

  const object = (depth: number) => {
    i++; // {
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        if (text[i] === '}') throw new Stop(i, "a trailing comma before '}' is not allowed in JSON");
        if (text[i] === "'") throw new Stop(i, 'property names take double quotes ("), not single quotes');
        if (text[i] !== undefined && /[A-Za-z_$]/.test(text[i]!)) {
          throw new Stop(i, `the property name ${describeHere()} needs double quotes`);
        }
        fail('a property name in double quotes');
      }
      const key = string();
      ws();
      if (text[i] !== ':') fail(`':' after the property name "${key}"`);
      i++;
      value(depth + 1, `for "${key}"`);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`',' or '}' after the value of "${key}"`);
    }
  };

  const array = (depth: number) => {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let n = 0; ; n++) {
      ws();
      if (text[i] === ']' && n > 0) throw new Stop(i, "a trailing comma before ']' is not allowed in JSON");
      value(depth + 1, 'in the list');
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail("',' or ']' after a list item");
    }
  };

  try {
    ws();
    if (i >= text.length)
      return { position: 0, message: 'the text is empty: expected a JSON object, e.g. {}' };
    value(0, 'at the start');
    ws();
    if (i < text.length) {
      return { position: i, message: `unexpected ${describeHere()} after the end of the JSON value` };
    }
    return null;
  } catch (e) {
    if (e instanceof Stop) return { position: e.position, message: e.message };
    throw e;
  }
}

/** "an array", "a string", "null"... for messages about a value of the wrong kind. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * Where a JSON text goes wrong, as line and column: browsers word their
 * JSON.parse errors differently and not all of them give a position, so the
 * text is scanned here (a strict JSON grammar, first error only).
 */
export interface JsonErrorSpot {
  line: number;
  column: number;
  message: string;
}

export function findJsonError(text: string): JsonErrorSpot | null {
  let i = 0;
  const stop = (message: string): never => {
    throw Object.assign(new Error(message), { at: i });
  };
  const found = () => (i >= text.length ? 'the text ends' : `found ${JSON.stringify(text[i])}`);
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) stop('the text ends inside a string (a closing " is missing)');
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else stop('a bad escape sequence in a string');
      } else if (c < ' ') stop('a line break or control character inside a string');
      else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') stop(`${found()} where a property name in double quotes was expected`);
        string();
        ws();
        if (text[i] !== ':') stop(`${found()} where ":" was expected`);
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else stop(`${found()} where "," or "}" was expected`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else stop(`${found()} where "," or "]" was expected`);
      }
    }
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) stop(`${found()} where a value was expected`);
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) stop(`${found()} after the end of the JSON value`);
    return null;
  } catch (e) {
    const at = (e as { at?: number }).at ?? i;
    const before = text.slice(0, at);
    return {
      line: before.split('\n').length,
      column: at - before.lastIndexOf('\n'),
      message: (e as Error).message,
    };
  }
}

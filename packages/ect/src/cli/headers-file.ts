/**
 * The static host file `_headers` (the format of Netlify and Cloudflare Pages: a path pattern on its
 * own line, then indented `Name: value` lines): read by `ect serve` (serve-static.ts), and by the
 * project's `vite preview` and its tests (scripts/headers.ts), so that all of them send the same
 * headers. No file access here: the callers read the file.
 */

/** The headers of one path pattern of a `_headers` file. */
export type HeaderRules = { path: string; headers: Record<string, string> }[];

/** Reads a `_headers` file; a line that fits neither form is an error naming it. */
export function parseHeadersFile(text: string): HeaderRules {
  const rules: HeaderRules = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ path: line.trim(), headers: {} });
      continue;
    }
    const rule = rules.at(-1);
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim();
    // A header name is an HTTP token (RFC 9110 section 5.1); Node refuses any other when it sends.
    if (!rule || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new Error(`line ${i + 1} is neither a path nor an indented "Name: value" under one`);
    rule.headers[name] = line.slice(colon + 1).trim();
  }
  return rules;
}

/** The headers a path gets: every rule whose pattern matches it, in order (`*` matches anything). */
export function headersFor(rules: HeaderRules, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) {
    const re = new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (re.test(path)) Object.assign(out, r.headers);
  }
  return out;
}

/**
 * The security headers of public/_headers (one source), read for `vite preview` and checked
 * against index.html's meta CSP by the tests. `_headers` is the format of Netlify and Cloudflare
 * Pages: a path pattern on its own line, then indented `Name: value` lines.
 */
import { readFileSync } from 'node:fs';

export type HeaderRules = { path: string; headers: Record<string, string> }[];

export function parseHeadersFile(text: string): HeaderRules {
  const rules: HeaderRules = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ path: line.trim(), headers: {} });
      continue;
    }
    const rule = rules.at(-1);
    const colon = line.indexOf(':');
    if (!rule || colon === -1) throw new Error(`_headers: a header line outside a path block: ${line}`);
    rule.headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return rules;
}

export function readHeadersFile(url: URL): HeaderRules {
  return parseHeadersFile(readFileSync(url, 'utf8'));
}

/** The headers a path gets: every rule whose pattern matches it, in order (`/*` matches all). */
export function headersFor(rules: HeaderRules, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) {
    const re = new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (re.test(path)) Object.assign(out, r.headers);
  }
  return out;
}

/**
 * The security headers of public/_headers (one source), read for `vite preview` and checked
 * against index.html's meta CSP by the tests. The parser is the one `ect serve` uses.
 */
import { readFileSync } from 'node:fs';
import { parseHeadersFile, type HeaderRules } from '../packages/ect/src/cli/headers-file.ts';

export { headersFor, parseHeadersFile, type HeaderRules } from '../packages/ect/src/cli/headers-file.ts';

export function readHeadersFile(url: URL): HeaderRules {
  return parseHeadersFile(readFileSync(url, 'utf8'));
}

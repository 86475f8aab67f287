/**
 * The security headers of public/_headers (one source), read for `vite preview` and checked
 * against index.html's meta CSP by the tests. The parser is the one `ect serve` uses.
 */
import { readFileSync } from 'node:fs';
// The project's tooling shares the CLI's parser from the package's sources: it is `ect serve`'s,
// not part of the library's API, so no entry point exports it.
// oxlint-disable-next-line no-restricted-imports
import { parseHeadersFile, type HeaderRules } from '../packages/ect/src/cli/headers-file.ts';

// oxlint-disable-next-line no-restricted-imports
export { headersFor, parseHeadersFile, type HeaderRules } from '../packages/ect/src/cli/headers-file.ts';

export function readHeadersFile(url: URL): HeaderRules {
  return parseHeadersFile(readFileSync(url, 'utf8'));
}

/**
 * The connection strings of the shared stores (only their entry points import this: its types name
 * the global URL, which a user of the main entry without DOM or Node types does not have).
 */
import { redactUrl, SharedStoreError } from '../store-error.ts';

/**
 * A store's connection string, parsed: a string that is not a URL, or one of another scheme, is a
 * `config` SharedStoreError saying what was expected (`example`), never with the password.
 */
export function parseStoreUrl(
  url: string,
  store: string,
  product: string,
  schemes: readonly string[],
  example: string,
): { parsed: URL; where: string } {
  const where = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SharedStoreError('config', store, `${JSON.stringify(where)} is not a URL; expected ${example}`);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new SharedStoreError(
      'config',
      store,
      `${JSON.stringify(where)} is not a ${product} URL (scheme ${parsed.protocol.replace(/:$/, '') || 'none'}); expected ${example}`,
    );
  }
  return { parsed, where };
}

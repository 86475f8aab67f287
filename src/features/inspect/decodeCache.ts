import { decodeToken, type DecodeResult } from 'wimse-ect';

/**
 * Decodes with a small cache keyed by the token string, so that typing in the
 * textarea re-decodes only the token being edited and memoized cards keep the
 * same result object (and do not re-render).
 */
const MAX_ENTRIES = 2500;
const cache = new Map<string, DecodeResult>();

export function decodeCached(token: string): DecodeResult {
  const hit = cache.get(token);
  if (hit) return hit;
  const result = decodeToken(token);
  if (cache.size >= MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(token, result);
  return result;
}

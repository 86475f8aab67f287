/** Small formatting helpers of the Ledger page (pure, unit-tested). */

const nf = new Intl.NumberFormat('en-US');

/** 10000 → "10,000". */
export const formatCount = (n: number): string => nf.format(n);

/** "1 entry", "10,000 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The first characters of an id or hash, for a narrow column ("d0c1a2b3…"). */
export function short(value: string | undefined | null, length = 8): string {
  if (!value) return '';
  return value.length > length + 1 ? `${value.slice(0, length)}…` : value;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds as "2026-01-01 00:10:00Z" (UTC), or "" when not a usable number. */
export function formatIat(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || Math.abs(seconds) > 8.64e12) return '';
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}Z`;
}

/** Unix milliseconds as local "05-12 10:22:03", short for the table (the year is in the detail panel). */
export function formatLocalShort(ms: number): string {
  return formatLocal(ms).slice(5);
}

/** Unix milliseconds as local "2026-05-12 10:22:03" (the append time is the user's own action). */
export function formatLocal(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

/** The export file's name: `ect-ledger-<name>.json`, with the name made safe for every file system. */
export function bundleFileName(name: string): string {
  const safe = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `ect-ledger-${safe || 'untitled'}.json`;
}

/** A duration in milliseconds as "850 ms" or "3.2 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * What went wrong with an import (or another ledger operation), in words a user can act on.
 * IndexedDB errors come wrapped by Dexie: the real cause is in `inner`.
 */
export function describeStorageError(e: unknown): string {
  const names: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 4; depth++) {
    const name = (cur as { name?: unknown }).name;
    if (typeof name === 'string') names.push(name);
    cur = (cur as { inner?: unknown }).inner;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (names.includes('QuotaExceededError')) {
    return (
      'The browser refused to store more data (IndexedDB storage quota exceeded). Nothing was written: ' +
      'an import is one transaction. Free some space (delete a ledger you no longer need) or import fewer tokens.'
    );
  }
  if (names.includes('LedgerConflictError')) return message;
  if (names.some((n) => /^(Dexie|IDB|Database|Open|Abort|Transaction|Constraint|Data|Version)/.test(n))) {
    return `The browser's database (IndexedDB) failed: ${message}. Nothing was written: an import is one transaction.`;
  }
  return message;
}

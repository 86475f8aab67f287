/**
 * Time formatting for NumericDate claims (seconds since 1970): ISO dates in
 * UTC and phrases relative to the verifier's clock ("3 min ago", "expires in
 * 7 min"). Shared by the inspector and the creator.
 */
import { jsonText, visibleString } from './visible.ts';

/** A NumericDate as an ISO 8601 date without milliseconds, or why it cannot be one. */
export function numericDateToIso(value: unknown): { ok: true; iso: string } | { ok: false; why: string } {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { ok: false, why: `not a finite number (${value}: too large for JSON's 64-bit floats)` };
  }
  if (typeof value !== 'number') {
    // Bounded and stack-safe: the value is untrusted (it may be nested 10,000 levels deep).
    const { text, cut } = jsonText(value, { maxChars: 60 });
    return { ok: false, why: `not a number (${visibleString(text)}${cut ? '…' : ''})` };
  }
  const ms = value * 1000;
  if (Math.abs(ms) > 8.64e15) return { ok: false, why: 'outside the range of dates' };
  const iso = new Date(ms).toISOString().replace('.000Z', 'Z');
  return Number.isInteger(value) ? { ok: true, iso } : { ok: true, iso: `${iso} (not an integer)` };
}

/** A duration in seconds as "42 s", "7 min", "3 h", "2 days" (rounded down past a minute). */
export function formatDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 90 * 60) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  if (s < 730 * 86400) {
    const days = Math.floor(s / 86400);
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  const years = Math.floor(s / (365.25 * 86400));
  return `${years} years`;
}

/** "3 min ago", "in 7 min", or "now", relative to `now` (both Unix seconds). */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  if (diff === 0) return 'now';
  return diff < 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(diff)}`;
}

/**
 * A time claim relative to the verifier's clock, in the words a developer
 * expects: "issued 3 min ago", "expires in 7 min", "expired 2 days ago".
 */
export function describeTimeClaim(claim: string, value: unknown, now: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 8.64e12) return null;
  const rel = relativeTime(value, now);
  switch (claim) {
    case 'exp':
      return value < now ? `expired ${rel}` : value === now ? 'expires now' : `expires ${rel}`;
    case 'iat':
      return value > now ? `issued ${rel} (in the future)` : value === now ? 'issued now' : `issued ${rel}`;
    case 'nbf':
      return value > now ? `not before: ${rel}` : `usable since ${rel}`;
    default:
      return rel;
  }
}

/** Unix seconds as the value of an <input type="datetime-local"> read as UTC ("2026-01-01T00:00"). */
export function unixToLocalInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return d.getUTCSeconds() === 0 ? iso.slice(0, 16) : iso.slice(0, 19);
}

/** The value of an <input type="datetime-local">, read as UTC, in Unix seconds; null when empty or invalid. */
export function localInputToUnix(value: string): number | null {
  const m = /^(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

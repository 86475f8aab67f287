import { describe, expect, it } from 'vitest';
import { decodeToken } from 'wimse-ect';
import {
  describeTimeClaim,
  formatDuration,
  localInputToUnix,
  relativeTime,
  unixToLocalInput,
} from '../../components/time.ts';
import { EXAMPLE_TOKEN, EXAMPLE_VALID_AT } from './exampleToken.ts';
import { decodedHint, truncationHint } from './hints.ts';

const [H, P, S] = EXAMPLE_TOKEN.split('.') as [string, string, string];

function problemOf(token: string) {
  const r = decodeToken(token);
  if (r.ok) throw new Error('expected a decode failure');
  return r.problem;
}

describe('time formatting', () => {
  it('formats durations and relative phrases', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(-420)).toBe('7 min');
    expect(formatDuration(3 * 3600)).toBe('3 h');
    expect(formatDuration(2 * 86400 + 5)).toBe('2 days');
    expect(relativeTime(100, 280)).toBe('3 min ago');
    expect(relativeTime(520, 100)).toBe('in 7 min');
    expect(relativeTime(5, 5)).toBe('now');
  });

  it('says expired / expires / issued relative to the verifier clock', () => {
    expect(describeTimeClaim('exp', 1000, 580)).toBe('expires in 7 min');
    expect(describeTimeClaim('exp', 1000, 1000 + 2 * 86400)).toBe('expired 2 days ago');
    expect(describeTimeClaim('iat', 1000, 1180)).toBe('issued 3 min ago');
    expect(describeTimeClaim('iat', 1100, 1000)).toBe('issued in 1 min (in the future)');
    expect(describeTimeClaim('exp', 'soon', 1000)).toBeNull();
  });

  it('reads datetime-local values as UTC, both ways', () => {
    expect(localInputToUnix('2026-01-01T00:00')).toBe(EXAMPLE_VALID_AT);
    expect(localInputToUnix('2026-01-01T00:00:30')).toBe(EXAMPLE_VALID_AT + 30);
    expect(localInputToUnix('')).toBeNull();
    expect(localInputToUnix('garbage')).toBeNull();
    expect(unixToLocalInput(EXAMPLE_VALID_AT)).toBe('2026-01-01T00:00');
    expect(unixToLocalInput(EXAMPLE_VALID_AT + 30)).toBe('2026-01-01T00:00:30');
  });
});

describe('truncation hints', () => {
  it('names a JWS without its signature part', () => {
    const token = `${H}.${P}`;
    expect(truncationHint(token, problemOf(token))).toMatch(
      /^Truncated: this looks like a JWS without its signature/,
    );
  });

  it('names a lone header, which decodes as L1 claims', () => {
    const r = decodeToken(H);
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.decoded.level).toBe('L1');
    expect(decodedHint(r.decoded)).toMatch(/look like a JWS header/);
    const dot = `${H}.`;
    expect(truncationHint(dot, problemOf(dot))).toMatch(/only a JWS header followed by a dot/);
  });

  it('names a payload whose JSON stops early', () => {
    const cut = Buffer.from('{"iss":"spiffe://exa', 'utf8').toString('base64url');
    const token = `${H}.${cut}.${S}`;
    expect(truncationHint(token, problemOf(token))).toMatch(/stops before it is complete/);
  });

  it('says nothing for a wrong character', () => {
    const token = `${H}.${P.slice(0, 10)}!${P.slice(11)}.${S}`;
    expect(truncationHint(token, problemOf(token))).toBeNull();
  });

  it('notices a signature shorter than ES256 makes', () => {
    const r = decodeToken(`${H}.${P}.${S.slice(0, 40)}`);
    if (!r.ok) throw new Error(r.problem.message);
    expect(decodedHint(r.decoded)).toMatch(/signature is 40 characters long, but an ES256 signature is 86/);
    const whole = decodeToken(EXAMPLE_TOKEN);
    if (!whole.ok) throw new Error(whole.problem.message);
    expect(decodedHint(whole.decoded)).toBeNull();
  });
});

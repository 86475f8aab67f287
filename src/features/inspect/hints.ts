/**
 * Inspector diagnostics on top of the core's messages: where a token looks
 * cut short (a missing part, JSON that stops early, a signature shorter than
 * its algorithm produces), said at the place it went wrong.
 */
import { decodeJsonPart, MAX_TOKEN_LENGTH, type DecodedToken, type DecodeProblem } from 'wimse-ect';

/** Length of a base64url signature (no padding) for each algorithm with a fixed signature size. */
const SIGNATURE_CHARS: Record<string, number> = {
  ES256: 86,
  ES384: 128,
  ES512: 176,
  EdDSA: 86,
  Ed25519: 86,
};

const JSON_CUT = /end of JSON|Unterminated|Expected .* after|Expected property name|Bad control character/i;

/** Why an undecodable token looks truncated, or null when it does not. */
export function truncationHint(token: string, problem: DecodeProblem): string | null {
  const t = token.trim();
  if (t.length > MAX_TOKEN_LENGTH) return null;
  const parts = t.split('.');
  const isJwsHeader = (part: string) => {
    const h = decodeJsonPart(part);
    return h.ok && typeof h.value.alg === 'string';
  };
  if (parts.length === 2 && isJwsHeader(parts[0]!)) {
    return parts[1] === ''
      ? 'Truncated: this is only a JWS header followed by a dot; the payload and the signature are missing.'
      : 'Truncated: this looks like a JWS without its signature. It has a header and a payload but no third part after a second dot; copy the whole token, up to its last character.';
  }
  if (/impossible for base64url/.test(problem.message)) {
    return `Possibly truncated: the ${problem.part === 'token' ? 'token' : `${problem.part} part`} has a length no base64url text can have, so a character is missing (or extra); check that the token was copied whole.`;
  }
  if ((problem.part === 'payload' || problem.part === 'token') && JSON_CUT.test(problem.message)) {
    return `Truncated: the ${problem.part === 'payload' ? 'payload' : 'token'} decodes to JSON that stops before it is complete, so the token was probably cut mid-way (copied partially, or broken across lines).`;
  }
  return null;
}

/** Why a decoded token looks cut short: a lone JWS header read as L1, or a short signature. */
export function decodedHint(decoded: DecodedToken): string | null {
  if (decoded.level === 'L1') {
    const p = decoded.payload;
    return typeof p.alg === 'string' && !('iss' in p) && !('exec_act' in p)
      ? 'Truncated? This reads as L1 claims, but they look like a JWS header ("alg" and no ECT claims): the payload and signature after the two dots seem to be missing.'
      : null;
  }
  const alg = decoded.header.alg;
  const expected = typeof alg === 'string' ? SIGNATURE_CHARS[alg] : undefined;
  const actual = decoded.parts[2].length;
  if (expected === undefined || actual === expected) return null;
  if (actual === 0)
    return `The signature part is empty: an ${alg} signature is ${expected} base64url characters. The token was cut after its second dot.`;
  return actual < expected
    ? `The signature is ${actual} characters long, but an ${alg} signature is ${expected}: the token looks truncated (cut in its signature part).`
    : `The signature is ${actual} characters long, but an ${alg} signature is ${expected}: something was appended to the token.`;
}

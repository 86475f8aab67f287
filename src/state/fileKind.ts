/**
 * What a pasted or dropped text is, wherever it lands: tokens, a ledger bundle, keys (a JWK, a
 * JWKS, a trust store, `ect keygen` output, PEM), a simulator scenario, or none of these. Each
 * place that takes text uses it to offer the right place for what it was given (a trust store
 * dropped on the ledger import is offered as keys, not read as 20 "not a token" errors). It only
 * looks at the text's shape: reading the keys or verifying the tokens is the receiving place's job.
 */
import { decodeToken, splitInput, splitLines } from 'wimse-ect';

export type KeyShape = 'jwk' | 'jwks' | 'trust-store' | 'keygen' | 'pem';

export type FileKind =
  | { kind: 'tokens'; count: number }
  | { kind: 'ledger-bundle'; count: number; name: string | null; hasTrust: boolean }
  | { kind: 'keys'; shape: KeyShape; count: number; private: boolean }
  | { kind: 'scenario'; name: string | null }
  | { kind: 'empty' }
  | { kind: 'unknown' };

/** The simulator's scenario file marker (src/features/simulate/engine/file.ts writes it). */
const SCENARIO_FORMAT = 'ect-workbench-scenario';
const LEDGER_FORMAT = 'ect-workbench-ledger';
/** Tokens decoded to tell tokens from other text; a few are enough. */
const SAMPLE = 20;

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const isJwk = (v: unknown): boolean => isObject(v) && typeof v.kty === 'string';

export function classifyText(text: string): FileKind {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (!t) return { kind: 'empty' };
  if (/-----BEGIN [A-Z0-9 ]*(KEY|CERTIFICATE)-----/.test(t)) {
    const count = t.match(/-----BEGIN /g)?.length ?? 1;
    return { kind: 'keys', shape: 'pem', count, private: /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t) };
  }
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      doc = undefined;
    }
    if (isObject(doc)) {
      const name = typeof doc.name === 'string' ? doc.name : null;
      if (doc.format === LEDGER_FORMAT || (Array.isArray(doc.entries) && doc.head !== undefined)) {
        return {
          kind: 'ledger-bundle',
          count: Array.isArray(doc.entries) ? doc.entries.length : 0,
          name,
          hasTrust: isObject(doc.trust),
        };
      }
      if (doc.format === SCENARIO_FORMAT) return { kind: 'scenario', name };
      const keys = keyShape(doc);
      if (keys) return keys;
    }
  }
  // JSON is parsed whole; lines are split only as far as the sample needs, and wholly only when
  // the count is read: the ledger's import asks only the kind, then splits the text itself (a
  // second whole split of 250,000 tokens was ~50 ms and its garbage in one task; issue 17).
  const all = t.startsWith('[') || t.startsWith('{') ? splitInput(t).tokens : null;
  const sample = all ? all.slice(0, SAMPLE) : firstLines(t, SAMPLE);
  if (!sample.length || !sample.some((s) => decodeToken(s).ok)) return { kind: 'unknown' };
  if (all) return { kind: 'tokens', count: all.length };
  let count: number | undefined;
  return {
    kind: 'tokens',
    get count() {
      return (count ??= splitLines(t).length);
    },
  };
}

/** The first `n` tokens of text in the line form: splitLines over blocks of lines, as far as needed. */
function firstLines(t: string, n: number): string[] {
  const out: string[] = [];
  for (let start = 0; out.length < n && start < t.length;) {
    const cut = t.indexOf('\n', start + 65_536);
    const end = cut < 0 ? t.length : cut + 1;
    splitLines(t.slice(start, end), out);
    start = end;
  }
  return out.slice(0, n);
}

function keyShape(doc: Record<string, unknown>): FileKind | null {
  if (isJwk(doc)) return { kind: 'keys', shape: 'jwk', count: 1, private: typeof doc.d === 'string' };
  if (isJwk(doc.private) && isJwk(doc.public))
    return { kind: 'keys', shape: 'keygen', count: 1, private: true };
  const jwks: unknown[] = [];
  if (isObject(doc.issuers)) {
    for (const entry of Object.values(doc.issuers)) {
      if (isObject(entry) && Array.isArray(entry.keys)) jwks.push(...(entry.keys as unknown[]));
    }
  }
  if (Array.isArray(doc.keys)) jwks.push(...(doc.keys as unknown[]));
  if (doc.issuers === undefined && !Array.isArray(doc.keys)) return null;
  if (jwks.length && !jwks.every(isJwk)) return null;
  return {
    kind: 'keys',
    shape: doc.issuers !== undefined ? 'trust-store' : 'jwks',
    count: jwks.length,
    private: jwks.some((k) => typeof (k as { d?: unknown }).d === 'string'),
  };
}

const SHAPE_WORDS: Record<KeyShape, string> = {
  jwk: 'a JWK',
  jwks: 'a JWKS',
  'trust-store': 'a trust store',
  keygen: 'an `ect keygen` key pair',
  pem: 'a PEM key',
};

/** "a trust store (3 keys)", "a ledger bundle of 14 entries": what the text is, in words. */
export function describeKind(k: FileKind): string {
  switch (k.kind) {
    case 'tokens':
      return `${k.count.toLocaleString('en')} token${k.count === 1 ? '' : 's'}`;
    case 'ledger-bundle':
      return `a ledger bundle${k.name ? ` (“${k.name}”)` : ''} of ${k.count.toLocaleString('en')} entr${
        k.count === 1 ? 'y' : 'ies'
      }`;
    case 'keys':
      return `${SHAPE_WORDS[k.shape]}${k.count > 1 ? ` (${k.count} keys)` : ''}${
        k.private ? ', with a private key' : ''
      }`;
    case 'scenario':
      return `a simulator scenario${k.name ? ` (“${k.name}”)` : ''}`;
    case 'empty':
      return 'nothing';
    case 'unknown':
      return 'text the workbench does not recognise';
  }
}

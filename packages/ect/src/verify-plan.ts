/**
 * The verifier's options as the sixteen steps read them (verify.ts): checked once per call, the
 * trust store parsed once per document. Split from verify.ts.
 */
import type { Ledger } from './ledger.ts';
import { OptionsError } from './errors.ts';
import type { ReplayStore } from './replay.ts';
import type { TrustStoreDocument, VerifyOptions } from './report.ts';
import { DEFAULT_SETTINGS, type Settings } from './settings.ts';
import { parseTrustStore, type TrustStore } from './trust.ts';

/** The options as the steps read them: the trust store parsed, a resolver or a store only when given. */
export interface Plan {
  trust: TrustStore | null;
  resolver: boolean;
  settings: Settings;
  audience: string | null;
  now: number;
  stored: boolean;
  /** A set's run: a valid report's steps are left for withLazySteps to make when read. */
  lazySteps: boolean;
  store: boolean;
  replay: ReplayStore | null;
  ledger: Ledger | null;
}

/** Trust store documents parsed once per object. */
const parsedTrust = new WeakMap<object, TrustStore>();

function trustStoreOf(trust: TrustStore | TrustStoreDocument): TrustStore {
  if ('kind' in trust && (trust.kind === 'issuers' || trust.kind === 'jwks') && Array.isArray(trust.keys))
    return trust as TrustStore;
  let store = parsedTrust.get(trust);
  if (!store) parsedTrust.set(trust, (store = parseTrustStore(trust)));
  return store;
}

export function planOf(opts: VerifyOptions): Plan {
  if (opts.trust && opts.resolveKey)
    throw new OptionsError('give verifyToken either trust or resolveKey, not both');
  if (!opts.trust && !opts.resolveKey)
    throw new OptionsError(
      'verifyToken needs the trusted keys: a trust store or JWKS (trust), or a key resolver (resolveKey)',
    );
  if (opts.resolveKey !== undefined && typeof opts.resolveKey !== 'function')
    throw new OptionsError('resolveKey must be a function (kid, iss) => JWK | CryptoKey | undefined');
  return {
    trust: opts.trust ? trustStoreOf(opts.trust) : null,
    resolver: !opts.trust,
    settings: opts.settings ?? DEFAULT_SETTINGS,
    audience: opts.audience || null,
    now: opts.now ?? Math.floor(Date.now() / 1000),
    stored: opts.mode === 'stored',
    lazySteps: false,
    store: Boolean(opts.store ?? opts.ledger),
    replay: opts.replay ?? null,
    ledger: opts.ledger ?? null,
  };
}

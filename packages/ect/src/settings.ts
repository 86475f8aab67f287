import { SettingsError } from './errors.ts';
import { quote } from './text.ts';
/**
 * Verifier settings with the profile's defaults (ECT-PROFILE.md section 4).
 */
export type Level = 'L1' | 'L2' | 'L3';
/** The draft version of a token: -00 or -01. */
export type Version = '00' | '01';

/** The verifier's (and creator's) settings, ECT-PROFILE.md section 4; see {@link resolveSettings} and {@link settingsFromEnv}. */
export interface Settings {
  /** Seconds of tolerance for `exp`, future `iat` and parent/child `iat` order. */
  clockSkew: number;
  /** Maximum age of `iat`, in seconds. */
  iatMaxAge: number;
  /** Lifetime given to created tokens without `exp`, in seconds. */
  defaultExpiry: number;
  maxPredecessors: number;
  traversalLimit: number;
  extMaxBytes: number;
  extMaxDepth: number;
  requireUuid: boolean;
  allowedAlgs: string[];
  minLevel: Level;
  enforceParentPolicy: boolean;
  /** Step 14 on: a verifier given a replay store checks and records each accepted `jti`. */
  replayCache: boolean;
  /** Most records the in-memory replay store keeps (`MemoryReplayStore.fromSettings`). */
  replayCacheSize: number;
  /** Longest a record of the in-memory replay store is kept, in seconds; 0: until its token's exp + clockSkew. */
  replayCacheTtl: number;
}

/** The profile's defaults (frozen). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  clockSkew: 30,
  iatMaxAge: 900,
  defaultExpiry: 600,
  maxPredecessors: 100,
  traversalLimit: 10000,
  extMaxBytes: 4096,
  extMaxDepth: 5,
  requireUuid: true,
  allowedAlgs: ['ES256'],
  minLevel: 'L2',
  enforceParentPolicy: true,
  replayCache: true,
  replayCacheSize: 100_000,
  replayCacheTtl: 0,
});

/** Algorithms refused whatever the settings say: no signature, or a shared secret. */
export function isForbiddenAlg(alg: string): boolean {
  return alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg);
}

/**
 * Asymmetric JWS algorithms a setting may add for algorithm agility (ECT-PROFILE.md section 2).
 * RSA ones need keys of at least 2048 bits; `EdDSA` and `Ed25519` are two names, each allowed on
 * its own.
 */
export const SUPPORTED_ALGS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
] as const;

export const LEVEL_RANK: Readonly<Record<Level, number>> = { L1: 1, L2: 2, L3: 3 };

/** What a setting's value must be, or null when `value` is one. */
export type Checker = (value: unknown) => string | null;

const nonNegativeInt: Checker = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? null : 'a whole number of 0 or more';
const positiveInt: Checker = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 ? null : 'a whole number of 1 or more';
const bool: Checker = (v) => (typeof v === 'boolean' ? null : 'true or false');

/** Each setting's check (what resolveSettings and settingsFromEnv apply). */
export const CHECKS: Readonly<Record<keyof Settings, Checker>> = {
  clockSkew: nonNegativeInt,
  iatMaxAge: nonNegativeInt,
  defaultExpiry: positiveInt,
  maxPredecessors: nonNegativeInt,
  traversalLimit: nonNegativeInt,
  extMaxBytes: nonNegativeInt,
  extMaxDepth: positiveInt,
  requireUuid: bool,
  enforceParentPolicy: bool,
  replayCache: bool,
  replayCacheSize: positiveInt,
  replayCacheTtl: nonNegativeInt,
  minLevel: (v) => (v === 'L1' || v === 'L2' || v === 'L3' ? null : '"L1", "L2" or "L3"'),
  allowedAlgs: (v) => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string')) {
      return 'a non-empty array of algorithm names';
    }
    const unknown = v.filter(
      (a: string) => !isForbiddenAlg(a) && !(SUPPORTED_ALGS as readonly string[]).includes(a),
    );
    return unknown.length ? `algorithms from ${SUPPORTED_ALGS.join(', ')} (not ${unknown.join(', ')})` : null;
  },
};

/** The name of every setting. */
export const SETTING_NAMES = Object.keys(CHECKS) as (keyof Settings)[];

/**
 * Merges overrides (a `--config` file's object, say) into `base`, the defaults unless given (for
 * instance settingsFromEnv's result, for the precedence config > environment > defaults).
 * Throws a `SettingsError` naming the setting and what it takes; unknown names are refused so a
 * typo is not silently ignored. `none`/`HS*` may be listed: they stay refused at step 4.
 */
export function resolveSettings(
  overrides: unknown = {},
  base: Readonly<Settings> = DEFAULT_SETTINGS,
): Settings {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new SettingsError('settings must be a JSON object mapping setting names to values');
  }
  const merged: Settings = { ...base, allowedAlgs: [...base.allowedAlgs] };
  for (const [name, value] of Object.entries(overrides)) {
    const check = Object.hasOwn(CHECKS, name) ? CHECKS[name as keyof Settings] : undefined;
    if (!check) {
      throw new SettingsError(`unknown setting "${name}"; known settings: ${SETTING_NAMES.join(', ')}`);
    }
    const wanted = check(value);
    if (wanted) throw new SettingsError(`setting "${name}" must be ${wanted}, got ${quote(value)}`);
    (merged as unknown as Record<string, unknown>)[name] = Array.isArray(value) ? [...value] : value;
  }
  return merged;
}

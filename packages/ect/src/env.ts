/**
 * Settings from `ECT_*` environment variables (the reference implementations'
 * `LoadConfigFromEnv` / `load_config_from_env`). The core never reads `process.env` itself (it
 * runs in browsers too): the caller passes the variables, `process.env` in Node.
 */
import { SettingsError } from './errors.ts';
import { CHECKS, DEFAULT_SETTINGS, resolveSettings, type Settings } from './settings.ts';
import { quote } from './text.ts';

/** One environment variable of {@link ENV_VARIABLES}. */
export interface EnvVariable {
  /** The setting it sets. */
  setting: keyof Settings;
  /** How its text is read. */
  kind: 'seconds' | 'count' | 'boolean' | 'algs' | 'level' | 'replaySize';
  /** What it means, for the README and error messages. */
  description: string;
}

/**
 * The environment variables settingsFromEnv reads, each with the setting it sets. Durations are
 * whole seconds; booleans are `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
 */
export const ENV_VARIABLES: Readonly<Record<string, Readonly<EnvVariable>>> = Object.freeze({
  ECT_CLOCK_SKEW: { setting: 'clockSkew', kind: 'seconds', description: 'clock skew tolerance, seconds' },
  ECT_IAT_MAX_AGE: { setting: 'iatMaxAge', kind: 'seconds', description: 'maximum age of iat, seconds' },
  ECT_DEFAULT_EXPIRY: {
    setting: 'defaultExpiry',
    kind: 'seconds',
    description: 'lifetime of created tokens without exp, seconds',
  },
  ECT_MAX_PREDECESSORS: {
    setting: 'maxPredecessors',
    kind: 'count',
    description: 'most predecessors per token',
  },
  ECT_TRAVERSAL_LIMIT: {
    setting: 'traversalLimit',
    kind: 'count',
    description: 'most distinct ancestors walked by the DAG rules',
  },
  ECT_REQUIRE_UUID: { setting: 'requireUuid', kind: 'boolean', description: 'jti and wid must be UUIDs' },
  ECT_ENFORCE_PARENT_POLICY: {
    setting: 'enforceParentPolicy',
    kind: 'boolean',
    description: 'refuse children of parents whose pol_decision is not "approved"',
  },
  ECT_ALLOWED_ALGS: {
    setting: 'allowedAlgs',
    kind: 'algs',
    description: 'accepted JWS algorithms, comma-separated',
  },
  ECT_MIN_LEVEL: { setting: 'minLevel', kind: 'level', description: 'minimum assurance level, L1, L2 or L3' },
  ECT_JTI_REPLAY_SIZE: {
    setting: 'replayCacheSize',
    kind: 'replaySize',
    description: 'most jtis the in-memory replay cache keeps; 0 turns replay checking off',
  },
  ECT_JTI_REPLAY_TTL: {
    setting: 'replayCacheTtl',
    kind: 'seconds',
    description: "longest a jti is kept, seconds; 0: until its token's exp + clock skew",
  },
});

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** The overrides one variable's text stands for; a SettingsError naming the variable when it stands for none. */
function read(name: string, v: EnvVariable, raw: string): Partial<Settings> {
  const text = raw.trim();
  const bad = (wanted: string): never => {
    throw new SettingsError(`environment variable ${name} must be ${wanted}, got ${quote(raw)}`);
  };
  const whole = (): number => {
    if (!/^\d+$/.test(text))
      bad(v.kind === 'seconds' ? 'a whole number of seconds (0 or more)' : 'a whole number (0 or more)');
    const n = Number(text);
    if (!Number.isSafeInteger(n)) bad('a whole number no larger than 9007199254740991');
    return n;
  };
  let value: unknown;
  switch (v.kind) {
    case 'seconds':
    case 'count':
      value = whole();
      break;
    case 'replaySize': {
      const n = whole();
      // 0 turns the replay cache off (as JTIReplaySize 0 does in the reference implementations).
      return n === 0 ? { replayCache: false } : { replayCache: true, replayCacheSize: n };
    }
    case 'boolean': {
      const t = text.toLowerCase();
      value = TRUE.has(t) ? true : FALSE.has(t) ? false : bad('true or false (or 1/0, yes/no, on/off)');
      break;
    }
    case 'algs': {
      const algs = text.split(',').map((a) => a.trim());
      if (algs.some((a) => !a)) bad('a comma-separated list of algorithm names, without empty entries');
      value = algs;
      break;
    }
    case 'level':
      value = text.toUpperCase();
      break;
  }
  const wanted = CHECKS[v.setting](value);
  if (wanted) bad(wanted);
  return { [v.setting]: value };
}

/**
 * Settings from `ECT_*` environment variables over `base` (the defaults unless given); the
 * variables are listed in {@link ENV_VARIABLES}. Pass the environment explicitly, `process.env`
 * in Node: the library never reads it by itself. A variable that is unset or empty leaves its
 * setting as it is; a bad value throws a `SettingsError` naming the variable. For the precedence
 * of the `ect` command (flags, then `--config`, then the environment, then the defaults), give
 * the result to resolveSettings as the base of the config file's overrides.
 */
export function settingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = {},
  base: Readonly<Settings> = DEFAULT_SETTINGS,
): Settings {
  let overrides: Partial<Settings> = {};
  for (const [name, v] of Object.entries(ENV_VARIABLES)) {
    const raw = Object.hasOwn(env, name) ? env[name] : undefined;
    if (raw === undefined || raw.trim() === '') continue;
    overrides = { ...overrides, ...read(name, v, raw) };
  }
  return resolveSettings(overrides, base);
}

import { describe, it, expect, afterEach } from 'vitest';
import { ENV_VARIABLES, settingsFromEnv } from './env.ts';
import { SettingsError } from './errors.ts';
import { DEFAULT_SETTINGS, resolveSettings, type Settings } from './settings.ts';

/** The SettingsError `fn` throws, failing the test when it throws none. */
function thrown(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return e as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

describe('settingsFromEnv: every variable', () => {
  const cases: [string, string, Partial<Settings>][] = [
    ['ECT_CLOCK_SKEW', '45', { clockSkew: 45 }],
    ['ECT_IAT_MAX_AGE', '1200', { iatMaxAge: 1200 }],
    ['ECT_DEFAULT_EXPIRY', '300', { defaultExpiry: 300 }],
    ['ECT_MAX_PREDECESSORS', '0', { maxPredecessors: 0 }],
    ['ECT_TRAVERSAL_LIMIT', '500', { traversalLimit: 500 }],
    ['ECT_REQUIRE_UUID', 'false', { requireUuid: false }],
    ['ECT_ENFORCE_PARENT_POLICY', 'no', { enforceParentPolicy: false }],
    ['ECT_ALLOWED_ALGS', 'ES256, ES384,PS256', { allowedAlgs: ['ES256', 'ES384', 'PS256'] }],
    ['ECT_MIN_LEVEL', 'l3', { minLevel: 'L3' }],
    ['ECT_JTI_REPLAY_SIZE', '500', { replayCache: true, replayCacheSize: 500 }],
    ['ECT_JTI_REPLAY_SIZE', '0', { replayCache: false, replayCacheSize: DEFAULT_SETTINGS.replayCacheSize }],
    ['ECT_JTI_REPLAY_TTL', '3600', { replayCacheTtl: 3600 }],
  ];
  for (const [name, value, expected] of cases) {
    it(`${name}=${value}`, () => {
      expect(settingsFromEnv({ [name]: value })).toEqual({ ...DEFAULT_SETTINGS, ...expected });
    });
  }

  it('covers each variable of ENV_VARIABLES, and those are the ones the issue names', () => {
    expect(new Set(cases.map(([n]) => n))).toEqual(new Set(Object.keys(ENV_VARIABLES)));
    expect(Object.keys(ENV_VARIABLES).sort()).toEqual(
      [
        'ECT_CLOCK_SKEW',
        'ECT_IAT_MAX_AGE',
        'ECT_DEFAULT_EXPIRY',
        'ECT_MAX_PREDECESSORS',
        'ECT_TRAVERSAL_LIMIT',
        'ECT_REQUIRE_UUID',
        'ECT_ENFORCE_PARENT_POLICY',
        'ECT_ALLOWED_ALGS',
        'ECT_MIN_LEVEL',
        'ECT_JTI_REPLAY_SIZE',
        'ECT_JTI_REPLAY_TTL',
      ].sort(),
    );
  });

  it('reads several at once; unset, empty and unrelated variables leave the defaults', () => {
    expect(
      settingsFromEnv({
        ECT_CLOCK_SKEW: '10',
        ECT_REQUIRE_UUID: 'TRUE',
        ECT_IAT_MAX_AGE: '',
        ECT_TRAVERSAL_LIMIT: '   ',
        ECT_DEBUG: '1',
        PATH: '/usr/bin',
      }),
    ).toEqual({ ...DEFAULT_SETTINGS, clockSkew: 10, requireUuid: true });
    expect(settingsFromEnv()).toEqual(DEFAULT_SETTINGS);
    expect(settingsFromEnv({})).not.toBe(DEFAULT_SETTINGS); // a copy, safe to change
  });

  it('applies over a base (the precedence config > environment > defaults is resolveSettings over it)', () => {
    const base = resolveSettings({ clockSkew: 5, iatMaxAge: 60 });
    const fromEnv = settingsFromEnv({ ECT_CLOCK_SKEW: '20' }, base);
    expect([fromEnv.clockSkew, fromEnv.iatMaxAge]).toEqual([20, 60]);
    const config = resolveSettings({ clockSkew: 99 }, fromEnv);
    expect([config.clockSkew, config.iatMaxAge]).toEqual([99, 60]);
  });
});

describe('settingsFromEnv: bad values are errors naming the variable', () => {
  const bad: [string, string, RegExp][] = [
    ['ECT_CLOCK_SKEW', '30s', /whole number of seconds/],
    ['ECT_CLOCK_SKEW', '-1', /whole number of seconds/],
    ['ECT_IAT_MAX_AGE', '1.5', /whole number of seconds/],
    ['ECT_IAT_MAX_AGE', '1e3', /whole number of seconds/],
    ['ECT_DEFAULT_EXPIRY', '0', /1 or more/],
    ['ECT_MAX_PREDECESSORS', 'many', /whole number/],
    ['ECT_TRAVERSAL_LIMIT', '99999999999999999999', /no larger than/],
    ['ECT_REQUIRE_UUID', 'maybe', /true or false/],
    ['ECT_ENFORCE_PARENT_POLICY', '2', /true or false/],
    ['ECT_ALLOWED_ALGS', 'ES256,,ES384', /without empty entries/],
    ['ECT_ALLOWED_ALGS', 'ES256,XX999', /not XX999/],
    ['ECT_MIN_LEVEL', 'L4', /"L1", "L2" or "L3"/],
    ['ECT_JTI_REPLAY_SIZE', '-5', /whole number/],
    ['ECT_JTI_REPLAY_TTL', 'forever', /whole number of seconds/],
  ];
  for (const [name, value, why] of bad) {
    it(`${name}=${JSON.stringify(value)}`, () => {
      const e = thrown(() => settingsFromEnv({ [name]: value }));
      expect(e.code).toBe('ERR_ECT_SETTINGS');
      expect(e.message).toContain(`environment variable ${name} must be`);
      expect(e.message).toMatch(why);
      expect(e.message).toContain(JSON.stringify(value));
    });
  }
});

describe('settingsFromEnv: the library never reads process.env by itself', () => {
  afterEach(() => {
    delete process.env.ECT_CLOCK_SKEW;
  });

  it('ignores process.env unless it is passed', () => {
    process.env.ECT_CLOCK_SKEW = '77';
    expect(settingsFromEnv().clockSkew).toBe(DEFAULT_SETTINGS.clockSkew);
    expect(settingsFromEnv(process.env).clockSkew).toBe(77);
  });
});

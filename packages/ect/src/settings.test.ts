import { describe, it, expect } from 'vitest';
import {
  DEFAULT_SETTINGS,
  isForbiddenAlg,
  resolveSettings,
  SETTING_NAMES,
  type Settings,
} from './settings.ts';
import { SettingsError } from './errors.ts';

/** The error `fn` throws, failing the test when it does not throw. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('settings: defaults', () => {
  it('match ECT-PROFILE.md section 4', () => {
    const expected: Settings = {
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
    };
    expect(DEFAULT_SETTINGS).toEqual(expected);
    expect(resolveSettings()).toEqual(expected);
    expect(resolveSettings({})).toEqual(expected);
    expect([...SETTING_NAMES].sort()).toEqual(Object.keys(expected).sort());
  });

  it('are frozen and not changed by resolving overrides', () => {
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
    const s = resolveSettings({ allowedAlgs: ['ES256', 'ES384'] });
    s.allowedAlgs.push('EdDSA');
    resolveSettings().allowedAlgs.push('PS256');
    expect(DEFAULT_SETTINGS.allowedAlgs).toEqual(['ES256']);
  });
});

describe('settings: overrides', () => {
  it('merges valid overrides into the defaults', () => {
    const s = resolveSettings({
      clockSkew: 0,
      iatMaxAge: 60,
      defaultExpiry: 1,
      maxPredecessors: 0,
      traversalLimit: 2,
      extMaxBytes: 10,
      extMaxDepth: 1,
      requireUuid: false,
      allowedAlgs: ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256'],
      minLevel: 'L1',
      enforceParentPolicy: false,
      replayCache: false,
    });
    expect(s).toMatchObject({ clockSkew: 0, traversalLimit: 2, requireUuid: false, minLevel: 'L1' });
    expect(s.allowedAlgs).toEqual(['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256']);
  });

  it('copies the allowedAlgs array it is given', () => {
    const algs = ['ES256'];
    const s = resolveSettings({ allowedAlgs: algs });
    algs.push('ES384');
    expect(s.allowedAlgs).toEqual(['ES256']);
  });

  it('accepts none and HS256 in allowedAlgs (they stay refused at step 4)', () => {
    expect(resolveSettings({ allowedAlgs: ['ES256', 'none', 'HS256'] }).allowedAlgs).toEqual([
      'ES256',
      'none',
      'HS256',
    ]);
  });

  it('refuses unknown setting names, naming them', () => {
    for (const name of ['clockskew', 'maxPred', 'allowed_algs', '']) {
      const e = thrown(() => resolveSettings({ [name]: 1 }));
      expect(e).toBeInstanceOf(SettingsError);
      expect(e.name).toBe('SettingsError');
      expect(e.message).toContain(`"${name}"`);
      expect(e.message).toMatch(/unknown setting/);
    }
  });

  const wrong: [keyof Settings, unknown][] = [
    ['clockSkew', '30'],
    ['clockSkew', -1],
    ['clockSkew', 1.5],
    ['iatMaxAge', null],
    ['defaultExpiry', 0],
    ['maxPredecessors', true],
    ['traversalLimit', Number.NaN],
    ['extMaxBytes', '4096'],
    ['extMaxDepth', 0],
    ['requireUuid', 'yes'],
    ['requireUuid', 1],
    ['enforceParentPolicy', 'false'],
    ['replayCache', null],
    ['minLevel', 'L4'],
    ['minLevel', 'l2'],
    ['allowedAlgs', 'ES256'],
    ['allowedAlgs', []],
    ['allowedAlgs', [256]],
    ['allowedAlgs', ['RS1']],
    ['allowedAlgs', ['ES256', 'es384']],
  ];
  for (const [name, value] of wrong) {
    it(`refuses ${name} = ${JSON.stringify(value)}, naming the setting`, () => {
      const e = thrown(() => resolveSettings({ [name]: value }));
      expect(e).toBeInstanceOf(SettingsError);
      expect(e.message).toContain(`"${name}"`);
    });
  }

  it('names the unsupported algorithm', () => {
    expect(thrown(() => resolveSettings({ allowedAlgs: ['ES256', 'RS1'] })).message).toMatch(/RS1/);
  });

  it('refuses settings that are not an object', () => {
    for (const v of [null, 42, 'clockSkew', [['clockSkew', 1]]]) {
      expect(thrown(() => resolveSettings(v))).toBeInstanceOf(SettingsError);
    }
  });
});

describe('isForbiddenAlg', () => {
  it('refuses none and HS* in any case, nothing else', () => {
    for (const a of ['none', 'NONE', 'None', 'HS256', 'HS384', 'HS512', 'hs256'])
      expect(isForbiddenAlg(a)).toBe(true);
    for (const a of ['ES256', 'es256', 'EdDSA', 'PS256', 'RS256']) expect(isForbiddenAlg(a)).toBe(false);
  });
});

import { describe, it, expect } from 'vitest';
import { ERROR_CODES } from './codes.ts';
import { EXPLANATIONS, explain } from './explanations.ts';
import { CLAIMS, claimInfo, migrationHints } from './dictionary.ts';

describe('explanations', () => {
  it('has a complete explanation for every error code', () => {
    expect(Object.keys(EXPLANATIONS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const e = explain(code);
      expect(e.code).toBe(code);
      for (const field of ['title', 'what', 'why', 'fix', 'profileSection', 'draftSection'] as const) {
        expect(e[field].trim(), `${code}.${field}`).not.toBe('');
      }
      expect(Number.isInteger(e.step) && e.step >= 1 && e.step <= 15, `${code}.step`).toBe(true);
      expect(e.profileSection).toBe(`ECT-PROFILE §4 step ${e.step}`);
    }
  });

  it('maps malformed to 400 and everything else to 403', () => {
    for (const code of ERROR_CODES) {
      expect(explain(code).httpStatus, code).toBe(code === 'malformed' ? 400 : 403);
    }
  });

  it('uses the step of the profile table', () => {
    expect(explain('malformed').step).toBe(1);
    expect(explain('invalid_signature').step).toBe(7);
    expect(explain('issuer_mismatch').step).toBe(6);
    expect(explain('iat_too_old').step).toBe(13);
    expect(explain('cycle').step).toBe(15);
  });
});

describe('dictionary', () => {
  it('records the -00/-01 renames', () => {
    expect(claimInfo('pred')?.renamedFrom).toBe('par');
    expect(claimInfo('par')?.renamedTo).toBe('pred');
    expect(claimInfo('ect_ext')?.renamedFrom).toBe('ext');
    expect(claimInfo('ext')?.renamedTo).toBe('ect_ext');
  });

  it('distinguishes kinds and marks times', () => {
    expect(claimInfo('pol')?.kind).toBe('claim');
    expect(claimInfo('pol', 'ext')?.versions).toEqual(['01']);
    expect(claimInfo('ect_ext.pol_decision')?.kind).toBe('ext');
    expect(claimInfo('kid')?.kind).toBe('header');
    expect(claimInfo('jku', 'header')?.rule).toMatch(/never trusted/i);
    expect(claimInfo('iat')?.time).toBe(true);
    expect(claimInfo('exp')?.time).toBe(true);
    expect(claimInfo('nope')).toBeUndefined();
    for (const c of CLAIMS) expect(c.meaning && c.rule && c.label && c.draftSection, c.name).toBeTruthy();
  });

  it('gives migration hints for a -00 payload', () => {
    const hints = migrationHints({
      iss: 'spiffe://example.com/agent/a',
      sub: 'spiffe://example.com/agent/a',
      jti: '550e8400-e29b-41d4-a716-446655440000',
      exec_act: 'review_spec',
      par: [],
      ext: { 'com.example.k': 1 },
      pol: 'policy_v1',
      pol_decision: 'approved',
    });
    const text = hints.join('\n');
    expect(text).toContain('pred');
    expect(text).toContain('ect_ext');
    expect(text).toContain('sub');
    expect(text).toContain('exec+jwt');
    expect(hints.some((h) => h.startsWith('pol → ect_ext.pol'))).toBe(true);
    expect(hints.some((h) => h.startsWith('pol_decision → ect_ext.pol_decision'))).toBe(true);
  });

  it('gives no hints for a -01 payload', () => {
    expect(migrationHints({ iss: 'a', pred: [], ect_ext: { pol: 'p', pol_decision: 'approved' } })).toEqual(
      [],
    );
  });
});

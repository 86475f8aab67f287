import { describe, expect, it } from 'vitest';
import { STEPS } from './steps.ts';
import { NO_PROBLEMS, StepLog } from './verify-steps.ts';

const problem = (code: 'expired' | 'invalid_typ' | 'replay', message: string = code) => ({ code, message });

describe('StepLog: the compact record of one verification', () => {
  it('makes the sixteen steps in order, skipped unless passed or failed, notes only where given', () => {
    const log = new StepLog();
    log.pass('decode', 'L2');
    log.pass('level');
    log.skip('replay', 'no replay cache');
    const steps = log.steps();
    expect(steps.map((s) => s.id)).toEqual(STEPS.map((s) => s.id));
    expect(steps[0]).toEqual({ ...STEPS[0], status: 'pass', problems: [], note: 'L2' });
    expect(Object.keys(steps[0]!)).toEqual([...Object.keys(STEPS[0]!), 'status', 'problems', 'note']);
    expect('note' in steps[1]!).toBe(false);
    expect(steps[13]).toMatchObject({ id: 'replay', status: 'skip', note: 'no replay cache' });
    expect(steps[15]!.status).toBe('skip');
    expect(steps[2]!.problems).toBe(NO_PROBLEMS);
    expect(log.anyFailed).toBe(false);
    expect(log.codes()).toEqual({ codes: [], code: null });
  });

  it('the last of pass and fail decides a status; problems add up; the first failing step gives the code', () => {
    const log = new StepLog();
    log.fail('exp', [problem('expired')]);
    log.fail('typ', [problem('invalid_typ')]);
    log.fail('typ', [problem('invalid_typ', 'again'), problem('expired')]);
    log.pass('iat');
    log.fail('iat', [problem('replay')]);
    log.fail('audience', [problem('replay')]);
    log.pass('audience', 'after all');
    expect(log.failedAt('typ')).toBe(true);
    expect(log.failedAt('audience')).toBe(false);
    expect(log.anyFailed).toBe(true);
    // Codes in step order, each once: typ (3) before exp (12) and iat (13).
    expect(log.codes()).toEqual({ codes: ['invalid_typ', 'expired', 'replay'], code: 'invalid_typ' });
    const steps = log.steps();
    expect(steps[2]!.problems.map((p) => p.message)).toEqual(['invalid_typ', 'again', 'expired']);
    expect(steps[10]).toMatchObject({ status: 'pass', note: 'after all' });
    expect(steps[12]!.status).toBe('fail');
  });
});

import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario } from './scenarios.ts';
import { parseScenarioFile, serializeScenario, toPlain } from './file.ts';

describe('scenario files', () => {
  it('round-trip every built-in scenario', () => {
    for (const b of BUILTIN_SCENARIOS) {
      const text = serializeScenario(b.scenario);
      expect(JSON.parse(text)).toMatchObject({ format: 'ect-workbench-scenario', version: 1 });
      const { scenario, problems } = parseScenarioFile(text);
      expect(problems).toEqual([]);
      expect(scenario).toEqual(toPlain(b.scenario));
    }
  });

  const bad = (text: string) => () => parseScenarioFile(text);

  it('say what is wrong with a file that is not a scenario', () => {
    expect(bad('')).toThrow('the file is empty');
    expect(bad('{\n  "format": "ect-workbench-scenario",\n  oops\n}')).toThrow(
      'not valid JSON: line 3, column 3: found "o" where a property name in double quotes was expected',
    );
    expect(bad('{"a": [1, 2}')).toThrow(
      'not valid JSON: line 1, column 12: found "}" where "," or "]" was expected',
    );
    expect(bad('{"a": "x')).toThrow('line 1, column 9: the text ends inside a string');
    expect(bad('{} x')).toThrow('line 1, column 4: found "x" after the end of the JSON value');
    expect(bad('[1]')).toThrow('a scenario file holds a JSON object, not an array');
    expect(bad('{"name":"x"}')).toThrow(
      'this is not a scenario file: it has no "format": "ect-workbench-scenario"',
    );
    expect(bad('{"format":"ect-workbench-ledger"}')).toThrow(
      'this is a ledger export, not a scenario: import it in the Ledger tab',
    );
    expect(bad('{"format":"ect-workbench-scenario","version":2}')).toThrow(
      'scenario file version number 2 is not supported (this workbench reads version 1)',
    );
  });

  it('name the field that has the wrong type', () => {
    const base = JSON.parse(serializeScenario(builtinScenario('refimpl-demo')!));
    const withChange = (f: (d: typeof base) => void) => {
      const d = structuredClone(base);
      f(d);
      return JSON.stringify(d);
    };
    expect(bad(withChange((d) => (d.level = 'L1')))).toThrow('"level" must be "L2" or "L3", not string "L1"');
    expect(bad(withChange((d) => delete d.agents))).toThrow('"agents" must be an array of agents');
    expect(bad(withChange((d) => (d.agents[1].issuer = 7)))).toThrow(
      'agents[1]: "issuer" must be a string, not number 7',
    );
    expect(bad(withChange((d) => delete d.tasks[0].exec_act))).toThrow('tasks[0] has no "exec_act"');
    expect(bad(withChange((d) => (d.tasks[0].pred = 'review')))).toThrow(
      'tasks[0]: "pred" must be an array of strings, not string "review"',
    );
    expect(bad(withChange((d) => (d.tasks[0].pol_decision = 'maybe')))).toThrow(
      'tasks[0]: "pol_decision" must be one of approved, rejected, pending_human_review, not "maybe"',
    );
    expect(bad(withChange((d) => (d.stores = 'none')))).toThrow('"stores" must be "shared" or "per-domain"');
  });

  it('read a scenario that does not validate, with its problems', () => {
    const d = JSON.parse(serializeScenario(builtinScenario('refimpl-demo')!));
    d.tasks[1].agent = 'Agent C';
    const { scenario, problems } = parseScenarioFile(JSON.stringify(d));
    expect(scenario.tasks[1]!.agent).toBe('Agent C');
    expect(problems).toEqual([{ where: 'task child', message: 'unknown agent "Agent C"' }]);
  });

  it('accept a byte order mark and leave optional members out', () => {
    const { scenario } = parseScenarioFile(
      '\uFEFF' +
        JSON.stringify({
          format: 'ect-workbench-scenario',
          version: 1,
          name: 'Tiny',
          level: 'L2',
          agents: [{ name: 'A', issuer: 'spiffe://x/a', domain: 'x' }],
          tasks: [{ id: 't', agent: 'A', exec_act: 'do', aud: ['A'] }],
        }),
    );
    expect(scenario).toEqual({
      name: 'Tiny',
      description: '',
      level: 'L2',
      stores: 'shared',
      partialDag: false,
      agents: [{ name: 'A', issuer: 'spiffe://x/a', domain: 'x' }],
      tasks: [{ id: 't', agent: 'A', exec_act: 'do', pred: [], aud: ['A'] }],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { lineageQuery, parseSelection, selectNodes, type Selection } from './selection.ts';
import { jtiOf, modelOf, namesOf, type TaskSpec } from './testModel.ts';

/**
 * A chain root → a → b → c, a side branch a → s, an invalid task bad under b with a tainted
 * child t, and a task whose parent is missing.
 *
 *   root ─ a ─ b ─ c
 *          │   └─ bad ─ t
 *          └─ s
 *   (gone) ─ orphan
 */
const tasks: TaskSpec[] = [
  { name: 'root', act: 'plan', iss: 'agent/a' },
  { name: 'a', act: 'build', iss: 'agent/b', pred: ['root'] },
  { name: 'b', act: 'test', iss: 'agent/c', pred: ['a'] },
  { name: 'c', act: 'deploy_prod', iss: 'agent/a', pred: ['b'] },
  { name: 's', act: 'lint', iss: 'agent/b', pred: ['a'] },
  {
    name: 'bad',
    act: 'publish',
    iss: 'agent/c',
    wid: 'w2',
    pred: ['b'],
    status: 'invalid',
    codes: ['invalid_signature'],
  },
  { name: 't', act: 'announce', iss: 'agent/a', wid: 'w2', pred: ['bad'], status: 'tainted' },
  {
    name: 'orphan',
    act: 'fetch',
    iss: 'agent/b',
    wid: 'w2',
    pred: ['gone'],
    status: 'invalid',
    codes: ['parent_not_found'],
  },
];
const model = modelOf(tasks);

function names(text: string): string[] {
  const r = parseSelection(text);
  if (!r.ok) throw new Error(`${text}: ${r.message} at ${r.at}`);
  return namesOf(model, selectNodes(model, r.selection!), tasks);
}

describe('parseSelection', () => {
  it('reads an empty text as no selection', () => {
    expect(parseSelection('   ')).toEqual({ ok: true, selection: null });
  });

  it('reads walks with and without depths', () => {
    const atom: Selection = { kind: 'atom', key: 'any', value: 'task' };
    const walk = (text: string) => {
      const r = parseSelection(text);
      return r.ok ? r.selection : r;
    };
    expect(walk('+task')).toEqual({ kind: 'walk', up: Infinity, down: 0, of: atom });
    expect(walk('task+')).toEqual({ kind: 'walk', up: 0, down: Infinity, of: atom });
    expect(walk('+task+')).toEqual({ kind: 'walk', up: Infinity, down: Infinity, of: atom });
    expect(walk('task+2')).toEqual({ kind: 'walk', up: 0, down: 2, of: atom });
    expect(walk('3+task+1')).toEqual({ kind: 'walk', up: 3, down: 1, of: atom });
  });

  it('binds and tighter than or, and reads parentheses and not', () => {
    const r = parseSelection('a or b and not c');
    expect(r.ok && r.selection).toEqual({
      kind: 'or',
      items: [
        { kind: 'atom', key: 'any', value: 'a' },
        {
          kind: 'and',
          items: [
            { kind: 'atom', key: 'any', value: 'b' },
            { kind: 'not', of: { kind: 'atom', key: 'any', value: 'c' } },
          ],
        },
      ],
    });
    const g = parseSelection('+(act:a or act:"b c")');
    expect(g.ok && g.selection).toEqual({
      kind: 'walk',
      up: Infinity,
      down: 0,
      of: {
        kind: 'or',
        items: [
          { kind: 'atom', key: 'act', value: 'a' },
          { kind: 'atom', key: 'act', value: 'b c' },
        ],
      },
    });
  });

  it('says what is wrong and where', () => {
    expect(parseSelection('foo:bar')).toMatchObject({ ok: false, at: 0, message: /unknown key “foo:”/ });
    expect(parseSelection('a b')).toMatchObject({ ok: false, at: 2, message: /needs “and” or “or”/ });
    expect(parseSelection('(a or b')).toMatchObject({ ok: false, at: 0, message: /not closed/ });
    expect(parseSelection('a or')).toMatchObject({ ok: false, message: /missing at the end/ });
    expect(parseSelection('and a')).toMatchObject({ ok: false, at: 0 });
    expect(parseSelection('a)')).toMatchObject({ ok: false, at: 1, message: /has no “\(”/ });
    expect(parseSelection('status:purple')).toMatchObject({ ok: false, message: /status is one of/ });
    expect(parseSelection('jti:')).toMatchObject({ ok: false, message: /needs a value/ });
    expect(parseSelection('act:"open')).toMatchObject({ ok: false, message: /quote is not closed/ });
  });
});

describe('selectNodes', () => {
  it('selects by action, jti prefix, issuer, workflow, status and code', () => {
    expect(names('build')).toEqual(['a']);
    expect(names('jti:b')).toEqual(['b', 'bad']);
    expect(names('jti:bad')).toEqual(['bad']);
    expect(names('deploy')).toEqual([]); // a bare word is an exact action or a jti prefix
    expect(names('deploy*')).toEqual(['c']);
    expect(names('act:deploy*')).toEqual(['c']);
    expect(names('iss:agent/c')).toEqual(['b', 'bad']);
    expect(names('wid:w2')).toEqual(['bad', 'orphan', 't']);
    expect(names('status:invalid')).toEqual(['bad', 'orphan']);
    expect(names('status:missing')).toEqual(['?gone']);
    expect(names('code:invalid_signature')).toEqual(['bad']);
  });

  it('walks upstream, downstream and both, with a depth limit', () => {
    expect(names('+test')).toEqual(['a', 'b', 'root']);
    expect(names('1+test')).toEqual(['a', 'b']);
    expect(names('test+')).toEqual(['b', 'bad', 'c', 't']);
    expect(names('test+1')).toEqual(['b', 'bad', 'c']);
    expect(names('+test+')).toEqual(['a', 'b', 'bad', 'c', 'root', 't']);
    expect(names('1+test+1')).toEqual(['a', 'b', 'bad', 'c']);
    expect(names('+fetch')).toEqual(['?gone', 'orphan']); // a missing parent is upstream too
  });

  it('combines with and, or, not', () => {
    expect(names('+announce and wid:w1')).toEqual(['a', 'b', 'root']);
    expect(names('build or lint')).toEqual(['a', 's']);
    expect(names('wid:w1 and not (+test)')).toEqual(['c', 's']);
  });

  it('finds the root cause of a tainted task: its invalid ancestor and the path to it', () => {
    expect(names(`cause:${jtiOf('t')}`)).toEqual(['bad', 't']);
  });

  it('round-trips the lineage queries the side panel writes', () => {
    const jti = jtiOf('b');
    expect(lineageQuery(jti, Infinity, 0)).toBe(`+jti:${jti}`);
    expect(lineageQuery(jti, 0, 2)).toBe(`jti:${jti}+2`);
    expect(lineageQuery(jti, 2, Infinity)).toBe(`2+jti:${jti}+`);
    expect(names(lineageQuery(jti, 1, 0))).toEqual(['a', 'b']);
    expect(names(lineageQuery(jti, 0, Infinity))).toEqual(['b', 'bad', 'c', 't']);
  });
});

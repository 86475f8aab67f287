/**
 * The violations to step through: each names its task and, for an edge's violation, the node at
 * the edge's other end (a token or a missing parent's ghost).
 */
import { describe, expect, it } from 'vitest';
import { auditOf, jtiOf } from './testModel.ts';
import { buildModel } from './model.ts';
import { violationItems } from './violations.ts';

describe('violationItems', () => {
  it("names the task, and for an edge's violation the parent or ghost at its other end", () => {
    const audit = auditOf([
      { name: 'a' },
      { name: 'b', pred: ['a'] },
      { name: 'c', pred: ['a', 'b', 'gone'], status: 'invalid', codes: ['duplicate_jti'] },
    ]);
    audit.violations.push(
      { code: 'temporal_violation', jti: jtiOf('c'), pred: jtiOf('b'), index: 2, message: 'iat' },
      { code: 'parent_not_found', jti: jtiOf('c'), pred: jtiOf('gone'), index: 2, message: 'gone' },
    );
    const model = buildModel(audit, 30);
    const ghost = model.nodes.findIndex((n) => n.kind === 'ghost');
    expect(ghost).toBeGreaterThan(2);
    expect(
      violationItems(audit, model).map(({ k, code, node, parent }) => ({ k, code, node, parent })),
    ).toEqual([
      { k: 0, code: 'duplicate_jti', node: 2, parent: -1 },
      { k: 1, code: 'temporal_violation', node: 2, parent: 1 },
      { k: 2, code: 'parent_not_found', node: 2, parent: ghost },
    ]);
  });

  it('none for an audit without violations', () => {
    const audit = auditOf([{ name: 'a' }, { name: 'b', pred: ['a'] }]);
    expect(violationItems(audit, buildModel(audit, 30))).toEqual([]);
  });
});

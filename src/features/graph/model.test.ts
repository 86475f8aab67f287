import { describe, expect, it } from 'vitest';
import {
  claims,
  flipChar,
  makeAgent,
  NOW,
  sign,
  trustFor,
  uuid,
} from '../../../packages/ect/test/fixtures.ts';
import { auditTokens, type JsonObject } from 'wimse-ect';
import { layeredLayout } from './layout/layered.ts';
import { buildModel, buildModelInSlices, shortIssuer, type GraphModel } from './model.ts';
import { buildView, countVisible, facets, groupKey, NO_FILTERS, searchJti, visibleNodes } from './view.ts';
import { viewPlan } from './overview.ts';
import { auditOf } from './testModel.ts';
import { renderSvg } from './svg.ts';
import { lineage, taintSources } from './traverse.ts';

const alice = await makeAgent('alice');
const bob = await makeAgent('bob');
const trust = trustFor(alice, bob);
const tok = (overrides: JsonObject, agent = alice) => sign(agent, claims(agent, overrides));

// One workflow with a missing parent, a 2-cycle, a near miss, a bad signature and its tainted child.
const wid = uuid();
const ids = Object.fromEntries(
  ['root', 'child', 'orphan', 'missing', 'c1', 'c2', 'near', 'bad', 'after'].map((k) => [k, uuid()]),
) as Record<string, string>;
const t = (s: number) => NOW - 1000 + s;
const tokens = [
  await tok({ wid, jti: ids.root!, pred: [], iat: t(0), exec_act: 'plan' }),
  await tok({ wid, jti: ids.child!, pred: [ids.root!], iat: t(60), exec_act: 'build' }, bob),
  await tok({ wid, jti: ids.orphan!, pred: [ids.missing!], iat: t(70), exec_act: 'fetch' }),
  await tok({ wid, jti: ids.c1!, pred: [ids.c2!], iat: t(80), exec_act: 'sync' }),
  await tok({ wid, jti: ids.c2!, pred: [ids.c1!], iat: t(90), exec_act: 'sync' }, bob),
  await tok({ wid, jti: ids.near!, pred: [ids.child!], iat: t(50), exec_act: 'early' }, bob), // 10 s before its parent
  flipChar(await tok({ wid, jti: ids.bad!, pred: [ids.child!], iat: t(100), exec_act: 'tampered' }), 2),
  await tok({ wid, jti: ids.after!, pred: [ids.bad!], iat: t(110), exec_act: 'announce' }),
];
const audit = await auditTokens(tokens, { trust });
const model = buildModel(audit, 30);
const at = (m: GraphModel, jti: string) => m.nodes.findIndex((n) => n.jti === jti);

describe('buildModel', () => {
  it('gives every token its status and a ghost to the missing parent', () => {
    const status = (k: string) => model.nodes[at(model, ids[k]!)]!.status;
    expect(status('root')).toBe('valid');
    expect(status('orphan')).toBe('invalid');
    expect(status('c1')).toBe('invalid');
    expect(status('bad')).toBe('invalid');
    expect(status('after')).toBe('tainted');
    expect(status('near')).toBe('valid');
    const ghost = model.nodes[at(model, ids.missing!)]!;
    expect(ghost.kind).toBe('ghost');
    expect(ghost.status).toBe('ghost');
    expect(ghost.children).toEqual([at(model, ids.orphan!)]);
    expect(model.counts).toMatchObject({ tokens: 8, ghosts: 1, invalid: 4, tainted: 1, valid: 3 });
  });

  it('draws edges parent → child with their codes, and finds the near miss', () => {
    const edge = (from: string, to: string) =>
      model.edges.find((e) => e.source === at(model, ids[from]!) && e.target === at(model, ids[to]!));
    expect(edge('root', 'child')!.codes).toEqual([]);
    expect(edge('missing', 'orphan')!.codes).toEqual(['parent_not_found']);
    expect(edge('c2', 'c1')!.codes).toEqual(['cycle']);
    expect(edge('c1', 'c2')!.codes).toEqual(['cycle']);
    expect(edge('child', 'near')!.nearMiss).toBe(10);
    expect(edge('root', 'child')!.nearMiss).toBe(0);
  });

  it('names the taint source of a tainted node', () => {
    expect(taintSources(model, at(model, ids.after!))).toEqual([at(model, ids.bad!)]);
  });

  it('shortens issuers', () => {
    expect(shortIssuer('spiffe://example.com/agent/a')).toBe('agent/a');
    expect(shortIssuer('https://x.example/agents/team/billing')).toBe('team/billing');
    expect(shortIssuer(null)).toBe('(no iss)');
  });
});

describe('filters, search, lineage', () => {
  it('filters by agent and by status; ghosts follow their children', () => {
    const onlyBob = visibleNodes(model, { ...NO_FILTERS, iss: bob.iss });
    expect(countVisible(onlyBob)).toBe(3);
    const problems = visibleNodes(model, { ...NO_FILTERS, status: 'problems' });
    expect(problems[at(model, ids.missing!)]).toBe(1);
    expect(problems[at(model, ids.root!)]).toBe(0);
    const invalid = visibleNodes(model, { ...NO_FILTERS, status: 'invalid' });
    expect(countVisible(invalid)).toBe(4);
    expect(facets(model, 'iss').map((f) => f.count)).toEqual([5, 3]);
  });

  it('searches by jti prefix, ghosts included', () => {
    expect(searchJti(model, ids.missing!.toUpperCase())).toEqual([at(model, ids.missing!)]);
    expect(searchJti(model, '00000000-', 3)).toHaveLength(3);
    expect(searchJti(model, '')).toEqual([]);
  });

  it('lineage covers ancestors and descendants, and ends in a cycle', () => {
    const mark = lineage(model, at(model, ids.child!));
    for (const k of ['root', 'child', 'near', 'bad', 'after']) expect(mark[at(model, ids[k]!)], k).toBe(1);
    expect(mark[at(model, ids.orphan!)]).toBe(0);
    const loop = lineage(model, at(model, ids.c1!));
    expect(loop[at(model, ids.c2!)]).toBe(1);
  });
});

describe('buildView', () => {
  const all = visibleNodes(model, NO_FILTERS);

  it('without grouping, one view node per model node', () => {
    const v = buildView(model, all, 'none', new Set());
    expect(v.nodes).toHaveLength(model.nodes.length);
    expect(v.edges).toHaveLength(model.edges.length);
  });

  it('collapses by agent with counts, folds the edges between groups', () => {
    const v = buildView(model, all, 'iss', new Set());
    const groups = v.nodes.filter((n) => n.kind === 'group');
    expect(groups).toHaveLength(2);
    const a = groups.find((g) => g.kind === 'group' && g.group.value === alice.iss)!;
    expect(a.kind === 'group' && a.group).toMatchObject({ tokens: 5, invalid: 3, tainted: 1, ghosts: 1 });
    // Edges only between the two groups (both ways), each a fold of several.
    expect(v.edges.every((e) => e.source !== e.target)).toBe(true);
    expect(v.edges.reduce((s, e) => s + e.count, 0)).toBeLessThan(model.edges.length);
    expect(v.edges.find((e) => e.codes.includes('cycle'))).toBeDefined();
  });

  it('an expanded group shows its members, the others stay collapsed', () => {
    const v = buildView(model, all, 'iss', new Set([groupKey('iss', bob.iss)]));
    expect(v.nodes.filter((n) => n.kind === 'group')).toHaveLength(1);
    expect(v.nodes.filter((n) => n.kind === 'task')).toHaveLength(3);
  });

  it('auto grouping starts past the threshold', () => {
    const visible = visibleNodes(model, NO_FILTERS);
    expect(viewPlan(model, visible, 2000, 'auto').mode).toBe('none');
    expect(viewPlan(model, visible, 2001, 'auto')).toMatchObject({ mode: 'iss', problemsFirst: true });
    expect(viewPlan(model, visible, 3, 'wid').mode).toBe('wid');
  });
});

describe('renderSvg', () => {
  it('draws every node and edge of the view as a standalone SVG', () => {
    const v = buildView(model, visibleNodes(model, NO_FILTERS), 'none', new Set());
    const r = layeredLayout({
      n: v.nodes.length,
      src: Int32Array.from(v.edges.map((e) => e.source)),
      dst: Int32Array.from(v.edges.map((e) => e.target)),
      width: 212,
      height: 76,
      direction: 'LR',
    });
    const { svg, width, height } = renderSvg({
      model,
      view: v,
      direction: 'LR',
      x: r.x,
      y: r.y,
      size: () => [212, 76],
      related: null,
      selected: undefined,
      dark: false,
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(width).toBeGreaterThan(212);
    expect(height).toBeGreaterThan(76);
    expect(svg.match(/<path /g)).toHaveLength(v.edges.length);
    expect(svg).toContain(`missing: ${ids.missing!.slice(0, 8)}`);
    expect(svg).toContain('>cycle<');
    expect(svg).toContain('downstream of invalid');
    expect(svg).toContain('tampered');
  });

  it("colours a group's counts by status: tainted in amber, also beside invalid ones", () => {
    const draw = (dark: boolean) => {
      const v = buildView(model, visibleNodes(model, NO_FILTERS), 'wid', new Set());
      const r = layeredLayout({
        n: v.nodes.length,
        src: Int32Array.from(v.edges.map((e) => e.source)),
        dst: Int32Array.from(v.edges.map((e) => e.target)),
        width: 232,
        height: 92,
        direction: 'LR',
      });
      const opts = { model, view: v, direction: 'LR' as const, x: r.x, y: r.y, related: null };
      return renderSvg({ ...opts, size: () => [232, 92], selected: undefined, dark }).svg;
    };
    // One workflow: 4 invalid tasks and 1 tainted in one group.
    const light = draw(false);
    expect(light).toMatch(/fill="#dc2626">4 invalid · \d+ violations<\/text>/);
    expect(light).toContain('fill="#92400e">1 tainted</text>');
    expect(light).not.toMatch(/fill="#059669">[^<]*tainted/);
    expect(draw(true)).toContain('fill="#fde68a">1 tainted</text>');
  });
});

describe('buildModelInSlices', () => {
  it('builds the same model as buildModel, pausing between slices', async () => {
    const made = auditOf([
      { name: 'a' },
      { name: 'b', pred: ['a', 'gone'] },
      { name: 'c', pred: ['b'], status: 'invalid', codes: ['duplicate_jti'] },
    ]);
    let pauses = 0;
    const sliced = await buildModelInSlices(made, 30, async () => void pauses++, -1);
    expect(sliced).toEqual(buildModel(made, 30));
    expect(sliced.counts).toMatchObject({ tokens: 3, ghosts: 1, invalid: 1 });
    expect(pauses).toBeGreaterThan(1);
  });
});

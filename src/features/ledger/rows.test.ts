import { describe, expect, it } from 'vitest';
import type { AuditReport } from 'wimse-ect';
import type { EntryRecord } from '../../storage/ledger.ts';
import { bundleFileName, describeStorageError, formatIat, short } from './format.ts';
import { buildRows, FacetCounter, facets, fillRows, filterRows, NO_FILTERS, type Row } from './rows.ts';

const entry = (seq: number, claims: Record<string, unknown>): EntryRecord => ({
  ledgerId: 'l',
  seq,
  token: `t${seq}`,
  jti: String(claims.jti),
  claims,
  appendedAt: 1000,
  prevHash: '0',
  entryHash: '1',
});

const entries = [
  entry(1, { jti: 'AAAA-1', iss: 'spiffe://x/agent/a', exec_act: 'plan', wid: 'w1', iat: 100 }),
  entry(2, { jti: 'BBBB-2', iss: 'spiffe://x/agent/b', exec_act: 'Build', wid: 'w1', iat: 200 }),
  entry(3, { jti: 'CCCC-3', iss: 'spiffe://x/agent/b', exec_act: 'deploy', wid: 'w2', iat: 300 }),
];
const node = (index: number, valid: boolean, tainted: boolean, codes: string[]) =>
  ({
    index,
    jti: null,
    valid,
    tainted,
    codes,
    report: null,
    record: null,
  }) as unknown as AuditReport['nodes'][0];
const audit = {
  nodes: [
    node(0, true, false, []),
    node(1, false, false, ['cycle', 'parent_policy']),
    node(2, true, true, []),
  ],
  edges: [],
  violations: [],
  missing: [],
} as AuditReport;

describe('ledger rows', () => {
  const rows = buildRows(entries, audit);

  it('take the audit verdict of the node at the same position', () => {
    expect(rows.map((r) => r.status)).toEqual(['valid', 'invalid', 'tainted']);
    expect(rows[1]!.codes).toEqual(['cycle', 'parent_policy']);
    // an audit of another length (stale) is not used
    expect(buildRows(entries, { ...audit, nodes: audit.nodes.slice(0, 2) }).map((r) => r.status)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
  });

  it('filter by free text (any case), fields, status, code and iat range', () => {
    const seqs = (f: Partial<typeof NO_FILTERS>) =>
      filterRows(rows, { ...NO_FILTERS, ...f }).map((r) => r.seq);
    expect(filterRows(rows, NO_FILTERS)).toBe(rows);
    expect(seqs({ q: 'bbbb' })).toEqual([2]);
    expect(seqs({ q: 'build' })).toEqual([2]);
    expect(seqs({ q: 'agent/b' })).toEqual([2, 3]);
    expect(seqs({ wid: 'w1' })).toEqual([1, 2]);
    expect(seqs({ iss: 'spiffe://x/agent/b', act: 'deploy' })).toEqual([3]);
    expect(seqs({ status: 'valid' })).toEqual([1]);
    expect(seqs({ status: 'invalid' })).toEqual([2]);
    expect(seqs({ status: 'tainted' })).toEqual([3]);
    expect(seqs({ status: 'code:parent_policy' })).toEqual([2]);
    expect(seqs({ from: 150 })).toEqual([2, 3]);
    expect(seqs({ from: 150, to: 250 })).toEqual([2]);
  });

  it('are the same made a part at a time (as a large ledger’s are, between paints) as at once', () => {
    for (const cut of [0, 1, 2, 3]) {
      const parts = new Array<Row>(entries.length);
      const counter = new FacetCounter();
      for (const [from, to] of [
        [0, cut],
        [cut, entries.length],
      ] as const) {
        fillRows(parts, entries, audit, new Map(), from, to);
        counter.add(parts, from, to);
      }
      expect(parts).toEqual(rows);
      expect(counter.result()).toEqual(facets(rows));
    }
  });

  it('order a menu of many distinct values by count at once, ties in the order first seen', () => {
    const many = Array.from({ length: 6000 }, (_, i) =>
      entry(i + 1, {
        jti: `j${i}`,
        iss: `spiffe://x/agent/${i % 3 === 0 ? 'c' : i % 3 === 1 ? 'b' : 'a'}`,
        wid: i < 10 ? 'w-big' : `w${6000 - i}`,
      }),
    );
    const f = facets(buildRows(many, null));
    expect(f.wid.length).toBe(5991);
    expect(f.wid[0]).toEqual(['w-big', 10]);
    expect(f.wid.slice(1, 4)).toEqual([
      ['w5990', 1],
      ['w5989', 1],
      ['w5988', 1],
    ]);
    // A short menu still sorts its ties alphabetically.
    expect(f.iss.map(([v]) => v)).toEqual(['spiffe://x/agent/a', 'spiffe://x/agent/b', 'spiffe://x/agent/c']);
  });

  it('count distinct values for the menus, most frequent first', () => {
    const f = facets(rows);
    expect(f.iss).toEqual([
      ['spiffe://x/agent/b', 2],
      ['spiffe://x/agent/a', 1],
    ]);
    expect(f.status).toEqual({ valid: 1, tainted: 1, invalid: 1, pending: 0 });
    expect(f.codes).toEqual([
      ['cycle', 1],
      ['parent_policy', 1],
    ]);
  });
});

describe('ledger formatting', () => {
  it('names the export file safely', () => {
    expect(bundleFileName('My first ledger')).toBe('ect-ledger-My-first-ledger.json');
    expect(bundleFileName('../../etc/passwd')).toBe('ect-ledger-etc-passwd.json');
    expect(bundleFileName('   ')).toBe('ect-ledger-untitled.json');
  });

  it('shortens and formats', () => {
    expect(short('0123456789abcdef')).toBe('01234567…');
    expect(short('abc')).toBe('abc');
    expect(formatIat(1767225000)).toBe('2025-12-31 23:50:00Z');
    expect(formatIat(null)).toBe('');
  });

  it('says what a storage failure means, and that nothing was written', () => {
    const quota = Object.assign(new Error('AbortError'), {
      name: 'AbortError',
      inner: { name: 'QuotaExceededError' },
    });
    expect(describeStorageError(quota)).toMatch(/quota exceeded.*Nothing was written/);
    expect(describeStorageError(Object.assign(new Error('x'), { name: 'DatabaseClosedError' }))).toMatch(
      /IndexedDB\) failed: x\. Nothing was written/,
    );
  });
});

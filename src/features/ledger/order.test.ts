import { describe, expect, it } from 'vitest';
import type { AuditReport } from 'wimse-ect';
import type { EntryRecord } from '../../storage/ledger.ts';
import { csvCell, rowsToCsv } from './csv.ts';
import { nextSort, sortRows } from './order.ts';
import { buildRows, filterRows, NO_FILTERS } from './rows.ts';

const entry = (
  seq: number,
  claims: Record<string, unknown>,
  appendedAt = 1_767_225_000_000 + seq,
): EntryRecord => ({
  ledgerId: 'l',
  seq,
  token: `t${seq}`,
  jti: String(claims.jti),
  claims,
  appendedAt,
  prevHash: '0',
  entryHash: '1',
});

const entries = [
  entry(1, { jti: 'cc-1', iss: 'spiffe://x/agent/a', exec_act: 'plan', wid: 'w1', iat: 300, pred: [] }),
  entry(2, {
    jti: 'aa-2',
    iss: 'spiffe://x/agent/b',
    exec_act: '=HYPERLINK("x")',
    wid: 'w1',
    pred: ['cc-1'],
  }),
  entry(3, {
    jti: 'bb-3',
    iss: 'spiffe://x/agent/c',
    exec_act: 'deploy, "prod"',
    wid: 'w2',
    iat: 100,
    par: ['aa-2'],
  }),
  entry(4, {
    jti: 'dd-4',
    iss: 'spiffe://x/agent/a',
    exec_act: 'evil\u202etxt',
    wid: 'w2',
    iat: 200,
    pred: ['gone'],
  }),
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
    node(1, true, true, []),
    node(2, false, false, ['cycle']),
    node(3, false, false, ['parent_not_found', 'cycle']),
  ],
  edges: [],
  violations: [],
  missing: [],
} as AuditReport;
const rows = buildRows(entries, audit);
const seqs = (r: readonly { seq: number }[]) => r.map((x) => x.seq);

describe('the ledger table', () => {
  it('searches pred (and -00 par) and violation codes too', () => {
    const q = (text: string) => seqs(filterRows(rows, { ...NO_FILTERS, q: text }));
    expect(q('cc-1')).toEqual([1, 2]); // its own jti, and the entry that names it in pred
    expect(q('AA-2')).toEqual([2, 3]); // par of a -00 token
    expect(q('gone')).toEqual([4]);
    expect(q('parent_not_found')).toEqual([4]);
    expect(q('cycle')).toEqual([3, 4]);
  });

  it('sorts by a column either way, ties in ledger order, entries without iat last', () => {
    expect(seqs(sortRows(rows, null))).toEqual([1, 2, 3, 4]);
    expect(seqs(sortRows(rows, { key: 'jti', dir: 'asc' }))).toEqual([2, 3, 1, 4]);
    expect(seqs(sortRows(rows, { key: 'jti', dir: 'desc' }))).toEqual([4, 1, 3, 2]);
    expect(seqs(sortRows(rows, { key: 'iat', dir: 'asc' }))).toEqual([3, 4, 1, 2]);
    expect(seqs(sortRows(rows, { key: 'iat', dir: 'desc' }))).toEqual([1, 4, 3, 2]);
    // Problems first: invalid (fewest codes first), then tainted, then valid.
    expect(seqs(sortRows(rows, { key: 'status', dir: 'asc' }))).toEqual([3, 4, 2, 1]);
    expect(seqs(sortRows(rows, { key: 'iss', dir: 'asc' }))).toEqual([1, 4, 2, 3]);
    expect(seqs(sortRows(rows, { key: 'seq', dir: 'desc' }))).toEqual([4, 3, 2, 1]);
  });

  it('cycles a column header: ascending, descending, ledger order', () => {
    expect(nextSort(null, 'iat')).toEqual({ key: 'iat', dir: 'asc' });
    expect(nextSort({ key: 'iat', dir: 'asc' }, 'iat')).toEqual({ key: 'iat', dir: 'desc' });
    expect(nextSort({ key: 'iat', dir: 'desc' }, 'iat')).toBeNull();
    expect(nextSort({ key: 'iat', dir: 'desc' }, 'jti')).toEqual({ key: 'jti', dir: 'asc' });
  });

  it('exports the rows shown as CSV, formulas defused and invisible characters escaped', () => {
    const csv = rowsToCsv(sortRows(rows, { key: 'iat', dir: 'asc' }));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,appended_at,jti,wid,iss,exec_act,iat,iat_utc,status,codes,ledger_problems,pred,receipt',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '4', '1', '2']);
    expect(lines[1]).toBe(
      `3,2025-12-31T23:50:00.003Z,bb-3,w2,spiffe://x/agent/c,"deploy, ""prod""",100,1970-01-01T00:01:40.000Z,invalid,cycle,,aa-2,false`,
    );
    expect(lines[2]).toContain(',evil\\u202etxt,');
    expect(lines[2]).toContain(',invalid,parent_not_found cycle,,gone,');
    expect(lines[4]).toContain(`,"'=HYPERLINK(""x"")",,,tainted,`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('a\nb')).not.toMatch(/[\r\n]/); // a line break in a claim stays on its line, escaped
    expect(csvCell('a,b')).toBe('"a,b"');
  });
});

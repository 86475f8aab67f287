import { describe, expect, it } from 'vitest';
import { auditTokens, decodeToken, type TrustStore } from 'wimse-ect';
import { DEMO_DEFECTS, demoTokens } from './demoLedger.ts';
import { EXAMPLE_AGENTS } from './exampleAgents.ts';

const trust: TrustStore = {
  kind: 'issuers',
  keys: EXAMPLE_AGENTS.map((a) => {
    const { d: _d, ...pub } = a.jwk;
    void _d;
    return { jwk: pub, kid: String(a.jwk.kid), issuer: a.issuer };
  }),
  skipped: [],
};

describe('the demo ledger', () => {
  it('plants exactly the defects it lists, each on the task it names', async () => {
    const now = 1_800_000_000;
    const tokens = await demoTokens(now - 1800);
    const report = await auditTokens(tokens, { trust, now });
    const act = (i: number) => {
      const d = decodeToken(tokens[i]!);
      return d.ok ? String(d.decoded.payload.exec_act) : '?';
    };
    const found = report.nodes
      .filter((n) => n.codes.length || n.tainted)
      .map((n) => `${act(n.index)}: ${n.tainted ? 'tainted' : [...new Set(n.codes)].sort().join(',')}`);
    expect(found.sort()).toEqual(
      [
        'fetch_deps: parent_not_found',
        'sync_state: cycle',
        'sync_state: cycle',
        'lint_code: duplicate_jti',
        'lint_again: duplicate_jti',
        'sign_off: temporal_violation',
        'notify_team: workflow_mismatch',
        'deploy_prod: parent_policy',
        'publish_secrets: invalid_signature',
        'announce: tainted',
      ].sort(),
    );
    // Every listed finding names a code the audit really reports.
    const codes = new Set(report.nodes.flatMap((n) => n.codes));
    for (const d of DEMO_DEFECTS) {
      const code = /\((\w+)\)$/.exec(d.finding)![1]!;
      expect(code === 'tainted' || codes.has(code as never), d.finding).toBe(true);
    }
    expect(report.nodes.filter((n) => n.valid && !n.tainted)).toHaveLength(4);
  });
});

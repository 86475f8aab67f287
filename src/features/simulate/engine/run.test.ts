import { describe, expect, it } from 'vitest';
import { importJWK, type CryptoKey } from 'jose';
import { decodeToken, verifyChain, verifyReceipt } from 'wimse-ect';
import { BUILTIN_SCENARIOS, builtinScenario } from './scenarios.ts';
import { NETWORK_SECONDS, Simulation, STEP_SECONDS } from './run.ts';
import { endpointOf, renderRequest } from './request.ts';
import { validateScenario } from './validate.ts';

const START = 1_760_000_000;

describe('built-in scenarios', () => {
  it('are all valid', () => {
    for (const b of BUILTIN_SCENARIOS) expect(validateScenario(b.scenario), b.id).toEqual([]);
  });

  for (const b of BUILTIN_SCENARIOS.filter((x) => x.id !== 'cross-org')) {
    it(`${b.id} runs to the end with every step valid`, async () => {
      const sim = await Simulation.start(b.scenario, { startTime: START });
      const steps = await sim.runAll();
      expect(steps).toHaveLength(b.scenario.tasks.length);
      for (const s of steps) {
        expect(s.outcome, `${b.id} step ${s.n} (${s.taskId}): ${s.report?.codes.join(', ')}`).toBe(
          'accepted',
        );
        expect(s.report!.valid).toBe(true);
        expect(s.response).toEqual({ status: 202, reason: 'Accepted' });
      }
      const views = await sim.storeViews();
      expect(views).toHaveLength(1);
      expect(views[0]!.entries.map((e) => e.seq)).toEqual(steps.map((_, i) => i + 1));
      expect(views[0]!.chain.ok).toBe(true);
      expect(sim.acceptedTokens()).toHaveLength(steps.length);
    });
  }

  it('cross-org runs to the end with exactly the expected partial-verification finding', async () => {
    const scenario = builtinScenario('cross-org')!;
    const sim = await Simulation.start(scenario, { startTime: START });
    const steps = await sim.runAll();
    expect(steps.map((s) => [s.taskId, s.outcome])).toEqual([
      ['collect', 'accepted'],
      ['order', 'partial'],
      ['accession', 'accepted'],
      ['assay', 'accepted'],
    ]);
    const order = steps[1]!;
    expect(order.report!.code).toBe('parent_not_found');
    expect(order.report!.codes).toEqual(['parent_not_found']);
    const failing = order.report!.steps.filter((s) => s.status === 'fail');
    expect(failing.map((s) => s.n)).toEqual([15]);
    expect(order.unresolved).toEqual([
      { jti: sim.jtiOf('collect'), taskId: 'collect', domain: 'hospital.example' },
    ]);
    expect(order.store).toBe('lab.example store');
    expect(order.entry?.seq).toBe(1);
    const views = await sim.storeViews();
    expect(views.map((v) => [v.name, v.entries.map((e) => e.jti)])).toEqual([
      ['hospital.example store', [sim.jtiOf('collect')]],
      ['lab.example store', [sim.jtiOf('order'), sim.jtiOf('accession'), sim.jtiOf('assay')]],
    ]);
  });

  it('L3: every append returns a signed receipt and the chain verifies', async () => {
    const sim = await Simulation.start(builtinScenario('clinical-l3')!, { startTime: START });
    const steps = await sim.runAll();
    expect(steps.every((s) => s.outcome === 'accepted')).toBe(true);
    for (const s of steps) {
      expect(s.entry?.receipt, `step ${s.n}`).toBeTruthy();
      expect(s.report!.level).toBe('L3');
    }
    const [view] = await sim.storeViews();
    expect(view!.receipts).toBe(true);
    expect(view!.chain).toEqual({ ok: true });
    const receiptKey = (await importJWK(view!.ledgerPublicJwk!, 'ES256')) as CryptoKey;
    const chain = await verifyChain(view!.entries, receiptKey);
    expect(chain.ok).toBe(true);
    for (const e of view!.entries) {
      const r = await verifyReceipt(e.receipt!, receiptKey);
      expect(r).toMatchObject({ seq: e.seq, entry_hash: e.entryHash, jti: e.jti });
    }
  });
});

describe('the run', () => {
  it('signs each task with its agent’s own key and links pred to the parents’ jti', async () => {
    const sim = await Simulation.start(builtinScenario('document-pipeline')!, {
      startTime: START,
      runTag: 't1',
    });
    const steps = await sim.runAll();
    const publish = steps.find((s) => s.taskId === 'publish')!;
    expect(publish.claims!.pred).toEqual([sim.jtiOf('redact'), sim.jtiOf('summarize')]);
    expect(publish.claims!.wid).toBe('3d8c1e6a-9f2b-4a7e-b5d1-6e0a4c8f2b19');
    expect(publish.claims!.aud).toEqual(['spiffe://customer.example/agent/archive']);
    const d = decodeToken(publish.token!);
    expect(d.ok && d.decoded.level === 'L2' && d.decoded.header.kid).toBe('publisher-key-t1');
    expect(steps.map((s) => s.taskId)).toEqual(['extract', 'classify', 'redact', 'summarize', 'publish']);
    const kids = new Set(
      steps.map((s) => {
        const dd = decodeToken(s.token!);
        return dd.ok && dd.decoded.level === 'L2' ? dd.decoded.header.kid : null;
      }),
    );
    expect(kids.size).toBe(5);
  });

  it('advances the simulated clock a few seconds per step', async () => {
    const sim = await Simulation.start(builtinScenario('software-release')!, { startTime: START });
    const steps = await sim.runAll();
    steps.forEach((s, i) => {
      expect(s.issuedAt).toBe(START + i * STEP_SECONDS);
      expect(s.receivedAt).toBe(START + i * STEP_SECONDS + NETWORK_SECONDS);
      expect(s.claims!.iat).toBe(s.issuedAt);
      expect(s.claims!.exp).toBe(s.issuedAt! + 600);
    });
  });

  it('renders the request with its Execution-Context header', async () => {
    const sim = await Simulation.start(builtinScenario('refimpl-demo')!, { startTime: START });
    const step = (await sim.next())!;
    expect(step.request!.text.split('\n')).toEqual([
      'POST /agent/b/tasks HTTP/1.1',
      'Host: example.com',
      'Content-Type: application/json',
      `Execution-Context: ${step.token}`,
    ]);
    expect(step.claims).toMatchObject({
      iss: 'spiffe://example.com/agent/a',
      aud: ['spiffe://example.com/agent/b'],
      exec_act: 'review_spec',
      pred: [],
      ect_ext: { pol: 'policy_v1', pol_decision: 'approved' },
    });
    expect(step.claims!.wid).toBeUndefined();
    expect(sim.done).toBe(false);
    expect(sim.nextTask).toBe('child');
  });

  it('falls back to the domain when the issuer is not a URI', () => {
    expect(endpointOf({ name: 'My Agent', issuer: 'agent-x', domain: 'corp.example' })).toEqual({
      host: 'corp.example',
      path: '/agents/my-agent/tasks',
    });
    expect(renderRequest({ name: 'x', issuer: 'https://a.example/x/', domain: 'a' }, 'T').path).toBe(
      '/x/tasks',
    );
  });

  it('refuses to start an invalid scenario or a fault that cannot apply', async () => {
    const s = builtinScenario('refimpl-demo')!;
    s.tasks[1]!.agent = 'Nobody';
    await expect(Simulation.start(s)).rejects.toThrow(/unknown agent "Nobody"/);
    await expect(
      Simulation.start(builtinScenario('refimpl-demo')!, { faults: [{ kind: 'cycle', task: 'review' }] }),
    ).rejects.toThrow(/needs a task with a predecessor/);
  });

  it('gives the trust store of the run’s agents, for the Keys tab', async () => {
    const sim = await Simulation.start(builtinScenario('refimpl-demo')!, { runTag: 'abc' });
    const doc = sim.trustStoreDocument();
    expect(Object.keys(doc.issuers)).toEqual([
      'spiffe://example.com/agent/a',
      'spiffe://example.com/agent/b',
    ]);
    expect(doc.issuers['spiffe://example.com/agent/a']!.keys[0]).toMatchObject({ kid: 'agent-a-key-abc' });
    expect(doc.issuers['spiffe://example.com/agent/a']!.keys[0]).not.toHaveProperty('d');
  });
});

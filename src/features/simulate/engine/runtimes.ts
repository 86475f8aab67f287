/**
 * What a run starts with: each agent's ES256 key, trust store and replay cache, each store's
 * ledger (with its own receipt key at L3), and the rogue key of the "wrong key" fault. Split from
 * run.ts.
 */
import {
  generateSigningKey,
  MemoryLedger,
  MemoryReplayStore,
  parseTrustStore,
  type GeneratedKey,
  type LedgerKey,
} from 'wimse-ect';
import type { AgentRuntime, StoreRuntime } from './deliver.ts';
import { storeNameOf, type FaultSetting } from './faults.ts';
import { slug } from './request.ts';
import type { Scenario } from './types.ts';

export interface Runtimes {
  /** By agent name. */
  agents: Map<string, AgentRuntime>;
  /** By store name. */
  stores: Map<string, StoreRuntime>;
  rogue: GeneratedKey | undefined;
}

/** Makes every key of a run (kids end with `runTag`, so they stay unique when runs are saved). */
export async function makeRuntimes(
  scenario: Scenario,
  runTag: string,
  faults: readonly FaultSetting[],
): Promise<Runtimes> {
  const agents = new Map<string, AgentRuntime>();
  const stores = new Map<string, StoreRuntime>();
  const made = await Promise.all(
    scenario.agents.map(async (agent) => {
      const kid = `${slug(agent.name)}-key-${runTag}`;
      return { agent, kid, key: await generateSigningKey({ kid }) };
    }),
  );
  const doc = {
    issuers: Object.fromEntries(made.map((m) => [m.agent.issuer, { keys: [m.key.publicJwk] }])),
  };
  for (const m of made) {
    // Every agent trusts every agent of the scenario (keys exchanged out of band, across domains too).
    agents.set(m.agent.name, { ...m, trust: parseTrustStore(doc), replay: new MemoryReplayStore() });
  }
  for (const agent of scenario.agents) {
    const name = storeNameOf(scenario, agent);
    if (stores.has(name)) continue;
    let key: LedgerKey | undefined;
    if (scenario.level === 'L3') {
      const k = await generateSigningKey({ kid: `ledger-${slug(name)}-${runTag}` });
      key = { kid: k.kid, privateKey: k.privateKey, publicJwk: k.publicJwk };
    }
    stores.set(name, { name, ledger: new MemoryLedger(key ? { key } : {}), ...(key ? { key } : {}) });
  }
  const rogue = faults.some((f) => f.kind === 'wrong_key')
    ? await generateSigningKey({ kid: `rogue-${runTag}` })
    : undefined;
  return { agents, stores, rogue };
}

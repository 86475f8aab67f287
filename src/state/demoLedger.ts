/**
 * The demo ledger: one release workflow of fourteen tasks, signed in the browser by the example
 * agents (the conformance vectors' published test keys), with one of each defect the whole-set
 * audit finds planted in it. It gives a first-time visitor something to review in the Ledger and
 * Graph tabs, in the way Jaeger's HotROD demo does for traces.
 */
import { create } from 'zustand';
import { createToken, encodeBase64UrlText, type JsonObject } from 'wimse-ect';
import { EXAMPLE_AGENTS } from './exampleAgents.ts';
import { useKeyring } from './keyring.ts';
import { useLedgers } from './ledgers.ts';

export const DEMO_LEDGER_NAME = 'Demo: release workflow with planted defects';

/** What the demo plants, in the words the Ledger and Graph tabs use: shown after loading it. */
export const DEMO_DEFECTS: readonly { act: string; finding: string }[] = [
  { act: 'fetch_deps', finding: 'names a parent that is not in the ledger (parent_not_found)' },
  { act: 'sync_state', finding: 'two tasks that name each other as parent (cycle)' },
  { act: 'lint_code, lint_again', finding: 'two tokens with one jti (duplicate_jti)' },
  { act: 'sign_off', finding: 'issued five minutes before its parent (temporal_violation)' },
  { act: 'notify_team', finding: 'from another workflow than its parent (workflow_mismatch)' },
  { act: 'deploy_prod', finding: 'child of an approval whose policy decision was rejected (parent_policy)' },
  {
    act: 'publish_secrets',
    finding: 'signed as publish_docs, its action rewritten afterwards (invalid_signature)',
  },
  { act: 'announce', finding: 'valid itself, but built on publish_secrets (tainted)' },
];

type AgentIndex = 0 | 1 | 2;

interface DemoTask {
  agent: AgentIndex;
  /** Which task id (1-based, in this workflow) this token carries as jti. */
  id: number;
  /** Seconds after the workflow started. */
  at: number;
  act: string;
  pred: number[];
  otherWorkflow?: true;
  ext?: JsonObject;
  tamper?: true;
}

const TASKS: readonly DemoTask[] = [
  { agent: 0, id: 1, at: 0, act: 'plan_release', pred: [] },
  { agent: 1, id: 2, at: 60, act: 'build_artifact', pred: [1] },
  { agent: 2, id: 3, at: 120, act: 'run_tests', pred: [2] },
  { agent: 1, id: 4, at: 130, act: 'fetch_deps', pred: [99] },
  { agent: 0, id: 5, at: 140, act: 'sync_state', pred: [6] },
  { agent: 1, id: 6, at: 150, act: 'sync_state', pred: [5] },
  { agent: 2, id: 7, at: 160, act: 'lint_code', pred: [1] },
  { agent: 2, id: 7, at: 170, act: 'lint_again', pred: [1] },
  { agent: 0, id: 8, at: -180, act: 'sign_off', pred: [3] },
  { agent: 1, id: 9, at: 180, act: 'notify_team', pred: [1], otherWorkflow: true },
  {
    agent: 0,
    id: 10,
    at: 190,
    act: 'approve_deploy',
    pred: [2],
    ext: { pol: 'deploy-policy-v1', pol_decision: 'rejected' },
  },
  { agent: 1, id: 11, at: 200, act: 'deploy_prod', pred: [10] },
  { agent: 2, id: 12, at: 210, act: 'publish_docs', pred: [3], tamper: true },
  { agent: 0, id: 13, at: 220, act: 'announce', pred: [12] },
];

/** How many tokens the demo holds. */
export const DEMO_TOKEN_COUNT = TASKS.length;

/** The demo's tokens, in ledger order, for a workflow that started `startedAt` (Unix seconds). */
export async function demoTokens(startedAt: number): Promise<string[]> {
  const ids = new Map<number, string>();
  const id = (n: number) => {
    let v = ids.get(n);
    if (!v) ids.set(n, (v = crypto.randomUUID()));
    return v;
  };
  const wid = crypto.randomUUID();
  const otherWid = crypto.randomUUID();
  const tokens: string[] = [];
  for (const t of TASKS) {
    const agent = EXAMPLE_AGENTS[t.agent]!;
    const iat = startedAt + t.at;
    const claims: JsonObject = {
      iss: agent.issuer,
      aud: [EXAMPLE_AGENTS[(t.agent + 1) % 3]!.issuer],
      iat,
      exp: iat + 600,
      jti: id(t.id),
      wid: t.otherWorkflow ? otherWid : wid,
      exec_act: t.act,
      pred: t.pred.map(id),
      ...(t.ext ? { ect_ext: t.ext } : {}),
    };
    const { token } = await createToken(claims, { key: agent.jwk, now: iat });
    if (!t.tamper) {
      tokens.push(token);
      continue;
    }
    // The action rewritten after signing: the signature no longer matches the payload.
    const [header, , signature] = token.split('.');
    const changed = encodeBase64UrlText(JSON.stringify({ ...claims, exec_act: 'publish_secrets' }));
    tokens.push(`${header}.${changed}.${signature}`);
  }
  return tokens;
}

/** Whether the last demo load had to put the example agents back (the guide says so). */
export const useDemoNotice = create<{ agentsRestored: boolean }>(() => ({ agentsRestored: false }));

export interface DemoOutcome {
  name: string;
  added: number;
  /** Example agents put back into the keyring so the demo's signatures can be checked. */
  agentsRestored: boolean;
}

/**
 * Creates the demo ledger, opens it and imports the demo into it. The example agents' public keys
 * must be trusted for the signatures to verify: when the user deleted them, they are added back
 * (and the outcome says so).
 */
export async function loadDemoLedger(now = Math.floor(Date.now() / 1000)): Promise<DemoOutcome> {
  const keyring = useKeyring.getState();
  if (keyring.status !== 'ready') await keyring.load();
  const kids = new Set(useKeyring.getState().keys.map((k) => k.kid));
  const agentsRestored = EXAMPLE_AGENTS.some((a) => !kids.has(String(a.jwk.kid)));
  if (agentsRestored) await useKeyring.getState().addExampleAgents();

  const tokens = await demoTokens(now - 30 * 60);
  const ledgers = useLedgers.getState();
  if (ledgers.status === 'idle') await ledgers.load();
  await useLedgers.getState().create(DEMO_LEDGER_NAME);
  const { added } = await useLedgers.getState().importText(JSON.stringify(tokens));
  useDemoNotice.setState({ agentsRestored });
  return { name: DEMO_LEDGER_NAME, added, agentsRestored };
}

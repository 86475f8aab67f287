/**
 * A simulation scenario: the agents of a multi-agent workflow, the tasks they
 * perform (each one becomes one ECT) and how the tokens are checked. Plain
 * JSON, so that a scenario can be saved in the browser or as a file.
 */
import type { PolicyDecision } from 'wimse-ect';

/** L2: signed tokens; L3: the ledger has its own key and signs a receipt for every append. */
export type ScenarioLevel = 'L2' | 'L3';

export interface ScenarioAgent {
  /** Unique within the scenario; tasks and audiences refer to agents by name. */
  name: string;
  /** The agent's issuer id (`iss`), e.g. spiffe://example.com/agent/a. */
  issuer: string;
  /** The trust domain (organisation) the agent belongs to, e.g. example.com. */
  domain: string;
}

export interface ScenarioTask {
  /** Unique within the scenario, e.g. task-001. The token's `jti` is a fresh UUID per run. */
  id: string;
  /** The agent that performs the task and signs its token. */
  agent: string;
  exec_act: string;
  /** Ids of predecessor tasks (the token's `pred` holds their `jti`s). */
  pred: string[];
  /** Agents the token is meant for (`aud`); the first one receives and verifies it. */
  aud: string[];
  /** Overrides the scenario's workflow id for this task. */
  wid?: string;
  pol?: string;
  pol_decision?: PolicyDecision;
  inp_hash?: string;
  out_hash?: string;
}

export interface Scenario {
  name: string;
  description: string;
  level: ScenarioLevel;
  /** The workflow id every task carries (absent: the tokens carry no `wid`). */
  wid?: string;
  /**
   * 'shared': every verifier checks against one ledger. 'per-domain': each trust domain keeps its
   * own store (federated organisations), so a verifier may not hold another domain's tasks.
   */
  stores: 'shared' | 'per-domain';
  /**
   * Local policy of the verifiers: accept a token whose only problem is a parent issued in another
   * trust domain and absent from their store (the draft's "partial DAG verification"), recording
   * the parent as unresolved. The finding is still reported.
   */
  partialDag: boolean;
  agents: ScenarioAgent[];
  tasks: ScenarioTask[];
  /** The task the fault switches apply to by default (when the fault can apply to it). */
  faultTask?: string;
}

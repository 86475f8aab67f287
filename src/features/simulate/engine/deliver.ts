/**
 * One delivery of the simulator: the receiving agent verifies a token against its trust store, its
 * replay cache and its store, with the simulated clock, as a server would answer the request; under
 * the scenario's partial-DAG policy a token whose only failure is parents of another trust domain
 * is accepted as partial and appended. The result is the run's step. Also the runtime records of
 * agents and stores that a run holds, and the store overlay of the "cycle" fault.
 */
import {
  decodeToken,
  verifyToken,
  type GeneratedKey,
  type JsonObject,
  type LedgerKey,
  type MemoryLedger,
  type MemoryReplayStore,
  type Settings,
  type TaskRecord,
  type TaskStore,
  type TrustStore,
  type VerificationReport,
} from 'wimse-ect';
import type { FaultKind } from './faults.ts';
import { renderRequest } from './request.ts';
import type { SimStep, StepOutcome } from './steps.ts';
import type { ScenarioAgent, ScenarioTask } from './types.ts';

export interface AgentRuntime {
  agent: ScenarioAgent;
  kid: string;
  key: GeneratedKey;
  trust: TrustStore;
  replay: MemoryReplayStore;
}

export interface StoreRuntime {
  name: string;
  ledger: MemoryLedger;
  key?: LedgerKey;
}

/** A task store that shows some records in place of the store's own (the "cycle" fault's corruption). */
export class OverlayStore implements TaskStore {
  constructor(
    private readonly base: TaskStore,
    private readonly replaced: ReadonlyMap<string, TaskRecord>,
  ) {}
  async tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]> {
    const fromBase = await this.base.tasks(jtis.filter((j) => !this.replaced.has(j)));
    return [...fromBase, ...jtis.flatMap((j) => this.replaced.get(j) ?? [])];
  }
}

export interface Delivery {
  /** The step's 1-based position in the run. */
  n: number;
  task: ScenarioTask;
  kind: 'send' | 'replay' | 'shadow';
  issuer: AgentRuntime;
  receiver: AgentRuntime;
  /** The receiver's store: checked against, appended to. */
  store: StoreRuntime;
  settings: Settings;
  token: string;
  claims: JsonObject;
  /** Simulated Unix seconds: when the issuer signed (absent for a replay) and when the receiver checks. */
  issuedAt: number | undefined;
  receivedAt: number;
  notes: string[];
  faults: FaultKind[];
  /** A task store shown to the verifier instead of the ledger (the "cycle" fault). */
  overlay?: TaskStore | undefined;
  /**
   * Under the scenario's partial-DAG policy: the parents that make a refused report a case of
   * partial verification (then accepted as partial), or null. Absent: no such policy.
   */
  partialParents?: ((report: VerificationReport) => SimStep['unresolved'] | null) | undefined;
}

export async function deliver(d: Delivery): Promise<SimStep> {
  const { store, receiver, receivedAt } = d;
  const report = await verifyToken(d.token, {
    trust: receiver.trust,
    settings: d.settings,
    audience: receiver.agent.issuer,
    now: receivedAt,
    ledger: store.ledger,
    replay: receiver.replay,
    mode: 'arrival',
    ...(d.overlay ? { store: d.overlay } : {}),
  });
  let outcome: StepOutcome = report.valid ? 'accepted' : 'refused';
  let entry = report.entry;
  let unresolved: SimStep['unresolved'];
  const partial = !report.valid && d.partialParents ? d.partialParents(report) : null;
  if (partial) {
    // Local policy: accept with partial DAG verification, parents recorded as unresolved.
    outcome = 'partial';
    unresolved = partial;
    const payload = report.payload!;
    entry = await store.ledger.append(report.token, payload, { now: receivedAt * 1000 });
    const exp = payload.exp as number;
    await receiver.replay.checkAndRecord(payload.jti as string, exp + d.settings.clockSkew, receivedAt);
  }
  const decodedClaims = decodeToken(d.token);
  return {
    n: d.n,
    taskId: d.task.id,
    exec_act: d.task.exec_act,
    kind: d.kind,
    from: d.issuer.agent.name,
    to: receiver.agent.name,
    store: store.name,
    outcome,
    ...(d.issuedAt !== undefined ? { issuedAt: d.issuedAt } : {}),
    receivedAt,
    jti: typeof d.claims.jti === 'string' ? d.claims.jti : undefined,
    token: d.token,
    claims: decodedClaims.ok ? decodedClaims.decoded.payload : d.claims,
    request: renderRequest(receiver.agent, d.token),
    response:
      outcome === 'accepted' || outcome === 'partial'
        ? { status: 202, reason: 'Accepted' }
        : report.code === 'malformed'
          ? { status: 400, reason: 'Bad Request' }
          : { status: 403, reason: 'Forbidden' },
    report,
    ...(entry ? { entry } : {}),
    faults: d.faults,
    notes: d.notes,
    ...(unresolved ? { unresolved } : {}),
  };
}

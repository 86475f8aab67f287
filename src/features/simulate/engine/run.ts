/**
 * Runs a scenario: every agent gets its own ES256 key (made with WebCrypto,
 * non-extractable); step by step, in a topological order of the tasks, the
 * task's agent creates and signs its ECT, "sends" it as an HTTP request with
 * an `Execution-Context` header, and the receiving agent (the first audience)
 * verifies it against its trust store, its replay cache and its store, with
 * the simulated clock; a valid token is appended to the ledger (with a signed
 * receipt at L3). Fault switches break chosen steps. Pure TypeScript: no
 * React, no DOM, runs in Node for the unit tests.
 */
import {
  createToken,
  resolveSettings,
  type GeneratedKey,
  type JsonObject,
  type Settings,
  type TaskRecord,
  type TaskStore,
  type VerificationReport,
} from 'wimse-ect';
import {
  FAULTS,
  faultProblem,
  receiverOf,
  shadowVerifierOf,
  storeNameOf,
  type FaultKind,
  type FaultSetting,
} from './faults.ts';
import type { Scenario, ScenarioAgent, ScenarioTask } from './types.ts';
import { validateScenario, type ScenarioProblem } from './validate.ts';
import { planOf } from './plan.ts';
import { deliver, OverlayStore, type AgentRuntime, type Delivery, type StoreRuntime } from './deliver.ts';
import { faultResults } from './results.ts';
import { makeRuntimes } from './runtimes.ts';
import type { FaultResult, SimStep, StepOutcome, StoreView } from './steps.ts';
import {
  afterSigning,
  NETWORK_SECONDS,
  SKEW_SECONDS,
  STEP_SECONDS,
  taskClaims,
  type MakingContext,
} from './making.ts';

export { NETWORK_SECONDS, QUEUE_SECONDS, SKEW_SECONDS, STEP_SECONDS } from './making.ts';

export class ScenarioError extends Error {
  readonly problems: readonly ScenarioProblem[];
  constructor(message: string, problems: readonly ScenarioProblem[] = []) {
    super(message);
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

type Action = { kind: 'send' | 'replay' | 'shadow'; task: ScenarioTask };

export interface StartOptions {
  faults?: readonly FaultSetting[];
  /** Simulated clock at the start, Unix seconds; default: the real clock. */
  startTime?: number;
  /** Suffix of every kid of this run (kids stay unique when runs are saved); default: random. */
  runTag?: string;
}

export class Simulation {
  readonly scenario: Scenario;
  readonly faults: readonly FaultSetting[];
  readonly settings: Settings;
  readonly runTag: string;
  readonly startTime: number;
  readonly steps: SimStep[] = [];
  /** The simulated clock, Unix seconds. */
  clock: number;
  readonly #agents = new Map<string, AgentRuntime>();
  readonly #stores = new Map<string, StoreRuntime>();
  readonly #tasks = new Map<string, ScenarioTask>();
  readonly #jti = new Map<string, string>();
  readonly #taskOfJti = new Map<string, string>();
  readonly #status = new Map<string, { outcome: StepOutcome; step: number }>();
  /** The token (and claims) each task sent, for the replay and the shadow branch. */
  readonly #sent = new Map<string, { token: string; claims: JsonObject }>();
  readonly #plan: Action[];
  #cursor = 0;
  #rogue: GeneratedKey | undefined;

  private constructor(scenario: Scenario, faults: readonly FaultSetting[], opts: StartOptions) {
    this.scenario = scenario;
    this.faults = faults;
    this.settings = resolveSettings({ minLevel: scenario.level });
    this.runTag = opts.runTag ?? crypto.randomUUID().slice(0, 6);
    this.startTime = opts.startTime ?? Math.floor(Date.now() / 1000);
    this.clock = this.startTime;
    for (const t of scenario.tasks) {
      this.#tasks.set(t.id, t);
      const jti = crypto.randomUUID();
      this.#jti.set(t.id, jti);
      this.#taskOfJti.set(jti, t.id);
    }
    this.#plan = planOf(scenario, faults).map((p) => ({ kind: p.kind, task: this.#tasks.get(p.taskId)! }));
  }

  /** Checks the scenario and the faults, makes every key, and returns a run at step 0. */
  static async start(scenario: Scenario, opts: StartOptions = {}): Promise<Simulation> {
    const problems = validateScenario(scenario);
    if (problems.length) {
      throw new ScenarioError(
        `the scenario cannot run: ${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}`,
        problems,
      );
    }
    const faults = opts.faults ?? [];
    for (const f of faults) {
      const problem = faultProblem(f.kind, scenario, f.task);
      if (problem) throw new ScenarioError(`fault "${FAULTS[f.kind].label}": ${problem}`);
    }
    const sim = new Simulation(structuredClone(scenario) as Scenario, [...faults], opts);
    await sim.#makeKeys();
    return sim;
  }

  async #makeKeys(): Promise<void> {
    const made = await makeRuntimes(this.scenario, this.runTag, this.faults);
    for (const [name, a] of made.agents) this.#agents.set(name, a);
    for (const [name, st] of made.stores) this.#stores.set(name, st);
    this.#rogue = made.rogue;
  }

  #hasFault(kind: FaultKind, taskId: string): boolean {
    return this.faults.some((f) => f.kind === kind && f.task === taskId);
  }

  /** How many steps the run will take (blocked tasks count as steps). */
  get length(): number {
    return this.#plan.length;
  }

  get done(): boolean {
    return this.#cursor >= this.#plan.length;
  }

  /** The task id of the next step, or null at the end. */
  get nextTask(): string | null {
    return this.#plan[this.#cursor]?.task.id ?? null;
  }

  jtiOf(taskId: string): string | undefined {
    return this.#jti.get(taskId);
  }

  taskOfJti(jti: string): string | undefined {
    return this.#taskOfJti.get(jti);
  }

  /** Runs the next step; null when the run is over. */
  async next(): Promise<SimStep | null> {
    const action = this.#plan[this.#cursor];
    if (!action) return null;
    this.#cursor++;
    const step =
      action.kind === 'send'
        ? await this.#send(action.task)
        : action.kind === 'replay'
          ? await this.#replay(action.task)
          : await this.#shadow(action.task);
    this.steps.push(step);
    return step;
  }

  async runAll(): Promise<SimStep[]> {
    while (!this.done) await this.next();
    return this.steps;
  }

  #agent(name: string): AgentRuntime {
    const a = this.#agents.get(name);
    if (!a) throw new ScenarioError(`unknown agent "${name}"`);
    return a;
  }

  #storeOf(agent: ScenarioAgent): StoreRuntime {
    return this.#stores.get(storeNameOf(this.scenario, agent))!;
  }

  #blocked(task: ScenarioTask, kind: SimStep['kind']): SimStep | null {
    for (const p of task.pred) {
      const st = this.#status.get(p);
      if (!st || st.outcome === 'refused' || st.outcome === 'blocked') {
        const why =
          st?.outcome === 'refused'
            ? `its predecessor ${p} was refused at step ${st.step}`
            : `its predecessor ${p} was never accepted`;
        return this.#blockedStep(
          task,
          p,
          kind === 'send'
            ? `Not sent: ${why}, so ${task.agent} has nothing verified to build on.`
            : `Not sent: ${task.id} itself was never accepted (${why}).`,
        );
      }
    }
    return null;
  }

  /** What the token-making functions (making.ts) read of this run. */
  #making(): MakingContext {
    return {
      scenario: this.scenario,
      faults: this.faults,
      issuerOf: (name) => this.#agent(name).agent.issuer,
      jtiOf: (id) => this.#jti.get(id)!,
      taskOf: (id) => this.#tasks.get(id),
      hasFault: (kind, id) => this.#hasFault(kind, id),
    };
  }

  async #sign(agent: AgentRuntime, claims: JsonObject, now: number, useRogue = false) {
    return createToken(claims, {
      key: useRogue && this.#rogue ? this.#rogue.privateKey : agent.key.privateKey,
      kid: agent.kid,
      now,
      settings: this.settings,
    });
  }

  async #send(task: ScenarioTask): Promise<SimStep> {
    const blocked = this.#blocked(task, 'send');
    if (blocked) {
      this.#status.set(task.id, { outcome: 'blocked', step: blocked.n });
      return blocked;
    }
    const notes: string[] = [];
    const faults: FaultKind[] = [];
    const issuer = this.#agent(task.agent);
    const receiver = this.#agent(receiverOf(this.scenario, task)!.name);
    const claims = taskClaims(this.#making(), task, notes, faults);
    if (this.#hasFault('parent_rejected', task.id)) {
      faults.push('parent_rejected');
      notes.push(`${task.agent} builds on ${task.pred[0]}, whose recorded policy decision is "rejected".`);
    }

    let issuedAt = this.clock;
    if (this.#hasFault('clock_skew', task.id)) {
      issuedAt += SKEW_SECONDS;
      faults.push('clock_skew');
      notes.push(`${task.agent}’s clock runs ${SKEW_SECONDS} s ahead: it writes iat ${issuedAt}.`);
    }
    const rogue = this.#hasFault('wrong_key', task.id);
    if (rogue) {
      faults.push('wrong_key');
      notes.push(
        `Signed with a key that is not in any trust store, under ${task.agent}’s usual kid "${issuer.kid}".`,
      );
    }
    const created = await this.#sign(issuer, claims, issuedAt, rogue);
    const {
      token,
      claims: sentClaims,
      receivedAt,
    } = await afterSigning(this.#making(), task, created, this.clock, notes, faults);

    let overlay: TaskStore | undefined;
    const store = this.#storeOf(receiver.agent);
    if (this.#hasFault('cycle', task.id)) {
      const parentJti = this.#jti.get(task.pred[0]!)!;
      const stored = await store.ledger.tasks([parentJti]);
      const base: TaskRecord = stored[0] ?? { jti: parentJti, pred: [] };
      const corrupted: TaskRecord = { ...base, pred: [...base.pred, claims.jti as string] };
      overlay = new OverlayStore(store.ledger, new Map([[parentJti, corrupted]]));
      faults.push('cycle');
      notes.push(
        `${store.name} corrupted before delivery: its record of ${task.pred[0]} (${parentJti}) now also names this token (${String(
          claims.jti,
        )}) as a predecessor.`,
      );
    }

    const step = await this.#deliver({
      task,
      kind: 'send',
      issuer,
      receiver,
      token,
      claims: sentClaims,
      issuedAt,
      receivedAt,
      notes,
      faults,
      overlay,
    });
    this.#sent.set(task.id, { token, claims: sentClaims });
    this.#status.set(task.id, { outcome: step.outcome, step: step.n });
    this.clock = receivedAt - NETWORK_SECONDS + STEP_SECONDS;
    return step;
  }

  async #replay(task: ScenarioTask): Promise<SimStep> {
    const sent = this.#sent.get(task.id);
    const blocked = this.#blocked(task, 'replay');
    if (!sent || blocked) return this.#notSent(task, 'replay');
    const issuer = this.#agent(task.agent);
    const receiver = this.#agent(receiverOf(this.scenario, task)!.name);
    const receivedAt = this.clock + NETWORK_SECONDS;
    const step = await this.#deliver({
      task,
      kind: 'replay',
      issuer,
      receiver,
      token: sent.token,
      claims: sent.claims,
      issuedAt: undefined,
      receivedAt,
      faults: ['replay'],
      notes: [
        `The token of ${task.id} (jti ${String(sent.claims.jti)}), already delivered, is sent to ${receiver.agent.name} again.`,
      ],
    });
    this.clock += STEP_SECONDS;
    return step;
  }

  async #shadow(task: ScenarioTask): Promise<SimStep> {
    const sent = this.#sent.get(task.id);
    const blocked = this.#blocked(task, 'shadow');
    if (!sent || blocked) return this.#notSent(task, 'shadow');
    const issuer = this.#agent(task.agent);
    const target = this.#agent(shadowVerifierOf(this.scenario, task)!.name);
    const claims: JsonObject = { ...sent.claims, aud: [target.agent.issuer] };
    delete claims.iat;
    delete claims.exp;
    const issuedAt = this.clock;
    const created = await this.#sign(issuer, claims, issuedAt);
    const step = await this.#deliver({
      task,
      kind: 'shadow',
      issuer,
      receiver: target,
      token: created.token,
      claims: created.payload,
      issuedAt,
      receivedAt: this.clock + NETWORK_SECONDS,
      faults: ['forked_dag'],
      notes: [
        `${task.agent} forks a second branch under the same workflow id, reusing jti ${String(
          sent.claims.jti,
        )} of ${task.id}, and sends it to ${target.agent.name}, which shares ${storeNameOf(
          this.scenario,
          target.agent,
        )}.`,
      ],
    });
    this.clock += STEP_SECONDS;
    return step;
  }

  #notSent(task: ScenarioTask, kind: 'replay' | 'shadow'): SimStep {
    return this.#blockedStep(
      task,
      task.id,
      `Not sent: the ${kind === 'replay' ? 'replay' : 'shadow branch'} of ${task.id} needs ${task.id} itself to have been sent.`,
    );
  }

  /** The step of a task that is not sent because `blockedBy` was not accepted (or not sent). */
  #blockedStep(task: ScenarioTask, blockedBy: string, note: string): SimStep {
    const receiver = receiverOf(this.scenario, task)!;
    return {
      n: this.steps.length + 1,
      taskId: task.id,
      exec_act: task.exec_act,
      kind: 'blocked',
      from: task.agent,
      to: receiver.name,
      store: storeNameOf(this.scenario, receiver),
      outcome: 'blocked',
      faults: [],
      notes: [note],
      blockedBy,
    };
  }

  /** A delivery to `receiver`, checked against its store, as the run's next step. */
  #deliver(d: Omit<Delivery, 'n' | 'store' | 'settings' | 'partialParents'>): Promise<SimStep> {
    return deliver({
      ...d,
      n: this.steps.length + 1,
      store: this.#storeOf(d.receiver.agent),
      settings: this.settings,
      ...(this.scenario.partialDag
        ? { partialParents: (report: VerificationReport) => this.#partialParents(report, d.receiver.agent) }
        : {}),
    });
  }

  /**
   * The parents that make this report a case of partial DAG verification: the only failing step is
   * 15, with parent_not_found only, each for a task of another trust domain. Null otherwise.
   */
  #partialParents(report: VerificationReport, receiver: ScenarioAgent): SimStep['unresolved'] | null {
    const failing = report.steps.filter((s) => s.status === 'fail');
    if (failing.length !== 1 || failing[0]!.id !== 'dag') return null;
    const out: NonNullable<SimStep['unresolved']> = [];
    for (const p of failing[0]!.problems) {
      if (p.code !== 'parent_not_found' || !p.pred) return null;
      const taskId = this.#taskOfJti.get(p.pred);
      const task = taskId ? this.#tasks.get(taskId) : undefined;
      const domain = task ? this.#agent(task.agent).agent.domain : undefined;
      if (!task || !domain || domain === receiver.domain) return null;
      out.push({ jti: p.pred, taskId: task.id, domain });
    }
    return out.length ? out : null;
  }

  /** Where each enabled fault was expected to be caught, and whether it was. */
  faultResults(): FaultResult[] {
    return faultResults(this.faults, this.steps);
  }

  /** Every store with its entries and its chain check (receipts checked under the ledger key at L3). */
  async storeViews(): Promise<StoreView[]> {
    const out: StoreView[] = [];
    for (const s of this.#stores.values()) {
      const chain = await s.ledger.verifyChain();
      out.push({
        name: s.name,
        receipts: s.ledger.signsReceipts,
        ...(s.key ? { ledgerKid: s.key.kid, ledgerPublicJwk: s.key.publicJwk as JsonObject } : {}),
        entries: await s.ledger.entries(),
        chain: chain.ok ? { ok: true } : { ok: false, message: chain.firstBreak?.message ?? 'broken' },
      });
    }
    return out;
  }

  /** The public keys of every agent as an issuer-bound trust store document. */
  trustStoreDocument(): { issuers: Record<string, { keys: JsonObject[] }> } {
    return {
      issuers: Object.fromEntries(
        [...this.#agents.values()].map((a) => [a.agent.issuer, { keys: [a.key.publicJwk as JsonObject] }]),
      ),
    };
  }

  /** Tokens the receivers accepted (fully or partially), in the order of the run. */
  acceptedTokens(): string[] {
    return this.steps.filter((s) => s.outcome === 'accepted' || s.outcome === 'partial').map((s) => s.token!);
  }

  /** Tokens the receivers refused, in the order of the run. */
  refusedTokens(): string[] {
    return this.steps.filter((s) => s.outcome === 'refused' && s.token).map((s) => s.token!);
  }
}

/**
 * How a simulated agent makes the token of a task: its claims (with the faults that change what
 * is signed: a missing predecessor, a parent's rejected policy), and what faults do to the token
 * after signing (tampered, downgraded, held until it expires). Pure functions over what the run
 * knows (MakingContext); split from run.ts, which signs, sends and keeps the run's state.
 */
import { encodeBase64Url, encodeBase64UrlText, type JsonObject } from 'wimse-ect';
import { FAULTS, type FaultKind, type FaultSetting } from './faults.ts';
import type { Scenario, ScenarioTask } from './types.ts';

/** Seconds between two steps on the simulated clock; a delivery takes one second. */
export const STEP_SECONDS = 5;
export const NETWORK_SECONDS = 1;
/** How far ahead the skewed issuer's clock runs. */
export const SKEW_SECONDS = 120;
/** How long the "expired" fault holds a token before delivering it. */
export const QUEUE_SECONDS = 660;

/** What the token-making functions read of a run. */
export interface MakingContext {
  scenario: Scenario;
  faults: readonly FaultSetting[];
  /** The issuer (`iss`) of the agent named so. */
  issuerOf(name: string): string;
  /** The jti of a task of this run. */
  jtiOf(taskId: string): string;
  taskOf(taskId: string): ScenarioTask | undefined;
  hasFault(kind: FaultKind, taskId: string): boolean;
}

async function sha256B64(text: string): Promise<string> {
  return encodeBase64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))),
  );
}

/**
 * The claims of a task as its agent would sign them (before faults that change the token after
 * signing); the faults applied and their notes are pushed onto `faults` and `notes`.
 */
export function taskClaims(
  run: MakingContext,
  task: ScenarioTask,
  notes: string[],
  faults: FaultKind[],
): JsonObject {
  const claims: JsonObject = {
    iss: run.issuerOf(task.agent),
    aud: task.aud.map((name) => run.issuerOf(name)),
    jti: run.jtiOf(task.id),
    exec_act: task.exec_act,
    pred: task.pred.map((p) => run.jtiOf(p)),
  };
  const wid = task.wid ?? run.scenario.wid;
  if (wid !== undefined) claims.wid = wid;
  if (task.inp_hash !== undefined) claims.inp_hash = task.inp_hash;
  if (task.out_hash !== undefined) claims.out_hash = task.out_hash;
  let ext: JsonObject | undefined =
    task.pol !== undefined ? { pol: task.pol, pol_decision: task.pol_decision ?? 'approved' } : undefined;
  // "Parent policy rejected" on a child: this task is that child's first parent.
  const child = run.faults.find(
    (f) => f.kind === 'parent_rejected' && run.taskOf(f.task)?.pred[0] === task.id,
  );
  if (child) {
    ext = { pol: task.pol ?? `${task.exec_act}_policy_v1`, pol_decision: 'rejected' };
    notes.push(
      `Policy decision "rejected" recorded on this task (fault “${FAULTS.parent_rejected.label}” on ${child.task}): the token itself is valid.`,
    );
  }
  if (ext) claims.ect_ext = ext;
  if (run.hasFault('missing_pred', task.id)) {
    const ghost = crypto.randomUUID();
    (claims.pred as string[]).push(ghost);
    faults.push('missing_pred');
    notes.push(`pred also names ${ghost}, a jti that no task of this run has.`);
  }
  return claims;
}

/**
 * What faults do to a signed token on its way (tampered, downgraded, held in a queue): the token
 * and claims as sent and the simulated time they arrive (`clock` is the time of sending).
 */
export async function afterSigning(
  run: MakingContext,
  task: ScenarioTask,
  created: { token: string; payload: JsonObject },
  clock: number,
  notes: string[],
  faults: FaultKind[],
): Promise<{ token: string; claims: JsonObject; receivedAt: number }> {
  let token = created.token;
  let sentClaims = created.payload;

  if (run.hasFault('tampered', task.id)) {
    const [h, , sig] = token.split('.');
    const forged = await sha256B64(`forged output of ${task.id}`);
    sentClaims = { ...created.payload, out_hash: forged };
    token = `${h}.${encodeBase64UrlText(JSON.stringify(sentClaims))}.${sig}`;
    faults.push('tampered');
    notes.push(
      `After signing, out_hash was ${
        created.payload.out_hash === undefined ? 'added' : `changed from ${String(created.payload.out_hash)}`
      } as ${forged}; the header and the signature are the original ones.`,
    );
  }
  if (run.hasFault('downgrade', task.id)) {
    token = token.split('.')[1]!;
    faults.push('downgrade');
    notes.push('The signature and header were stripped: the claims travel as an unsigned L1 token.');
  }

  let receivedAt = clock + NETWORK_SECONDS;
  if (run.hasFault('expired', task.id)) {
    receivedAt = clock + QUEUE_SECONDS;
    faults.push('expired');
    notes.push(
      `Held in a queue for ${QUEUE_SECONDS / 60} minutes: it arrives at ${receivedAt}, after its exp ${String(
        created.payload.exp,
      )}.`,
    );
  }
  return { token, claims: sentClaims, receivedAt };
}

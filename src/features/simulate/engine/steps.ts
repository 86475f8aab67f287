/**
 * What a run shows of itself: each step (who sent what to whom, the request, the receiver's report,
 * the entry it became), each fault switch's result, and each store's ledger.
 */
import type { ErrorCode, JsonObject, LedgerEntry, VerificationReport } from 'wimse-ect';
import type { FaultKind } from './faults.ts';
import type { HttpRequestView } from './request.ts';

export type StepOutcome = 'accepted' | 'partial' | 'refused' | 'blocked';

export interface SimStep {
  /** 1-based position in the run. */
  n: number;
  taskId: string;
  exec_act: string;
  /** 'send': the task's token; 'replay': the same token again; 'shadow': a forked branch; 'blocked': not sent. */
  kind: 'send' | 'replay' | 'shadow' | 'blocked';
  /** Agent names. */
  from: string;
  to: string;
  /** The store the receiver checks against and appends to. */
  store: string;
  outcome: StepOutcome;
  /** Simulated Unix seconds: when the issuer signed (its own clock) and when the receiver checked. */
  issuedAt?: number;
  receivedAt?: number;
  jti?: string;
  token?: string;
  claims?: JsonObject;
  request?: HttpRequestView;
  response?: { status: number; reason: string };
  report?: VerificationReport;
  /** The ledger entry the token became (accepted or partial). */
  entry?: LedgerEntry;
  /** The faults applied at this step. */
  faults: FaultKind[];
  /** What the simulator did on purpose at this step (faults, injected corruption), in words. */
  notes: string[];
  /** For a 'partial' step: the parents the receiver could not resolve (jti → task id). */
  unresolved?: { jti: string; taskId: string; domain: string }[];
  /** For a blocked step: the predecessor task that was refused or never sent. */
  blockedBy?: string;
}

export interface FaultResult {
  kind: FaultKind;
  task: string;
  code: ErrorCode;
  step: number;
  status: 'pending' | 'detected' | 'missed' | 'not_reached';
  /** The run step where the fault was (or should have been) detected. */
  at?: number;
  /** What that step's verification reported. */
  codes?: ErrorCode[];
  primary?: ErrorCode | null;
}

export interface StoreView {
  name: string;
  receipts: boolean;
  ledgerKid?: string;
  /** The ledger's public key (L3): receipts verify under it. */
  ledgerPublicJwk?: JsonObject;
  entries: LedgerEntry[];
  chain: { ok: boolean; message?: string };
}

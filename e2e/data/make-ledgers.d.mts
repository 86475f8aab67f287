/** Types for make-ledgers.mjs (plain Node ESM), for the TypeScript e2e tests that import it. */
export type Agent = 'agent-a' | 'agent-b' | 'agent-c';
export const BASE_IAT: number;
export function signToken(agent: Agent, payload: Record<string, unknown>): string;
export function uuid(ns: number, n: number): string;
export interface ExpectedNode {
  jti: string;
  codes: string[];
  tainted: boolean;
}
export function defectLedger(): {
  tokens: string[];
  expected: Record<string, ExpectedNode>;
  missingParent: string;
};
export function cleanTokens(count: number, opts?: { ns?: number; workflows?: number }): string[];

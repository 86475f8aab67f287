/**
 * For unit tests: a graph model from a compact list of tasks, through a hand-made audit (the
 * model only reads the audit's shape, so no token is signed). Not used by the app.
 */
import type { AuditReport, ErrorCode } from 'wimse-ect';
import { buildModel, type GraphModel } from './model.ts';

export interface TaskSpec {
  name: string;
  act?: string;
  /** Issuer: `agent/x` is written as spiffe://x/agent/x. */
  iss?: string;
  wid?: string | null;
  iat?: number | null;
  pred?: readonly string[];
  status?: 'valid' | 'invalid' | 'tainted';
  codes?: readonly ErrorCode[];
}

export const jtiOf = (name: string) => `${name}-0000-4000-8000-000000000000`;

export function auditOf(tasks: readonly TaskSpec[]): AuditReport {
  const index = new Map<string, number>(tasks.map((t, i) => [t.name, i]));
  return {
    nodes: tasks.map((t, i) => ({
      index: i,
      jti: jtiOf(t.name),
      valid: t.status !== 'invalid',
      tainted: t.status === 'tainted',
      codes: t.codes ?? [],
      record: {
        jti: jtiOf(t.name),
        wid: t.wid === undefined ? 'w1' : t.wid,
        iat: t.iat === undefined ? 1000 + i : t.iat,
        pred: (t.pred ?? []).map(jtiOf),
      },
      report: { payload: { iss: `spiffe://x/${t.iss ?? 'agent/a'}`, exec_act: t.act ?? t.name } },
    })),
    edges: tasks.flatMap((t, i) =>
      (t.pred ?? []).map((p) => ({
        from: i,
        to: index.get(p) ?? null,
        pred: jtiOf(p),
        codes: index.has(p) ? [] : ['parent_not_found'],
      })),
    ),
    violations: tasks.flatMap((t, i) =>
      (t.codes ?? []).map((code) => ({ code, jti: jtiOf(t.name), index: i, message: code })),
    ),
    missing: [],
  } as unknown as AuditReport;
}

export function modelOf(tasks: readonly TaskSpec[]): GraphModel {
  return buildModel(auditOf(tasks), 30);
}

/** The names of the marked nodes (a missing parent as `?name`), sorted. */
export function namesOf(model: GraphModel, mark: Uint8Array, tasks: readonly TaskSpec[]): string[] {
  return model.nodes
    .map((n, i): string | null =>
      mark[i] ? (n.kind === 'ghost' ? `?${(n.jti ?? '').split('-')[0]}` : tasks[i]!.name) : null,
    )
    .filter((x): x is string => x !== null)
    .sort();
}

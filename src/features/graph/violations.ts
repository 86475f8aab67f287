/**
 * The audit's violations as a list to step through: each with its code, the
 * task it belongs to and, for an edge violation, the parent at the other end
 * of the edge (a token, or the missing parent's ghost). Pure: no React, no DOM.
 */
import type { AuditReport, ErrorCode } from 'wimse-ect';
import type { GraphModel } from './model.ts';

export interface ViolationItem {
  /** Position in the audit's violation list. */
  k: number;
  code: ErrorCode;
  /** The task (model index). */
  node: number;
  /** For an edge violation: the predecessor id, and the model node at that end (-1 if none). */
  pred: string | null;
  parent: number;
  message: string;
}

export function violationItems(audit: AuditReport, model: GraphModel): ViolationItem[] {
  // The parent at the other end of each (child, pred) edge.
  const parentOf = new Map<string, number>();
  for (const e of model.edges) parentOf.set(`${e.target}\n${e.pred}`, e.source);
  return audit.violations.map((v, k) => {
    const pred = v.pred ?? null;
    return {
      k,
      code: v.code,
      node: v.index,
      pred,
      parent: pred === null ? -1 : (parentOf.get(`${v.index}\n${pred}`) ?? -1),
      message: v.message,
    };
  });
}

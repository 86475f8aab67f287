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
  // The parent at the other end of each (child, pred) edge an edge violation names: only the
  // children of those edges are looked at (a map of every edge cost 134 ms of the Graph tab's first
  // drawing of 100,000 tokens that had no violation at all: issue 17).
  const children = new Set<number>();
  for (const v of audit.violations) if (v.pred !== undefined) children.add(v.index);
  const parentOf = new Map<string, number>();
  if (children.size)
    for (const e of model.edges) if (children.has(e.target)) parentOf.set(`${e.target}\n${e.pred}`, e.source);
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

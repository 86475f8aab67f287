/**
 * Exports of the Graph tab: the audit as a JSON report, and the download
 * helper the image exports (svg.ts) use too. Everything is made in the page
 * and handed to the browser as a Blob download: nothing leaves the machine.
 */
import type { AuditReport } from 'wimse-ect';
import type { GraphModel } from './model.ts';

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
}

export interface AuditReportFile {
  format: 'ect-workbench-audit-report';
  version: 1;
  ledger: string | null;
  generatedAt: string;
  summary: {
    tokens: number;
    valid: number;
    invalid: number;
    tainted: number;
    missingParents: number;
    violations: number;
  };
  nodes: {
    index: number;
    jti: string | null;
    iss: string | null;
    exec_act: string | null;
    wid: string | null;
    iat: number | null;
    pred: string[];
    status: 'valid' | 'invalid' | 'tainted';
    codes: string[];
  }[];
  edges: {
    child: string | null;
    childIndex: number;
    parent: string;
    parentIndex: number | null;
    codes: string[];
  }[];
  violations: AuditReport['violations'];
  missing: string[];
}

/** The audit as a self-contained JSON report: nodes with their codes, edges, violations, missing parents. */
export function auditReportFile(
  audit: AuditReport,
  model: GraphModel,
  ledger: string | null,
): AuditReportFile {
  return {
    format: 'ect-workbench-audit-report',
    version: 1,
    ledger,
    generatedAt: new Date().toISOString(),
    summary: {
      tokens: model.counts.tokens,
      valid: model.counts.valid,
      invalid: model.counts.invalid,
      tainted: model.counts.tainted,
      missingParents: audit.missing.length,
      violations: audit.violations.length,
    },
    nodes: audit.nodes.map((a) => {
      const n = model.nodes[a.index]!;
      return {
        index: a.index,
        jti: n.jti,
        iss: n.iss,
        exec_act: n.act,
        wid: n.wid,
        iat: n.iat,
        pred: a.record ? [...a.record.pred] : [],
        status: n.status === 'ghost' ? 'invalid' : n.status,
        codes: [...a.codes],
      };
    }),
    edges: audit.edges.map((e) => ({
      child: audit.nodes[e.from]!.jti,
      childIndex: e.from,
      parent: e.pred,
      parentIndex: e.to,
      codes: [...e.codes],
    })),
    violations: audit.violations,
    missing: audit.missing,
  };
}

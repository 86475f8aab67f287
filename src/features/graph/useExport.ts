/**
 * The Graph tab's exports: the audit as a JSON report, the drawing as SVG or
 * PNG (made from the layout, not copied from the DOM: every node of the view,
 * whatever is on screen).
 */
import { useState } from 'react';
import type { AuditReport } from 'wimse-ect';
import { auditReportFile, download, stamp } from './export.ts';
import type { Focus, Laid } from './flowElements.ts';
import type { GraphModel } from './model.ts';
import { sizeOf } from './sizes.ts';
import { renderSvg, svgToPng } from './svg.ts';

export type ExportKind = 'png' | 'svg' | 'json';

export function useExport({
  audit,
  model,
  layout,
  focus,
  ledgerName,
}: {
  audit: AuditReport;
  model: GraphModel;
  layout: Laid | null;
  focus: Focus | null;
  ledgerName: string | null;
}) {
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const exportAs = async (kind: ExportKind) => {
    setError(null);
    if (kind === 'json') {
      const file = auditReportFile(audit, model, ledgerName);
      download(
        new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }),
        `ect-audit-${stamp()}.json`,
      );
      return;
    }
    if (!layout) return;
    setExporting(true);
    try {
      const { svg, width, height } = renderSvg({
        model: layout.model,
        view: layout.view,
        direction: layout.direction,
        x: layout.x,
        y: layout.y,
        size: sizeOf,
        related: focus?.related ?? null,
        selected: focus?.selView,
        dark: matchMedia('(prefers-color-scheme: dark)').matches,
      });
      const blob =
        kind === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await svgToPng(svg, width, height);
      download(blob, `ect-graph-${stamp()}.${kind}`);
    } catch (e) {
      setError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setExporting(false);
    }
  };
  return { exportAs, exporting, error };
}

/**
 * The graph model of the open ledger's audit, built in slices between the page's other work
 * (buildModelInSlices), not during a render: for 100,000 tokens that render was one task of 0.2 s
 * at load 5 and 1.9 s at load 15 (issue 17). Until the model of a new audit is ready, the last one
 * built stays, with its own audit: the drawing changes once, from one consistent pair to the next
 * (but none stays while no audit is there: a ledger opening).
 */
import { useEffect, useState } from 'react';
import type { AuditReport } from 'wimse-ect';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import { buildModelInSlices, type GraphModel } from './model.ts';
import { prepareScene } from './useScene.ts';
import { yieldToPage } from '../../lib/yieldToPage.ts';

export interface PreparedModel {
  audit: AuditReport;
  model: GraphModel;
}

/** The latest model built (null before the first), and whether it is that of `audit`. */
export function usePreparedModel(audit: AuditReport | null): {
  prepared: PreparedModel | null;
  current: boolean;
} {
  const clockSkew = useVerifierSettings((s) => s.settings.clockSkew);
  const [built, setBuilt] = useState<(PreparedModel & { clockSkew: number }) | null>(null);
  // No audit: another ledger is opening, whose drawing must not start from this one's.
  if (!audit && built) setBuilt(null);
  useEffect(() => {
    if (!audit) return;
    let cancelled = false;
    void (async () => {
      const model = await buildModelInSlices(audit, clockSkew, yieldToPage);
      // The first drawing's scene too, in steps, not in the render that draws it (useScene.ts).
      if (!cancelled) await prepareScene(model, yieldToPage).catch(() => undefined); // the render computes it then
      if (!cancelled) setBuilt({ audit, model, clockSkew });
    })();
    return () => {
      cancelled = true;
    };
  }, [audit, clockSkew]);
  return {
    prepared: built,
    current: built !== null && built.audit === audit && built.clockSkew === clockSkew,
  };
}

/**
 * The Graph workspace's one-line top bar: the side panel's toggle, the ledger
 * and its counts, find by jti, the violation stepper, and the Load, Compare
 * and Export menus and Re-audit.
 */
import { Button } from '../../components/Button.tsx';
import { DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { CompareMenu } from './Compare.tsx';
import { LoadTokens } from './LoadTokens.tsx';
import { Menu } from './Menu.tsx';
import type { GraphModel } from './model.ts';
import { Search } from './Search.tsx';
import { useGraphView } from './store.ts';
import { Summary } from './Summary.tsx';
import type { ExportKind } from './useExport.ts';
import { ViolationStepper } from './ViolationsPanel.tsx';

export function TopBar({
  model,
  ledgerName,
  violations,
  onPick,
  onExport,
  exporting,
  comparing,
}: {
  model: GraphModel;
  ledgerName: string | null;
  violations: { count: number; current: number | null; next: () => void; prev: () => void };
  onPick: (i: number) => void;
  onExport: (kind: ExportKind) => Promise<void>;
  exporting: boolean;
  comparing: boolean;
}) {
  const panel = useGraphView((s) => s.panel);
  const setPanel = useGraphView((s) => s.setPanel);
  const currentId = useLedgers((s) => s.currentId);
  const panelHint = panel ? 'Fold the side panel away' : 'Show the view controls, violations and legend';
  return (
    <div
      className="flex flex-wrap items-center gap-x-3 gap-y-1.5"
      role="toolbar"
      aria-label="Graph workspace"
    >
      <Button
        onClick={() => setPanel(panel ? null : 'filters')}
        aria-expanded={panel !== null}
        aria-controls="graph-panel"
        aria-label={panelHint}
        title={panelHint}
        className="px-2 py-0.5"
      >
        {panel ? '◧' : '☰'}
      </Button>
      <Summary model={model} ledgerName={ledgerName} />
      <Search model={model} onPick={onPick} />
      <ViolationStepper {...violations} />
      <div className="ml-auto flex flex-wrap items-center gap-1">
        <Menu label="Load" title="Add tokens to this ledger, or open the demo ledger">
          <LoadTokens open />
          <DemoLedgerButton />
        </Menu>
        <CompareMenu current={currentId} />
        <Menu label="Export" title="The drawing as PNG or SVG, the audit as a JSON report">
          <div className="flex flex-wrap gap-1">
            <Button disabled={exporting} onClick={() => void onExport('png')}>
              PNG
            </Button>
            <Button disabled={exporting} onClick={() => void onExport('svg')}>
              SVG
            </Button>
            <Button disabled={comparing} onClick={() => void onExport('json')}>
              JSON report
            </Button>
          </div>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            The image is of the view as drawn now (filters, grouping, selection), every node of it.
          </p>
        </Menu>
        <Button
          title="Verify every token again: after adding keys to the trust store or changing the verifier's settings"
          onClick={() =>
            void useLedgers
              .getState()
              .refresh()
              .catch(() => undefined)
          }
          className="px-2 py-0.5 whitespace-nowrap"
        >
          Re-audit
        </Button>
      </div>
    </div>
  );
}

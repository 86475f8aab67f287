/**
 * The Graph workspace's folding left panel, in three tabs: the view controls
 * (with the demo ledger's checklist when it is open), the violations, the
 * legend. At narrow widths it lies over the canvas.
 */
import { DemoGuide } from '../../components/DemoLedger.tsx';
import { Legend } from './Legend.tsx';
import type { GraphModel } from './model.ts';
import { useGraphView, type PanelTab } from './store.ts';
import { ViewControls } from './ViewControls.tsx';
import type { ViolationItem } from './violations.ts';
import { ViolationsPanel } from './ViolationsPanel.tsx';

const TABS: { tab: PanelTab; label: string }[] = [
  { tab: 'filters', label: 'View' },
  { tab: 'violations', label: 'Violations' },
  { tab: 'legend', label: 'Legend' },
];

export function ToolPanel({
  model,
  items,
  current,
  go,
  comparing,
}: {
  model: GraphModel;
  items: readonly ViolationItem[];
  current: number | null;
  go: (k: number) => void;
  comparing: boolean;
}) {
  const panel = useGraphView((s) => s.panel);
  const setPanel = useGraphView((s) => s.setPanel);
  if (!panel) return null;
  return (
    <aside
      id="graph-panel"
      aria-label="View, violations and legend"
      className="absolute inset-y-0 left-0 z-20 flex w-[min(20rem,calc(100%-2.5rem))] flex-col gap-2 overflow-hidden rounded-md border border-slate-200 bg-white p-2 shadow-lg lg:static lg:w-72 lg:shrink-0 lg:shadow-none dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center gap-1">
        <div role="tablist" aria-label="Panel" className="flex gap-1">
          {TABS.map(({ tab, label }) => (
            <button
              key={tab}
              type="button"
              role="tab"
              id={`graph-tab-${tab}`}
              aria-selected={panel === tab}
              aria-controls="graph-tabpanel"
              onClick={() => setPanel(tab)}
              className={`rounded-md px-2 py-0.5 text-xs font-medium ${
                panel === tab
                  ? 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100'
                  : 'text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800'
              }`}
            >
              {label}
              {tab === 'violations' && ` (${items.length.toLocaleString('en')})`}
            </button>
          ))}
        </div>
        <button
          type="button"
          onClick={() => setPanel(null)}
          aria-label="Fold the panel away"
          className="ml-auto rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          ✕
        </button>
      </div>
      <div
        role="tabpanel"
        id="graph-tabpanel"
        aria-labelledby={`graph-tab-${panel}`}
        className="flex min-h-0 flex-1 flex-col gap-2 overflow-y-auto"
      >
        {panel === 'filters' && (
          <>
            <DemoGuide />
            <ViewControls model={model} />
          </>
        )}
        {panel === 'violations' &&
          (comparing ? (
            <p className="text-sm text-slate-700 dark:text-slate-300">
              While two ledgers are compared, the graph marks what differs; “Only the differences” in the bar
              above shows nothing else. Stop comparing to step through this ledger's violations.
            </p>
          ) : (
            <ViolationsPanel model={model} items={items} current={current} go={go} />
          ))}
        {panel === 'legend' && <Legend />}
      </div>
    </aside>
  );
}

/**
 * The lines around the canvas: what the view leaves out or folds (above it),
 * the timeline's toggle and how the layout went (under it), and the alerts:
 * the ledger check's first problem, a link to a jti this ledger lacks, a
 * failed export or layout.
 */
import { Button } from '../../components/Button.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import type { Laid } from './flowElements.ts';
import { type GraphModel } from './model.ts';
import { AUTO_GROUP_THRESHOLD, type buildView } from './view.ts';
import type { ViewPlan } from './overview.ts';
import { useGraphView } from './store.ts';

/** What the view leaves out or folds, in one line. */
export function ViewNote({
  plan,
  view,
  visibleCount,
  model,
  query,
}: {
  plan: ViewPlan;
  view: ReturnType<typeof buildView>;
  visibleCount: number;
  model: GraphModel;
  query: string;
}) {
  const groups = view.nodes.filter((v) => v.kind === 'group').length;
  const by = plan.mode === 'iss' ? 'agent' : 'workflow';
  const parts: string[] = [];
  if (view.hidden > 0) {
    parts.push(
      `${view.hidden.toLocaleString('en')} of ${model.nodes.length.toLocaleString('en')} nodes hidden by ${
        query.trim() ? 'the selection and filters' : 'the filters'
      }.`,
    );
  }
  if (plan.mode !== 'none') {
    const pinned = view.nodes.length - groups;
    if (plan.problemsFirst && pinned > 0) {
      parts.push(
        `${visibleCount.toLocaleString('en')} nodes${
          visibleCount > AUTO_GROUP_THRESHOLD
            ? ` (more than ${AUTO_GROUP_THRESHOLD.toLocaleString('en')})`
            : ''
        }, problems first: ${pinned.toLocaleString('en')} drawn one by one (invalid tasks, missing parents and the paths between them), the rest collapsed by ${by} into ${groups} group${
          groups === 1 ? '' : 's'
        }.`,
      );
    } else {
      parts.push(
        `${visibleCount.toLocaleString('en')} nodes collapsed by ${by} into ${groups} group${groups === 1 ? '' : 's'}.`,
      );
    }
    parts.push(
      'Expand a group, or pick a node in the search, the violations or the timeline, to see its tokens.',
    );
  } else if (view.nodes.length > AUTO_GROUP_THRESHOLD) {
    parts.push(
      `${view.nodes.length.toLocaleString('en')} nodes drawn one by one: panning the whole graph will be slow. Group them for an overview.`,
    );
  }
  if (!parts.length) return null;
  return (
    <p
      className="truncate text-xs text-slate-600 hover:whitespace-normal dark:text-slate-400"
      data-testid="graph-view-note"
      title={parts.join(' ')}
    >
      {parts.join(' ')}
    </p>
  );
}

export function StatusBar({ layout }: { layout: Laid | null }) {
  const timelineOpen = useGraphView((s) => s.timelineOpen);
  const setTimelineOpen = useGraphView((s) => s.setTimelineOpen);
  return (
    <div className="flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
      <Button
        onClick={() => setTimelineOpen(!timelineOpen)}
        aria-expanded={timelineOpen}
        className="px-2 py-0 text-xs"
      >
        {timelineOpen ? '▾ Hide timeline' : '▴ Timeline'}
      </Button>
      <p className="min-w-0 flex-1 truncate" data-testid="layout-status">
        {layout
          ? `${layout.view.nodes.length.toLocaleString('en')} nodes and ${layout.view.edges.length.toLocaleString(
              'en',
            )} edges laid out in ${layout.ms.toFixed(0)} ms (in a worker)`
          : 'Laying out…'}
        . Drag to pan, scroll to zoom; Tab moves between nodes, Enter selects, Escape clears; n / p step
        through the violations.
      </p>
    </div>
  );
}

/** The ledger check's first problem: from that entry on, the ledger no longer proves what is drawn. */
export function ChainBreakBanner({
  chainBreak,
  count,
  breakSeq,
  onShow,
}: {
  chainBreak: { seq: number; message: string } | null;
  count: number;
  breakSeq: number | null;
  onShow: () => void;
}) {
  if (!chainBreak) return null;
  return (
    <div
      role="alert"
      data-testid="graph-chain-break"
      className="flex flex-wrap items-center gap-2 rounded-md border border-violet-400 bg-violet-50 px-3 py-1 text-sm text-violet-950 dark:border-violet-700 dark:bg-violet-950/40 dark:text-violet-100"
    >
      <span className="min-w-0 flex-1">
        <strong>
          The ledger check fails at entry #{chainBreak.seq}
          {count > 1 ? ` (and ${count - 1} more)` : ''}:
        </strong>{' '}
        <VisibleText text={chainBreak.message} /> What this graph draws from that entry on is not proven by
        the ledger; every entry with a problem is marked.
      </span>
      {breakSeq !== null && <Button onClick={onShow}>Show entry #{breakSeq}</Button>}
    </div>
  );
}

export function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p
      role="alert"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      {text}
    </p>
  );
}

/**
 * The Graph tab: the open ledger's whole-set audit drawn as a workflow DAG,
 * every violation where it belongs (nodes, edges, ghost parents), with a
 * linked timeline, a side panel that says why, filters, search, grouping for
 * large sets and exports. Layout runs in a Web Worker (layout/).
 */
// oxlint-disable-next-line import/no-unassigned-import
import '@xyflow/react/dist/style.css';
// oxlint-disable-next-line import/no-unassigned-import
import './graph.css';
import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Node,
} from '@xyflow/react';
import type { AuditReport } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { DemoGuide, DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { visibleString } from '../../components/visible.ts';
import { useKeyring } from '../../state/keyring.ts';
import { useLedgers } from '../../state/ledgers.ts';
import { useRouter } from '../../state/router.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import { auditReportFile, download, stamp } from './export.ts';
import { renderSvg, svgToPng } from './svg.ts';
import { LayoutSuperseded, layoutInWorker } from './layout/client.ts';
import type { Direction } from './layout/layered.ts';
import { LoadTokens } from './LoadTokens.tsx';
import {
  AUTO_GROUP_THRESHOLD,
  buildModel,
  buildView,
  countVisible,
  effectiveMode,
  facets,
  filtersActive,
  groupOf,
  lineage,
  NO_FILTERS,
  searchJti,
  visibleNodes,
  type Facet,
  type GraphModel,
  type GroupMode,
  type StatusFilter,
  type View,
} from './model.ts';
import { EDGE_STYLE, edgeStatus } from './geometry.ts';
import {
  edgeTypes,
  GHOST_H,
  GHOST_W,
  GROUP_H,
  GROUP_W,
  nodeTypes,
  TASK_H,
  TASK_W,
  type EctEdgeType,
  type GraphNodeType,
} from './nodes.tsx';
import { SidePanel } from './SidePanel.tsx';
import { useGraphView } from './store.ts';
import { Timeline } from './Timeline.tsx';

/**
 * Above this many drawn nodes, only those in the viewport are mounted, except zoomed far out
 * (low detail), where nearly all are in view anyway and culling would re-render on every pan frame.
 */
const CULL_ABOVE = 300;
/** Fit the drawing with room on the left for the zoom controls, and above for cycle arcs. */
const FIT = {
  padding: { top: '80px', right: '32px', bottom: '32px', left: '64px' },
  maxZoom: 1.1,
  minZoom: 0.02,
} as const;
/** Below this zoom, node text is unreadable: nodes become plain status blocks. */
const LOW_DETAIL_ZOOM = 0.35;

export function GraphPage() {
  const status = useLedgers((s) => s.status);
  const error = useLedgers((s) => s.error);
  const audit = useLedgers((s) => s.audit);
  const progress = useLedgers((s) => s.progress);
  const keyStatus = useKeyring((s) => s.status);

  // The audit needs the trust store: open the ledgers once the keyring is read.
  useEffect(() => {
    if (keyStatus === 'loading') return;
    if (useLedgers.getState().status === 'idle') void useLedgers.getState().load();
  }, [keyStatus]);

  let body;
  if (status === 'error') {
    body = (
      <p
        role="alert"
        className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
      >
        {error}
      </p>
    );
  } else if (audit === null) {
    body = (
      <p
        className="text-sm text-slate-600 dark:text-slate-400"
        aria-live="polite"
        data-testid="graph-loading"
      >
        {progress
          ? `Auditing the ledger: ${progress.phase} ${progress.done.toLocaleString('en')} / ${progress.total.toLocaleString('en')}…`
          : 'Opening the ledger…'}
      </p>
    );
  } else if (audit.nodes.length === 0) {
    body = <EmptyState />;
  } else {
    body = (
      <>
        <DemoGuide />
        <ReactFlowProvider>
          <Explorer audit={audit} />
        </ReactFlowProvider>
      </>
    );
  }
  return (
    <div
      className="flex flex-col gap-3"
      // Full width: a graph needs the room the app's centred column does not give.
      style={{ width: 'calc(100vw - 3rem)', marginLeft: 'calc(50% - (100vw - 3rem) / 2)' }}
    >
      {body}
    </div>
  );
}

function EmptyState() {
  const navigate = useRouter((s) => s.navigate);
  return (
    <section data-testid="graph-empty" className="mx-auto flex w-full max-w-3xl flex-col gap-3 py-6">
      <h2 className="text-lg font-semibold">No tokens to draw yet</h2>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        The graph draws the open ledger as a workflow DAG: one node per token, an arrow from each parent (a{' '}
        <code className="font-mono">pred</code> entry) to its child, every audit violation on the node or edge
        it belongs to: missing parents, cycles, duplicates, time running backwards, bad signatures, and the
        valid tokens downstream of them (tainted).
      </p>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        This ledger is empty. Import tokens or a ledger bundle in the{' '}
        <a
          href="#/ledger"
          className="font-medium text-sky-700 underline dark:text-sky-400"
          onClick={(e) => {
            e.preventDefault();
            navigate('ledger');
          }}
        >
          Ledger tab
        </a>
        , or paste some here:
      </p>
      <LoadTokens open />
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Or review a ledger with every kind of defect in it:
      </p>
      <DemoLedgerButton />
    </section>
  );
}

interface Laid {
  model: GraphModel;
  view: View;
  direction: Direction;
  x: Float64Array;
  y: Float64Array;
  ms: number;
}

const sizeOf = (kind: 'task' | 'ghost' | 'group'): [number, number] =>
  kind === 'task' ? [TASK_W, TASK_H] : kind === 'ghost' ? [GHOST_W, GHOST_H] : [GROUP_W, GROUP_H];

const MARKERS = Object.fromEntries(
  Object.entries(EDGE_STYLE).map(([k, { color }]) => [
    k,
    { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
  ]),
);

const MINIMAP_COLOR: Record<string, string> = {
  valid: '#10b981',
  invalid: '#dc2626',
  tainted: '#f59e0b',
  ghost: '#94a3b8',
  group: '#0284c7',
};
function minimapColor(node: Node): string {
  const d = node.data as { node?: { status: string } };
  return MINIMAP_COLOR[node.type === 'cluster' ? 'group' : (d.node?.status ?? 'valid')] ?? '#94a3b8';
}

function Explorer({ audit }: { audit: AuditReport }) {
  const clockSkew = useVerifierSettings((s) => s.settings.clockSkew);
  const model = useMemo(() => buildModel(audit, clockSkew), [audit, clockSkew]);
  const filters = useGraphView((s) => s.filters);
  const grouping = useGraphView((s) => s.grouping);
  const expanded = useGraphView((s) => s.expanded);
  const direction = useGraphView((s) => s.direction);
  const selected = useGraphView((s) => s.selected);
  const centerTick = useGraphView((s) => s.centerTick);
  const ledgerName = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.name ?? null);
  // The ledger check's problems (chain, sequence, receipts, checkpoint): each marked on its entry's
  // node; the first is where the ledger stops proving what the graph draws.
  const chainBreak = useLedgers((s) => s.chain?.firstBreak ?? null);
  const problemCount = useLedgers((s) => s.problems.size);
  const problems = useLedgers((s) => s.problems);
  const entries = useLedgers((s) => s.entries);
  const ledgerProblemsAt = useCallback(
    (index: number) =>
      entries.length === audit.nodes.length && entries[index] ? problems.get(entries[index].seq) : undefined,
    [entries, audit, problems],
  );
  const breakIndex = useMemo(() => {
    if (!chainBreak || entries.length !== audit.nodes.length) return -1;
    const guess = chainBreak.seq - 1;
    return entries[guess]?.seq === chainBreak.seq ? guess : entries.findIndex((e) => e.seq >= chainBreak.seq);
  }, [chainBreak, entries, audit]);

  const visible = useMemo(() => visibleNodes(model, filters), [model, filters]);
  const visibleCount = useMemo(() => countVisible(visible), [visible]);
  const mode = effectiveMode(grouping, visibleCount);
  const view = useMemo(() => buildView(model, visible, mode, expanded), [model, visible, mode, expanded]);

  // ---- layout, in the worker
  const [layout, setLayout] = useState<Laid | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const n = view.nodes.length;
    const src = new Int32Array(view.edges.length);
    const dst = new Int32Array(view.edges.length);
    view.edges.forEach((e, k) => {
      src[k] = e.source;
      dst[k] = e.target;
    });
    const width = new Float64Array(n);
    const height = new Float64Array(n);
    view.nodes.forEach((v, i) => {
      [width[i], height[i]] = sizeOf(v.kind);
    });
    layoutInWorker({
      n,
      src,
      dst,
      width,
      height,
      direction,
      // Room for an edge's violation label between two ranks.
      rankGap: direction === 'LR' ? 150 : 96,
      nodeGap: direction === 'LR' ? 28 : 36,
      // Room for a cycle's back edge, which arcs just outside its nodes.
      componentGap: 100,
    }).then(
      (r) => {
        if (cancelled) return;
        setLayoutError(null);
        setLayout({ model, view, direction, x: r.x, y: r.y, ms: r.ms });
      },
      (e: unknown) => {
        if (cancelled || e instanceof LayoutSuperseded) return;
        setLayoutError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [model, view, direction]);
  const layoutDone = layout !== null && layout.view === view && layout.direction === direction;

  // ---- React Flow nodes and edges (built once per layout; selection only re-classes the related ones)
  const onExpand = useCallback((key: string) => useGraphView.getState().expand(key), []);
  const baseNodes = useMemo<GraphNodeType[]>(() => {
    if (!layout) return [];
    const lr = layout.direction === 'LR';
    const sourcePosition = lr ? Position.Right : Position.Bottom;
    const targetPosition = lr ? Position.Left : Position.Top;
    return layout.view.nodes.map((v, i): GraphNodeType => {
      const [width, height] = sizeOf(v.kind);
      const common = {
        id: v.key,
        position: { x: layout.x[i]!, y: layout.y[i]! },
        width,
        height,
        sourcePosition,
        targetPosition,
      };
      if (v.kind === 'group') {
        const g = v.group;
        return {
          ...common,
          type: 'cluster',
          data: { group: g, onExpand },
          ariaLabel: `${g.mode === 'iss' ? 'Agent' : 'Workflow'} ${visibleString(g.label)}: ${g.tokens} tokens, ${g.invalid} invalid, collapsed`,
        };
      }
      const node = layout.model.nodes[v.model]!;
      if (v.kind === 'ghost') {
        return {
          ...common,
          type: 'ghost',
          data: { node },
          ariaLabel: `Missing parent ${visibleString(node.jti ?? '')}`,
        };
      }
      return {
        ...common,
        type: 'task',
        data: ((lp) => (lp ? { node, ledgerProblems: lp } : { node }))(ledgerProblemsAt(node.index)),
        ariaLabel: `${visibleString(node.act ?? 'task')} by ${visibleString(node.shortIss)}, ${node.status}${
          node.codes.length ? `: ${node.codes.join(', ')}` : ''
        }`,
      };
    });
  }, [layout, onExpand, ledgerProblemsAt]);

  const baseEdges = useMemo<EctEdgeType[]>(() => {
    if (!layout) return [];
    const { view: v } = layout;
    const out = v.edges.map((e): EctEdgeType => {
      const data = {
        codes: e.codes,
        nearMiss: e.nearMiss,
        count: e.count,
        ghost: e.ghost,
        selfLoop: e.source === e.target,
      };
      const status = edgeStatus(data);
      return {
        id: e.key,
        source: v.nodes[e.source]!.key,
        target: v.nodes[e.target]!.key,
        type: 'ect',
        data,
        markerEnd: MARKERS[status],
        focusable: false,
        zIndex: status === 'ok' || status === 'missing' ? 0 : 1,
      };
    });
    return out;
  }, [layout]);

  const focus = useMemo(() => {
    if (!layout || selected === null) return null;
    const { view: v, model: m } = layout;
    const mi = m.byKey.get(selected);
    let sources: number[] = [];
    let selView: number | undefined;
    if (mi !== undefined) {
      sources = [mi];
      selView = v.placeOf[mi]! >= 0 ? v.placeOf[mi] : undefined;
    } else {
      selView = v.byKey.get(selected);
      const g = selView === undefined ? undefined : v.nodes[selView];
      if (g?.kind === 'group') sources = g.group.members;
    }
    if (!sources.length) return null;
    const mark = lineage(m, sources);
    const related = new Uint8Array(v.nodes.length);
    for (let j = 0; j < mark.length; j++) if (mark[j] && v.placeOf[j]! >= 0) related[v.placeOf[j]!] = 1;
    return { related, selView };
  }, [layout, selected]);

  const nodes = useMemo(() => {
    if (!focus) return baseNodes;
    return baseNodes.map((b, i) => {
      if (!focus.related[i]) return b;
      return { ...b, className: i === focus.selView ? 'is-related is-selected' : 'is-related' };
    });
  }, [baseNodes, focus]);
  const edges = useMemo(() => {
    if (!focus || !layout) return baseEdges;
    const v = layout.view;
    return baseEdges.map((b, k) => {
      const e = v.edges[k]!;
      return focus.related[e.source] && focus.related[e.target] ? { ...b, className: 'is-related' } : b;
    });
  }, [baseEdges, focus, layout]);

  // ---- selection helpers
  /** Selects model node i and centres it, clearing filters or expanding its group when they hide it. */
  const reveal = useCallback(
    (i: number) => {
      const st = useGraphView.getState();
      const m = model;
      let vis = visibleNodes(m, st.filters);
      if (!vis[i]) {
        st.setFilters(NO_FILTERS);
        vis = visibleNodes(m, NO_FILTERS);
      }
      const md = effectiveMode(st.grouping, countVisible(vis));
      if (md !== 'none') {
        const g = groupOf(m, i, md);
        if (!st.expanded.has(g)) st.expand(g);
      }
      st.select(m.nodes[i]!.key, { center: true });
    },
    [model],
  );

  // ---- #/graph?jti=… opens focused on that node
  // Every navigation to #/graph?jti=… (a new params object) focuses once, also for the same jti again.
  const routeParams = useRouter((s) => s.params);
  const jtiParam = routeParams.get('jti');
  const handledParams = useRef<URLSearchParams | null>(null);
  const focusHit = useMemo(
    () => (jtiParam ? model.nodes.findIndex((n) => n.jti === jtiParam) : -1),
    [jtiParam, model],
  );
  const notice =
    jtiParam && focusHit === -1 && selected === null
      ? `No token or missing parent with jti ${visibleString(jtiParam)} is in this ledger.`
      : null;
  useEffect(() => {
    if (!jtiParam || focusHit === -1 || handledParams.current === routeParams) return;
    handledParams.current = routeParams;
    reveal(focusHit);
  }, [routeParams, jtiParam, focusHit, reveal]);

  // Keep the address shareable: #/graph?jti=<selected>.
  const syncedOnce = useRef(false);
  useEffect(() => {
    if (!syncedOnce.current) {
      syncedOnce.current = true;
      if (selected === null) return;
    }
    const i = selected === null ? undefined : model.byKey.get(selected);
    const jti = i === undefined ? null : model.nodes[i]!.jti;
    const want = jti ? `#/graph?jti=${encodeURIComponent(jti)}` : '#/graph';
    if (location.hash.startsWith('#/graph') && location.hash !== want)
      history.replaceState(history.state, '', want);
  }, [selected, model]);

  // Escape clears the selection.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && useGraphView.getState().selected !== null)
        useGraphView.getState().select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- viewport: fit a new drawing, centre on request, keep a clicked node in view
  const rf = useReactFlow();
  const canvasRef = useRef<HTMLDivElement>(null);
  const fittedFor = useRef<Laid | null>(null);
  const centeredTick = useRef(0);
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    const id = requestAnimationFrame(() => {
      const el = canvasRef.current;
      let vi = -1;
      if (selected !== null) {
        const mi = layout.model.byKey.get(selected);
        vi = (mi !== undefined ? layout.view.placeOf[mi] : layout.view.byKey.get(selected)) ?? -1;
      }
      // The canvas's size now (the side panel may just have opened), not React Flow's last measure.
      const move = (how: 'center' | 'reveal') => {
        if (!el || vi < 0) return;
        const [w, h] = sizeOf(layout.view.nodes[vi]!.kind);
        const vp = rf.getViewport();
        const zoom = how === 'center' ? Math.min(2, Math.max(vp.zoom, 0.9)) : vp.zoom;
        const cx = layout.x[vi]! + w / 2;
        const cy = layout.y[vi]! + h / 2;
        if (how === 'reveal') {
          const left = layout.x[vi]! * zoom + vp.x;
          const top = layout.y[vi]! * zoom + vp.y;
          const inside =
            left >= 0 && top >= 0 && left + w * zoom <= el.clientWidth && top + h * zoom <= el.clientHeight;
          if (inside) return;
        }
        void rf.setViewport(
          { x: el.clientWidth / 2 - cx * zoom, y: el.clientHeight / 2 - cy * zoom, zoom },
          { duration: 250 },
        );
      };
      if (centerTick !== centeredTick.current && selected !== null && vi >= 0) {
        centeredTick.current = centerTick;
        fittedFor.current = layout;
        revealed.current = selected;
        move('center');
        return;
      }
      if (fittedFor.current !== layout) {
        fittedFor.current = layout;
        revealed.current = selected;
        void rf.fitView(FIT);
        return;
      }
      if (selected !== revealed.current) {
        revealed.current = selected;
        move('reveal');
      }
    });
    return () => cancelAnimationFrame(id);
  }, [layout, centerTick, selected, rf]);

  // Zoomed far out, nodes are drawn as plain status blocks (CSS only: no node re-renders).
  const lowDetail = useStore((st) => st.transform[2] < LOW_DETAIL_ZOOM);

  // ---- exports
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const exportAs = async (kind: 'png' | 'svg' | 'json') => {
    setExportError(null);
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
      // Drawn from the layout, not copied from the DOM: every node of the view, whatever is on screen.
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
      setExportError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const onCanvasKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    if (!el?.dataset.id) return;
    e.preventDefault();
    useGraphView.getState().select(el.dataset.id);
  };

  const selectedGroup = useMemo(() => {
    if (selected === null || !layout) return null;
    const vi = layout.view.byKey.get(selected);
    const v = vi === undefined ? undefined : layout.view.nodes[vi];
    return v?.kind === 'group' ? v.group : null;
  }, [selected, layout]);
  const panelOpen = selected !== null && (model.byKey.has(selected) || selectedGroup !== null);
  const groups = view.nodes.filter((v) => v.kind === 'group').length;

  return (
    <>
      <Summary model={model} ledgerName={ledgerName} />
      <Toolbar model={model} onPick={reveal} onExport={exportAs} exporting={exporting} />
      <Legend />
      {chainBreak && (
        <div
          role="alert"
          data-testid="graph-chain-break"
          className="flex flex-wrap items-center gap-2 rounded-md border border-violet-400 bg-violet-50 px-3 py-1.5 text-sm text-violet-950 dark:border-violet-700 dark:bg-violet-950/40 dark:text-violet-100"
        >
          <span className="min-w-0 flex-1">
            <strong>
              The ledger check fails at entry #{chainBreak.seq}
              {problemCount > 1 ? ` (and ${problemCount - 1} more)` : ''}:
            </strong>{' '}
            <VisibleText text={chainBreak.message} /> What this graph draws from that entry on is not proven
            by the ledger; every entry with a problem is marked.
          </span>
          {breakIndex >= 0 && (
            <Button onClick={() => reveal(breakIndex)}>Show entry #{entries[breakIndex]!.seq}</Button>
          )}
        </div>
      )}
      {(notice || exportError || layoutError) && (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
        >
          {notice ?? exportError ?? layoutError}
        </p>
      )}
      {(mode !== 'none' || view.hidden > 0 || view.nodes.length > AUTO_GROUP_THRESHOLD) && (
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="graph-view-note">
          {view.hidden > 0 && `${view.hidden.toLocaleString('en')} nodes hidden by the filters. `}
          {mode !== 'none' &&
            `${visibleCount.toLocaleString('en')} nodes ${
              grouping === 'auto' ? `(more than ${AUTO_GROUP_THRESHOLD.toLocaleString('en')}) ` : ''
            }collapsed by ${mode === 'iss' ? 'agent' : 'workflow'} into ${groups} group${
              groups === 1 ? '' : 's'
            }: expand a group (or pick a node in the timeline or the search) to see its tokens.`}
          {mode === 'none' &&
            view.nodes.length > AUTO_GROUP_THRESHOLD &&
            `${view.nodes.length.toLocaleString('en')} nodes drawn one by one: panning the whole graph will be slow. Group by agent or workflow for an overview.`}
        </p>
      )}
      <div className={`grid gap-3 ${panelOpen ? 'lg:grid-cols-[minmax(0,1fr)_460px]' : ''}`}>
        <div
          ref={canvasRef}
          className={`ect-graph relative h-[72vh] min-h-[460px] overflow-hidden rounded-md border border-slate-200 dark:border-slate-800 ${
            focus ? 'has-focus' : ''
          } ${lowDetail ? 'lod-low' : ''}`}
          data-testid="graph-canvas"
          data-layout={layoutDone ? 'done' : 'running'}
          data-nodes={layout?.view.nodes.length ?? 0}
          data-layout-ms={layout ? layout.ms.toFixed(1) : ''}
          data-direction={layout?.direction ?? direction}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodeClick={(_, node) => useGraphView.getState().select(node.id)}
            onNodeDoubleClick={(_, node) => {
              if (node.type === 'cluster') onExpand(node.id);
            }}
            onPaneClick={() => useGraphView.getState().select(null)}
            onKeyDown={onCanvasKey}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            onlyRenderVisibleElements={nodes.length > CULL_ABOVE && !lowDetail}
            minZoom={0.02}
            maxZoom={2}
            fitViewOptions={FIT}
            colorMode="system"
            aria-label="Workflow graph"
          >
            {!lowDetail && <Background gap={24} size={1} />}
            <Controls showInteractive={false} />
            {nodes.length <= 2000 && (
              <MiniMap
                pannable
                zoomable
                nodeColor={minimapColor}
                nodeStrokeWidth={0}
                ariaLabel="Overview of the graph"
              />
            )}
            {!layoutDone && (
              <Panel position="top-center">
                <span
                  className="rounded bg-white/90 px-2 py-1 text-xs shadow dark:bg-slate-900/90"
                  aria-live="polite"
                >
                  Laying out {view.nodes.length.toLocaleString('en')} nodes…
                </span>
              </Panel>
            )}
          </ReactFlow>
        </div>
        {panelOpen && (
          <div className="lg:h-[72vh] lg:min-h-[460px]">
            <SidePanel
              model={model}
              audit={audit}
              selected={selected}
              group={selectedGroup}
              ledgerProblems={ledgerProblemsAt}
              onPick={reveal}
              onExpand={onExpand}
              onClose={() => useGraphView.getState().select(null)}
            />
          </div>
        )}
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="layout-status">
        {layout
          ? `${layout.view.nodes.length.toLocaleString('en')} nodes and ${layout.view.edges.length.toLocaleString(
              'en',
            )} edges laid out in ${layout.ms.toFixed(0)} ms (in a worker)`
          : 'Laying out…'}
        . Drag the background to pan, scroll to zoom; Tab moves between nodes, Enter selects, Escape clears.
      </p>
      <Timeline model={model} visible={visible} onPick={reveal} />
    </>
  );
}

const Summary = memo(function Summary({
  model,
  ledgerName,
}: {
  model: GraphModel;
  ledgerName: string | null;
}) {
  const c = model.counts;
  const stat = (value: number, label: string, tone: string, testId: string) => (
    <span className="whitespace-nowrap" data-testid={testId}>
      <b className={tone}>{value.toLocaleString('en')}</b> {label}
    </span>
  );
  return (
    <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
      <div className="min-w-0">
        <h2 className="text-lg font-semibold">
          Workflow graph
          {ledgerName && (
            <span className="font-normal text-slate-500 dark:text-slate-400"> · {ledgerName}</span>
          )}
        </h2>
        <p
          className="flex flex-wrap gap-x-3 text-sm text-slate-700 dark:text-slate-300"
          data-testid="graph-summary"
        >
          {stat(c.tokens, c.tokens === 1 ? 'token' : 'tokens', '', 'count-tokens')}
          {stat(c.valid, 'valid', 'text-emerald-700 dark:text-emerald-400', 'count-valid')}
          {stat(c.invalid, 'invalid', 'text-red-700 dark:text-red-400', 'count-invalid')}
          {stat(c.tainted, 'tainted', 'text-amber-700 dark:text-amber-400', 'count-tainted')}
          {stat(
            c.ghosts,
            c.ghosts === 1 ? 'missing parent' : 'missing parents',
            'text-slate-600 dark:text-slate-300',
            'count-missing',
          )}
          {stat(
            c.violations,
            c.violations === 1 ? 'violation' : 'violations',
            'text-red-700 dark:text-red-400',
            'count-violations',
          )}
        </p>
      </div>
      <div className="ml-auto flex w-full max-w-xl items-start gap-2">
        <div className="min-w-0 flex-1">
          <LoadTokens />
        </div>
        <Button
          title="Verify every token again: after adding keys to the trust store or changing the verifier's settings"
          onClick={() =>
            void useLedgers
              .getState()
              .refresh()
              .catch(() => undefined)
          }
          className="mt-0.5 whitespace-nowrap"
        >
          Re-audit
        </Button>
      </div>
    </div>
  );
});

function LabelledSelect({
  label,
  value,
  onChange,
  className = '',
  children,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="flex flex-col text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={`rounded-md border border-slate-300 bg-white px-1 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 ${className}`}
      >
        {children}
      </select>
    </div>
  );
}

function FacetSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string | null;
  options: Facet[];
  onChange: (v: string | null) => void;
}) {
  return (
    <LabelledSelect
      label={label}
      value={value ?? ''}
      onChange={(v) => onChange(v === '' ? null : v)}
      className="max-w-52"
    >
      <option value="">all ({options.reduce((a, o) => a + o.count, 0).toLocaleString('en')})</option>
      {options.slice(0, 500).map((o) => (
        <option key={o.value} value={o.value}>
          {visibleString(o.label)} ({o.count.toLocaleString('en')})
        </option>
      ))}
    </LabelledSelect>
  );
}

const Toolbar = memo(function Toolbar({
  model,
  onPick,
  onExport,
  exporting,
}: {
  model: GraphModel;
  onPick: (i: number) => void;
  onExport: (kind: 'png' | 'svg' | 'json') => Promise<void>;
  exporting: boolean;
}) {
  const filters = useGraphView((s) => s.filters);
  const setFilters = useGraphView((s) => s.setFilters);
  const direction = useGraphView((s) => s.direction);
  const setDirection = useGraphView((s) => s.setDirection);
  const grouping = useGraphView((s) => s.grouping);
  const setGrouping = useGraphView((s) => s.setGrouping);
  const expanded = useGraphView((s) => s.expanded);
  const collapse = useGraphView((s) => s.collapse);
  const wids = useMemo(() => facets(model, 'wid'), [model]);
  const agents = useMemo(() => facets(model, 'iss'), [model]);
  const actions = useMemo(() => facets(model, 'act'), [model]);
  const toggle = (active: boolean) =>
    `rounded-md border px-2 py-1 text-sm ${
      active
        ? 'border-sky-600 bg-sky-50 font-medium text-sky-900 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-100'
        : 'border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900'
    }`;
  return (
    <div className="flex flex-wrap items-end gap-x-3 gap-y-2" role="toolbar" aria-label="Graph controls">
      <Search model={model} onPick={onPick} />
      <FacetSelect
        label="Workflow (wid)"
        value={filters.wid}
        options={wids}
        onChange={(wid) => setFilters({ wid })}
      />
      <FacetSelect
        label="Agent (iss)"
        value={filters.iss}
        options={agents}
        onChange={(iss) => setFilters({ iss })}
      />
      <FacetSelect
        label="Action (exec_act)"
        value={filters.act}
        options={actions}
        onChange={(act) => setFilters({ act })}
      />
      <LabelledSelect
        label="Status"
        value={filters.status}
        onChange={(v) => setFilters({ status: v as StatusFilter })}
      >
        <option value="all">all</option>
        <option value="problems">problems (invalid, tainted, missing)</option>
        <option value="invalid">invalid</option>
        <option value="tainted">tainted</option>
        <option value="valid">valid</option>
      </LabelledSelect>
      {filtersActive(filters) && (
        <Button onClick={() => setFilters(NO_FILTERS)} className="self-end">
          Clear filters
        </Button>
      )}
      <div role="group" aria-label="Layout direction" className="flex gap-1 self-end">
        {(['LR', 'TB'] as const).map((d) => (
          <button
            key={d}
            type="button"
            aria-pressed={direction === d}
            onClick={() => setDirection(d)}
            className={toggle(direction === d)}
          >
            {d === 'LR' ? 'Left → right' : 'Top → bottom'}
          </button>
        ))}
      </div>
      <LabelledSelect label="Group" value={grouping} onChange={(v) => setGrouping(v as GroupMode | 'auto')}>
        <option value="auto">auto (by agent past {AUTO_GROUP_THRESHOLD.toLocaleString('en')})</option>
        <option value="none">no grouping</option>
        <option value="iss">by agent (iss)</option>
        <option value="wid">by workflow (wid)</option>
      </LabelledSelect>
      {[...expanded].map((k) => (
        <button
          key={k}
          type="button"
          onClick={() => collapse(k)}
          className="self-end rounded-full border border-sky-300 bg-sky-50 px-2 py-0.5 text-xs text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
          title="Collapse this group again"
        >
          {visibleString(k.replace(/^G:(iss|wid):/, ''))} ✕
        </button>
      ))}
      <div role="group" aria-label="Export" className="ml-auto flex items-center gap-1 self-end">
        <span className="text-xs text-slate-600 dark:text-slate-400">Export</span>
        <Button disabled={exporting} onClick={() => void onExport('png')}>
          PNG
        </Button>
        <Button disabled={exporting} onClick={() => void onExport('svg')}>
          SVG
        </Button>
        <Button onClick={() => void onExport('json')}>JSON report</Button>
      </div>
    </div>
  );
});

function Search({ model, onPick }: { model: GraphModel; onPick: (i: number) => void }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const hits = useMemo(() => searchJti(model, q, 8), [model, q]);
  const pick = (i: number) => {
    onPick(i);
    setOpen(false);
  };
  return (
    <div className="relative flex flex-col text-xs text-slate-600 dark:text-slate-400">
      <label htmlFor="graph-search">Find by jti (prefix)</label>
      <input
        id="graph-search"
        type="search"
        autoComplete="off"
        spellCheck={false}
        placeholder="e.g. 3f2a…"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hits[0] !== undefined) pick(hits[0]);
          if (e.key === 'Escape') setOpen(false);
        }}
        aria-controls="graph-search-results"
        aria-expanded={open && q.trim() !== ''}
        role="combobox"
        className="w-56 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      />
      {open && q.trim() !== '' && (
        <ul
          id="graph-search-results"
          role="listbox"
          className="absolute top-full left-0 z-20 mt-1 w-96 rounded-md border border-slate-200 bg-white py-1 text-sm text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          {hits.length === 0 && (
            <li className="px-2 py-1 text-slate-600 dark:text-slate-400">
              No jti starts with “<VisibleText text={q.trim()} />
              ”.
            </li>
          )}
          {hits.map((i) => {
            const n = model.nodes[i]!;
            return (
              <li key={i} role="option" aria-selected={false}>
                <button
                  type="button"
                  onClick={() => pick(i)}
                  className="flex w-full items-baseline gap-2 px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                  <code className="font-mono text-xs">
                    <VisibleText text={n.jti ?? ''} />
                  </code>
                  <span className="truncate text-xs text-slate-600 dark:text-slate-400">
                    {n.kind === 'ghost' ? 'missing' : <VisibleText text={n.act ?? ''} />}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function Legend() {
  const sw = 'inline-block h-3.5 w-6 rounded-sm align-middle';
  const line = (color: string, dash?: string, width = 2) => (
    <svg width="30" height="10" aria-hidden="true" className="inline-block align-middle">
      <line x1="1" y1="5" x2="24" y2="5" stroke={color} strokeWidth={width} strokeDasharray={dash} />
      <path d="M24 1 L29 5 L24 9 Z" fill={color} />
    </svg>
  );
  return (
    <div
      className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-700 dark:text-slate-300"
      aria-label="Legend"
      data-testid="graph-legend"
    >
      <span className="font-semibold">Legend</span>
      <span>
        <span
          className={`${sw} border border-slate-300 border-l-4 border-l-emerald-600 bg-white dark:bg-slate-900`}
        />{' '}
        valid
      </span>
      <span>
        <span className={`${sw} border-2 border-red-600 bg-red-50 dark:bg-red-950`} /> invalid (a violation of
        its own)
      </span>
      <span>
        <span
          className={`${sw} border border-amber-600 bg-[repeating-linear-gradient(135deg,#fef3c7_0_4px,#fffbeb_4px_8px)]`}
        />{' '}
        tainted (valid, downstream of an invalid task)
      </span>
      <span>
        <span className={`${sw} border-2 border-dashed border-slate-400`} /> missing parent
      </span>
      <span>
        <span className={`${sw} border-3 border-double border-sky-600 bg-sky-50 dark:bg-sky-950`} /> group
        (collapsed)
      </span>
      <span>{line('#94a3b8')} parent → child</span>
      <span>{line('#dc2626', undefined, 3)} cycle</span>
      <span>{line('#d97706', undefined, 3)} edge violation (labelled)</span>
      <span>{line('#ca8a04', '2 3')} clock-skew near miss</span>
      <span>{line('#94a3b8', '6 4')} to a missing parent</span>
    </div>
  );
}

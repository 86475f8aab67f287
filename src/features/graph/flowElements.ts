/**
 * From a laid-out view to React Flow's nodes and edges, and the selection's
 * lineage as classes on them. Pure: no React, no DOM. Built once per layout;
 * a selection only re-classes the related elements (a new array, the other
 * elements the same objects, so React Flow re-renders only those).
 */
import { MarkerType, Position } from '@xyflow/react';
import type { LedgerProblem } from 'wimse-ect';
import { visibleString } from '../../components/visible.ts';
import { EDGE_STYLE, edgeStatus } from './geometry.ts';
import type { Direction } from './layout/layered.ts';
import type { GraphModel } from './model.ts';
import type { View } from './view.ts';
import { lineage } from './traverse.ts';
import type { EctEdgeType, GraphNodeType } from './nodes.tsx';
import { sizeOf } from './sizes.ts';

/** A view and where the layout worker put its nodes (top-left corners). */
export interface Laid {
  model: GraphModel;
  view: View;
  direction: Direction;
  x: Float64Array;
  y: Float64Array;
  /** Time the worker took. */
  ms: number;
}

const MARKERS = Object.fromEntries(
  Object.entries(EDGE_STYLE).map(([k, { color }]) => [
    k,
    { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
  ]),
);

export function flowNodes(
  layout: Laid,
  opts: {
    onExpand: (key: string) => void;
    /** The ledger check's problems at an entry (its audit index), if any. */
    ledgerProblemsAt: (index: number) => readonly LedgerProblem[] | undefined;
  },
): GraphNodeType[] {
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
        data: { group: g, onExpand: opts.onExpand },
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
    const problems = opts.ledgerProblemsAt(node.index);
    return {
      ...common,
      type: 'task',
      data: problems ? { node, ledgerProblems: problems } : { node },
      ariaLabel: `${visibleString(node.act ?? 'task')} by ${visibleString(node.shortIss)}, ${node.status}${
        node.codes.length ? `: ${node.codes.join(', ')}` : ''
      }`,
    };
  });
}

export function flowEdges(layout: Laid): EctEdgeType[] {
  const v = layout.view;
  return v.edges.map((e): EctEdgeType => {
    const diff = e.model === null ? undefined : layout.model.edges[e.model]!.diff;
    const data = {
      codes: e.codes,
      nearMiss: e.nearMiss,
      count: e.count,
      ghost: e.ghost,
      selfLoop: e.source === e.target,
      ...(diff ? { diff } : {}),
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
}

/** The selection's lineage in view terms: which view nodes to keep lit, and the selected one's place. */
export interface Focus {
  related: Uint8Array;
  selView: number | undefined;
}

/** The lineage of the selected node (or of a selected group's members), or null when nothing is selected. */
export function focusOf(layout: Laid, selected: string | null): Focus | null {
  if (selected === null) return null;
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
}

const withClass = (className: string | undefined, more: string) =>
  className ? `${className} ${more}` : more;

export function focusNodes(nodes: GraphNodeType[], focus: Focus | null): GraphNodeType[] {
  if (!focus) return nodes;
  return nodes.map((b, i) => {
    if (!focus.related[i]) return b;
    return {
      ...b,
      className: withClass(b.className, i === focus.selView ? 'is-related is-selected' : 'is-related'),
    };
  });
}

export function focusEdges(edges: EctEdgeType[], layout: Laid | null, focus: Focus | null): EctEdgeType[] {
  if (!focus || !layout) return edges;
  const v = layout.view;
  return edges.map((b, k) => {
    const e = v.edges[k]!;
    return focus.related[e.source] && focus.related[e.target]
      ? { ...b, className: withClass(b.className, 'is-related') }
      : b;
  });
}

/** The critical paths marked (`is-critical`) on the nodes drawn one by one and the edges between them. */
export function markCritical(
  nodes: GraphNodeType[],
  edges: EctEdgeType[],
  layout: Laid,
  paths: { nodes: Uint8Array; edges: Uint8Array },
): { nodes: GraphNodeType[]; edges: EctEdgeType[] } {
  const v = layout.view;
  return {
    nodes: nodes.map((b, i) => {
      const vn = v.nodes[i]!;
      return vn.kind !== 'group' && paths.nodes[vn.model]
        ? { ...b, className: withClass(b.className, 'is-critical') }
        : b;
    }),
    edges: edges.map((b, k) => {
      const m = v.edges[k]!.model;
      return m !== null && paths.edges[m] ? { ...b, className: withClass(b.className, 'is-critical') } : b;
    }),
  };
}

/** The view node that shows `key` (a model node's own node, or its group), or -1. */
export function viewIndexOf(layout: Laid, key: string | null): number {
  if (key === null) return -1;
  const mi = layout.model.byKey.get(key);
  return (mi !== undefined ? layout.view.placeOf[mi] : layout.view.byKey.get(key)) ?? -1;
}

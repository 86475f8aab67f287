/**
 * Edge geometry shared by the live edge component (nodes.tsx) and the SVG
 * export (svg.ts): forward edges are React Flow's bezier; back edges (a cycle
 * the layout had to break) arc around their nodes instead of cutting through
 * them; a self-loop curls over its node.
 */
import { getBezierPath, Position } from '@xyflow/react';
import type { ErrorCode } from 'wimse-ect';

export interface EdgeGeometry {
  path: string;
  labelX: number;
  labelY: number;
}

export function edgeGeometry(
  sourceX: number,
  sourceY: number,
  targetX: number,
  targetY: number,
  sourcePosition: Position,
  targetPosition: Position,
  selfLoop: boolean,
): EdgeGeometry {
  const lr = sourcePosition === Position.Right;
  if (selfLoop) {
    const r = 46;
    if (lr) {
      return {
        path: `M ${sourceX} ${sourceY} C ${sourceX + r} ${sourceY - r * 1.6}, ${targetX - r} ${targetY - r * 1.6}, ${targetX} ${targetY}`,
        labelX: (sourceX + targetX) / 2,
        labelY: sourceY - r * 1.25,
      };
    }
    return {
      path: `M ${sourceX} ${sourceY} C ${sourceX + r * 2.4} ${sourceY + r}, ${targetX + r * 2.4} ${targetY - r}, ${targetX} ${targetY}`,
      labelX: sourceX + r * 1.9,
      labelY: (sourceY + targetY) / 2,
    };
  }
  const back = lr ? targetX < sourceX + 20 : targetY < sourceY + 20;
  if (back) {
    // Longer arcs ride a little higher (wider), so that several do not overlap.
    const stagger = Math.min(54, Math.abs(lr ? sourceX - targetX : sourceY - targetY) * 0.04);
    if (lr) {
      // Just clear of the nodes' top, inside the gap the layout leaves around each component.
      const top = Math.min(sourceY, targetY) - 66 - stagger;
      return {
        path: `M ${sourceX} ${sourceY} C ${sourceX + 44} ${sourceY}, ${sourceX + 44} ${top}, ${sourceX} ${top} L ${targetX} ${top} C ${targetX - 44} ${top}, ${targetX - 44} ${targetY}, ${targetX} ${targetY}`,
        labelX: (sourceX + targetX) / 2,
        labelY: top,
      };
    }
    const side = Math.max(sourceX, targetX) + 140 + stagger;
    return {
      path: `M ${sourceX} ${sourceY} C ${sourceX} ${sourceY + 60}, ${side} ${sourceY + 60}, ${side} ${sourceY} L ${side} ${targetY} C ${side} ${targetY - 60}, ${targetX} ${targetY - 60}, ${targetX} ${targetY}`,
      labelX: side,
      labelY: (sourceY + targetY) / 2,
    };
  }
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  return { path, labelX, labelY };
}

export interface EdgeLook {
  codes: readonly ErrorCode[];
  nearMiss: number;
  count: number;
  ghost: boolean;
}

export type EdgeStatus = 'ok' | 'cycle' | 'violation' | 'missing' | 'near-miss';

export function edgeStatus(d: Pick<EdgeLook, 'codes' | 'nearMiss' | 'ghost'>): EdgeStatus {
  if (d.codes.includes('cycle')) return 'cycle';
  if (d.codes.some((c) => c !== 'parent_not_found')) return 'violation';
  if (d.ghost || d.codes.includes('parent_not_found')) return 'missing';
  if (d.nearMiss > 0) return 'near-miss';
  return 'ok';
}

/** The edge label: the codes that the colour does not say, a near miss's skew, a fold count. */
export function edgeLabel(d: EdgeLook): string | undefined {
  const codes = d.codes.filter((c) => c !== 'parent_not_found');
  const parts: string[] = [];
  if (codes.length) parts.push(codes.join(' · '));
  else if (d.nearMiss > 0) parts.push(`skew ${d.nearMiss}s`);
  if (d.count > 1) parts.push(`×${d.count}`);
  return parts.length ? parts.join(' ') : undefined;
}

/** Stroke per edge status: used as SVG presentation attributes (CSS may override them on screen). */
export const EDGE_STYLE: Record<EdgeStatus, { color: string; width: number; dash?: string }> = {
  ok: { color: '#94a3b8', width: 1.5 },
  cycle: { color: '#dc2626', width: 2.5 },
  violation: { color: '#d97706', width: 2.25 },
  missing: { color: '#94a3b8', width: 1.5, dash: '6 4' },
  'near-miss': { color: '#ca8a04', width: 1.5, dash: '2 3' },
};

/** Width of an edge label's box: 11 px monospace, about 6.7 px a character. */
export function labelWidth(text: string): number {
  return Math.ceil(text.length * 6.7 + 10);
}

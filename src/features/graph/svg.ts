/**
 * The graph as a standalone SVG document, drawn from the layout itself (not
 * copied from the DOM): every node of the current view whatever is on screen,
 * real vector text and paths, a few hundred bytes a node. The PNG export
 * rasterizes the same drawing. Nothing is fetched: system fonts only.
 */
import { Position } from '@xyflow/react';
import { EDGE_STYLE, edgeGeometry, edgeLabel, edgeStatus, labelWidth, type EdgeStatus } from './geometry.ts';
import type { GraphModel } from './model.ts';
import type { View } from './view.ts';
import { visibleString } from '../../components/visible.ts';

export interface Drawing {
  model: GraphModel;
  view: View;
  direction: 'LR' | 'TB';
  x: Float64Array;
  y: Float64Array;
  size: (kind: 'task' | 'ghost' | 'group') => [number, number];
  /** View nodes to keep lit (the selection's lineage); everything else dimmed. Null: nothing dimmed. */
  related: Uint8Array | null;
  selected: number | undefined;
  dark: boolean;
}

const PAD = 90;

const PALETTES = {
  light: {
    bg: '#f8fafc',
    fg: '#0f172a',
    muted: '#475569',
    nodeBg: '#ffffff',
    nodeBorder: '#cbd5e1',
    valid: '#059669',
    invalidBg: '#fef2f2',
    invalid: '#dc2626',
    taintA: '#fef3c7',
    taintB: '#fffbeb',
    taint: '#d97706',
    taintFg: '#92400e',
    ghost: '#94a3b8',
    ghostFg: '#475569',
    groupBg: '#f0f9ff',
    group: '#0284c7',
    badgeBg: '#fee2e2',
    badgeFg: '#991b1b',
    labelBg: '#ffffff',
    labelFg: '#7c2d12',
    select: '#0284c7',
  },
  dark: {
    bg: '#020617',
    fg: '#e2e8f0',
    muted: '#94a3b8',
    nodeBg: '#0f172a',
    nodeBorder: '#334155',
    valid: '#34d399',
    invalidBg: '#2a0f12',
    invalid: '#f87171',
    taintA: '#2b1d07',
    taintB: '#1c1405',
    taint: '#f59e0b',
    taintFg: '#fde68a',
    ghost: '#64748b',
    ghostFg: '#94a3b8',
    groupBg: '#082f49',
    group: '#38bdf8',
    badgeBg: '#7f1d1d',
    badgeFg: '#fee2e2',
    labelBg: '#0f172a',
    labelFg: '#fed7aa',
    select: '#38bdf8',
  },
};

/**
 * Text for SVG markup: markup characters escaped, and invisible or direction-changing characters
 * (U+202E, U+200B, controls, which XML 1.0 also forbids) written as visible `\uXXXX` escapes, as
 * on screen; lone surrogates (not XML characters either) become U+FFFD.
 */
const esc = (s: string) =>
  visibleString(s)
    .replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g,
      '\ufffd',
    )
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    );

/** Cuts text to fit `px` at about `perChar` pixels a character. */
function fit(text: string, px: number, perChar: number): string {
  const max = Math.max(1, Math.floor(px / perChar));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function clock(iat: number): string {
  const d = new Date(iat * 1000);
  return Number.isNaN(d.getTime()) ? String(iat) : `${d.toISOString().slice(11, 19)}Z`;
}

const STATUS_TEXT = { valid: '✓ valid', invalid: '✗ invalid', tainted: '◐ tainted', ghost: '' } as const;

export function renderSvg(d: Drawing): { svg: string; width: number; height: number } {
  const p = d.dark ? PALETTES.dark : PALETTES.light;
  const { view, model } = d;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  view.nodes.forEach((v, i) => {
    const [w, h] = d.size(v.kind);
    minX = Math.min(minX, d.x[i]!);
    minY = Math.min(minY, d.y[i]!);
    maxX = Math.max(maxX, d.x[i]! + w);
    maxY = Math.max(maxY, d.y[i]! + h);
  });
  if (!view.nodes.length) minX = minY = maxX = maxY = 0;
  const width = Math.ceil(maxX - minX + 2 * PAD);
  const height = Math.ceil(maxY - minY + 2 * PAD);
  const ox = PAD - minX;
  const oy = PAD - minY;
  const dim = (i: number) => (d.related && !d.related[i] ? ' opacity="0.18"' : '');
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif">`,
    `<title>ECT workflow graph</title>`,
    '<defs>',
    `<pattern id="taint" width="14" height="14" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="14" height="14" fill="${p.taintB}"/><rect width="7" height="14" fill="${p.taintA}"/></pattern>`,
  );
  for (const [status, look] of Object.entries(EDGE_STYLE)) {
    out.push(
      `<marker id="arrow-${status}" markerWidth="16" markerHeight="16" viewBox="-10 -10 20 20" markerUnits="strokeWidth" orient="auto-start-reverse" refX="0" refY="0"><polyline points="-5,-4 0,0 -5,4 -5,-4" stroke="${look.color}" fill="${look.color}" stroke-width="1" stroke-linecap="round" stroke-linejoin="round"/></marker>`,
    );
  }
  out.push('</defs>', `<rect width="${width}" height="${height}" fill="${p.bg}"/>`);

  // Edges first, violations on top.
  const lr = d.direction === 'LR';
  const handle = (i: number, side: 'source' | 'target') => {
    const [w, h] = d.size(view.nodes[i]!.kind);
    const x = d.x[i]! + ox;
    const y = d.y[i]! + oy;
    if (lr) return side === 'source' ? [x + w, y + h / 2] : [x, y + h / 2];
    return side === 'source' ? [x + w / 2, y + h] : [x + w / 2, y];
  };
  const order = view.edges
    .map((e, k) => ({ e, k, status: edgeStatus(e) as EdgeStatus }))
    .sort(
      (a, b) =>
        Number(a.status !== 'ok' && a.status !== 'missing') -
        Number(b.status !== 'ok' && b.status !== 'missing'),
    );
  const labels: string[] = [];
  for (const { e, status } of order) {
    const [sx, sy] = handle(e.source, 'source');
    const [tx, ty] = handle(e.target, 'target');
    const g = edgeGeometry(
      sx!,
      sy!,
      tx!,
      ty!,
      lr ? Position.Right : Position.Bottom,
      lr ? Position.Left : Position.Top,
      e.source === e.target,
    );
    const look = EDGE_STYLE[status];
    const faded = d.related && !(d.related[e.source] && d.related[e.target]) ? ' opacity="0.18"' : '';
    out.push(
      `<path d="${g.path}" fill="none" stroke="${look.color}" stroke-width="${look.width}"${
        look.dash ? ` stroke-dasharray="${look.dash}"` : ''
      } marker-end="url(#arrow-${status})"${faded}/>`,
    );
    const label = edgeLabel(e);
    if (label) {
      const w = labelWidth(label);
      labels.push(
        `<g transform="translate(${g.labelX - w / 2} ${g.labelY - 9})"${faded}><rect width="${w}" height="18" rx="3" fill="${p.labelBg}" fill-opacity="0.95"/><text x="${w / 2}" y="13" text-anchor="middle" fill="${p.labelFg}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11" font-weight="600">${esc(label)}</text></g>`,
      );
    }
  }
  out.push(...labels);

  // Nodes.
  view.nodes.forEach((v, i) => {
    const [w, h] = d.size(v.kind);
    const x = d.x[i]! + ox;
    const y = d.y[i]! + oy;
    const parts: string[] = [];
    const ring =
      i === d.selected
        ? `<rect x="-3" y="-3" width="${w + 6}" height="${h + 6}" rx="8" fill="none" stroke="${p.select}" stroke-width="3"/>`
        : '';
    if (v.kind === 'group') {
      const g = v.group;
      const bad = g.invalid > 0;
      parts.push(
        `<rect width="${w}" height="${h}" rx="6" fill="${p.groupBg}" stroke="${p.group}" stroke-width="3"/>`,
        `<rect x="4" y="4" width="${w - 8}" height="${h - 8}" rx="4" fill="none" stroke="${p.group}" stroke-width="1"/>`,
        `<rect width="6" height="${h}" rx="2" fill="${bad ? p.invalid : p.group}"/>`,
        `<text x="14" y="22" font-size="13" font-weight="600" fill="${p.fg}">${esc(
          fit(g.label, w - 24, 7.4),
        )}</text>`,
        `<text x="14" y="40" font-size="11" fill="${p.muted}">${g.mode === 'iss' ? 'agent' : 'workflow'} · ${g.tokens.toLocaleString('en')} tokens${
          g.ghosts ? ` · ${g.ghosts} missing` : ''
        }</text>`,
        // Each count in its own status colour, as on screen: invalid red, tainted amber, all valid green.
        `<text x="14" y="60" font-size="11" font-weight="600" fill="${bad ? p.invalid : g.tainted ? p.taintFg : p.valid}">${esc(
          bad
            ? `${g.invalid.toLocaleString('en')} invalid · ${g.violations.toLocaleString('en')} violations`
            : g.tainted
              ? `${g.tainted.toLocaleString('en')} tainted`
              : 'all valid',
        )}</text>`,
        bad && g.tainted
          ? `<text x="14" y="76" font-size="11" font-weight="600" fill="${p.taintFg}">${esc(
              `${g.tainted.toLocaleString('en')} tainted`,
            )}</text>`
          : '',
      );
    } else {
      const n = model.nodes[v.model]!;
      if (n.kind === 'ghost') {
        parts.push(
          `<rect x="1" y="1" width="${w - 2}" height="${h - 2}" rx="6" fill="none" stroke="${p.ghost}" stroke-width="2" stroke-dasharray="6 4"/>`,
          `<text x="10" y="21" font-size="12" font-weight="600" font-family="ui-monospace, Menlo, Consolas, monospace" fill="${p.ghostFg}">missing: ${esc(n.shortJti)}</text>`,
          `<text x="10" y="38" font-size="11" fill="${p.ghostFg}">parent not in the set · ${n.children.length} ${
            n.children.length === 1 ? 'child' : 'children'
          }</text>`,
        );
      } else {
        const s = n.status;
        const fill = s === 'invalid' ? p.invalidBg : s === 'tainted' ? 'url(#taint)' : p.nodeBg;
        const stroke = s === 'invalid' ? p.invalid : s === 'tainted' ? p.taint : p.nodeBorder;
        const stripe = s === 'invalid' ? p.invalid : s === 'tainted' ? p.taint : p.valid;
        const statusColor = s === 'invalid' ? p.invalid : s === 'tainted' ? p.taintFg : p.valid;
        parts.push(
          `<rect x="0.5" y="0.5" width="${w - 1}" height="${h - 1}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="${
            s === 'invalid' ? 2 : 1
          }"/>`,
          `<rect width="5" height="${h}" rx="2" fill="${stripe}"/>`,
          `<text x="${w - 8}" y="19" text-anchor="end" font-size="10" font-weight="600" fill="${statusColor}">${STATUS_TEXT[s]}</text>`,
          `<text x="13" y="20" font-size="13" font-weight="600" fill="${p.fg}">${esc(
            fit(n.act ?? '(no exec_act)', w - 82, 7.6),
          )}</text>`,
          `<text x="13" y="37" font-size="11" fill="${p.muted}">${esc(n.shortIss)} · <tspan font-family="ui-monospace, Menlo, Consolas, monospace">${esc(
            n.shortJti,
          )}</tspan></text>`,
        );
        let bx = 13;
        const badge = (text: string, bg: string, fg: string, border?: string) => {
          const bw = Math.ceil(text.length * 6.1 + 8);
          if (bx + bw > w - 6) return;
          parts.push(
            `<rect x="${bx}" y="${h - 27}" width="${bw}" height="15" rx="3" fill="${bg}"${
              border ? ` stroke="${border}"` : ''
            }/><text x="${bx + 4}" y="${h - 16}" font-size="10" font-weight="600" font-family="ui-monospace, Menlo, Consolas, monospace" fill="${fg}">${esc(
              text,
            )}</text>`,
          );
          bx += bw + 3;
        };
        if (s === 'tainted') badge('downstream of invalid', p.taintA, p.taintFg, p.taint);
        for (const c of n.codes.slice(0, 3)) badge(c, p.badgeBg, p.badgeFg);
        if (n.iat !== null && n.codes.length < 2 && s !== 'tainted') {
          parts.push(
            `<text x="${w - 8}" y="${h - 16}" text-anchor="end" font-size="10" font-family="ui-monospace, Menlo, Consolas, monospace" fill="${p.muted}">${clock(
              n.iat,
            )}</text>`,
          );
        }
      }
    }
    out.push(`<g transform="translate(${x} ${y})"${dim(i)}>${ring}${parts.join('')}</g>`);
  });
  out.push('</svg>');
  return { svg: out.join('\n'), width, height };
}

/** Longest side and area of a PNG export (browsers refuse larger canvases). */
const MAX_SIDE = 12_000;
const MAX_AREA = 100_000_000;

export async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(2, MAX_SIDE / Math.max(width, height), Math.sqrt(MAX_AREA / (width * height)));
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser gave no 2D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the image is too large to encode'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

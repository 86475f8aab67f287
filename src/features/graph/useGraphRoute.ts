/**
 * The Graph tab's address carries its whole view, so that a link (or a
 * reload) reproduces what the reviewer saw:
 *
 *   #/graph?jti=…&wid=…&iss=…&act=…&status=invalid&q=+jti:…&group=wid&open=G:wid:…
 *          &dir=TB&cp=1&v=3&cmp=<ledger id>
 *
 * `jti` is the selected node (`n` tells duplicates apart, `sel` names a
 * selected group). Defaults are left out. An address with parameters sets the
 * view (what it leaves out goes back to the default); a bare `#/graph` (the
 * tab) keeps the view as it was. Every navigation to an address with a jti
 * centres on it once, also for the same jti again.
 */
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { visibleString } from '../../components/visible.ts';
import { useRouter } from '../../state/router.ts';
import type { GraphModel } from './model.ts';
import type { GroupSetting, StatusFilter } from './view.ts';
import { revealNode } from './reveal.ts';
import { DEFAULT_VIEW, useGraphView, type GraphView } from './store.ts';

const GROUPINGS: readonly GroupSetting[] = ['auto', 'problems', 'none', 'iss', 'wid'];
const STATUSES: readonly StatusFilter[] = ['all', 'problems', 'invalid', 'tainted', 'valid'];

/** The view an address asks for (defaults for what it leaves out). */
export function viewFromParams(p: URLSearchParams): GraphView {
  const status = p.get('status') as StatusFilter | null;
  const grouping = p.get('group') as GroupSetting | null;
  const v = Number(p.get('v'));
  return {
    filters: {
      wid: p.get('wid'),
      iss: p.get('iss'),
      act: p.get('act'),
      status: status && STATUSES.includes(status) ? status : 'all',
    },
    query: p.get('q') ?? '',
    direction: p.get('dir') === 'TB' ? 'TB' : 'LR',
    grouping: grouping && GROUPINGS.includes(grouping) ? grouping : 'auto',
    expanded: new Set(p.getAll('open')),
    critical: p.get('cp') === '1',
    compare: p.get('cmp'),
    violation: Number.isInteger(v) && v >= 1 ? v - 1 : null,
  };
}

/** The address of a view and selection (`jti` first: the plainest link is `#/graph?jti=…`). */
export function hashOf(
  view: GraphView,
  selection: { jti: string | null; nth: number; group: string | null },
): string {
  const p = new URLSearchParams();
  if (selection.jti !== null) {
    p.set('jti', selection.jti);
    if (selection.nth > 0) p.set('n', String(selection.nth));
  } else if (selection.group !== null) p.set('sel', selection.group);
  const f = view.filters;
  if (f.wid !== null) p.set('wid', f.wid);
  if (f.iss !== null) p.set('iss', f.iss);
  if (f.act !== null) p.set('act', f.act);
  if (f.status !== 'all') p.set('status', f.status);
  if (view.query.trim()) p.set('q', view.query);
  if (view.grouping !== DEFAULT_VIEW.grouping) p.set('group', view.grouping);
  for (const g of view.expanded) p.append('open', g);
  if (view.direction !== DEFAULT_VIEW.direction) p.set('dir', view.direction);
  if (view.critical) p.set('cp', '1');
  if (view.violation !== null) p.set('v', String(view.violation + 1));
  if (view.compare !== null) p.set('cmp', view.compare);
  const q = p.toString();
  return `#/graph${q ? `?${q}` : ''}`;
}

/** The model node an address names: its jti (the nth of duplicates), or -1. */
function nodeOf(model: GraphModel, jti: string | null, nth: number): number {
  if (!jti) return -1;
  const list = model.byJti.get(jti);
  if (list?.length) return list[Math.min(nth, list.length - 1)]!;
  // A missing parent is drawn as a ghost node, under its id.
  return model.nodes.findIndex((n) => n.kind === 'ghost' && n.jti === jti);
}

/**
 * Reads the address into the view on every navigation, writes the view into the address on every
 * change. Returns a notice when the address names a jti this ledger does not have.
 */
export function useGraphRoute(model: GraphModel): string | null {
  const params = useRouter((s) => (s.route === 'graph' ? s.params : null));
  const handled = useRef<URLSearchParams | null>(null);
  const jti = params?.get('jti') ?? null;
  const hit = useMemo(() => nodeOf(model, jti, Number(params?.get('n') ?? 0) || 0), [model, jti, params]);

  // Before paint, so the first layout asked for is (nearly always) the view of the address.
  useLayoutEffect(() => {
    if (!params || handled.current === params) return;
    handled.current = params;
    if (![...params.keys()].length) return; // the bare tab: the view stays as it was
    const st = useGraphView.getState();
    st.setView(viewFromParams(params));
    if (hit >= 0) revealNode(model, hit);
    else if (params.get('sel')) st.select(params.get('sel'), { center: true });
    else st.select(null);
  }, [params, hit, model]);

  const view = useGraphView((s) => s);
  const selected = view.selected;
  useEffect(() => {
    const i = selected === null ? undefined : model.byKey.get(selected);
    const node = i === undefined ? null : model.nodes[i]!;
    const dupes = node?.jti ? (model.byJti.get(node.jti) ?? []) : [];
    const want = hashOf(view, {
      jti: node?.jti ?? null,
      nth: Math.max(0, dupes.indexOf(i!)),
      group: node === null && selected?.startsWith('G:') ? selected : null,
    });
    if (location.hash.startsWith('#/graph') && location.hash !== want)
      history.replaceState(history.state, '', want);
  }, [view, selected, model]);

  const current = useGraphView((s) => s.selected);
  return jti && hit === -1 && current === null
    ? `No token or missing parent with jti ${visibleString(jti)} is in this ledger.`
    : null;
}

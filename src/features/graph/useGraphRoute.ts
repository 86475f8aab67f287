/**
 * The Graph tab's address: `#/graph?jti=…` opens focused on that node, and
 * the address follows the selection, so that it can be shared.
 */
import { useEffect, useMemo, useRef } from 'react';
import { visibleString } from '../../components/visible.ts';
import { useRouter } from '../../state/router.ts';
import type { GraphModel } from './model.ts';
import { revealNode } from './store.ts';

/** Returns a notice when the address names a jti this ledger does not have. */
export function useGraphRoute(model: GraphModel, selected: string | null): string | null {
  // Every navigation to #/graph?jti=… (a new params object) focuses once, also for the same jti again.
  const routeParams = useRouter((s) => s.params);
  const jtiParam = routeParams.get('jti');
  const handledParams = useRef<URLSearchParams | null>(null);
  const focusHit = useMemo(
    () => (jtiParam ? model.nodes.findIndex((n) => n.jti === jtiParam) : -1),
    [jtiParam, model],
  );
  useEffect(() => {
    if (!jtiParam || focusHit === -1 || handledParams.current === routeParams) return;
    handledParams.current = routeParams;
    revealNode(model, focusHit);
  }, [routeParams, jtiParam, focusHit, model]);

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

  return jtiParam && focusHit === -1 && selected === null
    ? `No token or missing parent with jti ${visibleString(jtiParam)} is in this ledger.`
    : null;
}

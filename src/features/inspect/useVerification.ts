import { useEffect, useMemo, useState } from 'react';
import { verifyToken, type Settings, type TrustStore, type VerificationReport } from 'wimse-ect';

/** Everything a verification depends on; a new object whenever one of them changes. */
export interface VerifyContext {
  trust: TrustStore;
  settings: Settings;
  /** The verifier's own id; '' for an auditor (step 11 skipped). */
  audience: string;
  /** Unix seconds. */
  now: number;
}

/** Reports per context, so typing only verifies the token being edited. */
const caches = new WeakMap<VerifyContext, Map<string, VerificationReport>>();
const MAX_CACHED = 5000;
const CHUNK = 50;

function cacheFor(ctx: VerifyContext): Map<string, VerificationReport> {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new Map()));
  return cache;
}

export function useVerifyContext(
  trust: TrustStore,
  settings: Settings,
  audience: string,
  now: number,
  ready: boolean,
): VerifyContext | null {
  return useMemo(
    () => (ready ? { trust, settings, audience: audience.trim(), now } : null),
    [trust, settings, audience, now, ready],
  );
}

export interface Verification {
  /** True until every token is verified under the current context. */
  pending: boolean;
  /** The latest report for a token, possibly from the previous context while re-verifying. */
  reportOf(token: string): { report: VerificationReport | undefined; fresh: boolean };
}

/**
 * Verifies each token on its own (no replay cache, no DAG store) against the
 * context, asynchronously and in chunks; earlier reports stay on screen while
 * a new context is verified. `ctx` null (keyring still loading) verifies nothing.
 */
export function useVerification(tokens: readonly string[], ctx: VerifyContext | null): Verification {
  const [done, setDone] = useState<{ ctx: VerifyContext | null; tokens: readonly string[] }>({
    ctx: null,
    tokens: [],
  });

  useEffect(() => {
    if (!ctx) return;
    let cancelled = false;
    const cache = cacheFor(ctx);
    if (cache.size > MAX_CACHED) cache.clear();
    const missing = [...new Set(tokens)].filter((t) => !cache.has(t));
    void (async () => {
      for (let i = 0; i < missing.length; i += CHUNK) {
        const chunk = missing.slice(i, i + CHUNK);
        const reports = await Promise.all(
          chunk.map((t) =>
            verifyToken(t, {
              trust: ctx.trust,
              settings: ctx.settings,
              audience: ctx.audience || null,
              now: ctx.now,
            }),
          ),
        );
        if (cancelled) return;
        chunk.forEach((t, j) => cache.set(t, reports[j]!));
      }
      if (!cancelled) setDone({ ctx, tokens });
    })();
    return () => {
      cancelled = true;
    };
  }, [tokens, ctx]);

  const current = ctx !== null && done.ctx === ctx && done.tokens === tokens;
  const now = ctx ? caches.get(ctx) : undefined;
  const before = done.ctx ? caches.get(done.ctx) : undefined;
  return {
    pending: !current,
    reportOf(token) {
      const fresh = now?.get(token);
      if (fresh) return { report: fresh, fresh: true };
      return { report: before?.get(token), fresh: false };
    },
  };
}

/** The real clock in Unix seconds, refreshed every 10 s while `active`. */
export function useClock(active: boolean): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Math.floor(Date.now() / 1000));
    tick();
    const id = setInterval(tick, 10_000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

import { lazy, Suspense, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { WrongPlaceOffer } from '../../components/WrongPlace.tsx';
import { classifyText } from '../../state/fileKind.ts';
import { useHandoff } from '../../state/handoff.ts';
import { foreignJwt } from './jwtKind.ts';
import { tokenLinks, type TokenEdge } from './links.ts';
import { SummaryTable, type SummaryRow } from './SummaryTable.tsx';
import { splitInput } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { SettingsPanel } from '../../components/SettingsPanel.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useKeyring } from '../../state/keyring.ts';
import { useRouter } from '../../state/router.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import { decodeCached } from './decodeCache.ts';
import { EXAMPLE_TOKEN, EXAMPLE_VALID_AT, makeExampleToken } from './example.ts';
import { countLine } from './format.ts';
import { useInspectStore, type InspectNotice } from './store.ts';
import { TokenCard } from './TokenCard.tsx';
import { TokenInput } from './TokenInput.tsx';
import { useClock, useVerification, useVerifyContext } from './useVerification.ts';

// React Flow loads only when pasted tokens link to each other.
const TokensDag = lazy(() => import('./TokensDag.tsx'));

/** Tokens decoded, verified and listed in the summary table at most; the page says how many were left out. */
const MAX_VERIFIED = 2000;
/** Cards shown at a time: the summary table lists every token, the cards show a page of them in detail. */
const PAGE = 50;
/** Linked tokens drawn as a DAG at most. */
const MAX_DAG = 150;
/** Cards open their claims table and trace at first when at most this many tokens are pasted. */
const EXPANDED_UP_TO = 3;
const EXPIRED_NOTICE: InspectNotice = {
  tone: 'info',
  text: 'This is the signed example from the conformance vectors: issued 2025-12-31T23:59:00Z, it expired ten minutes later, so it fails with "expired" today. Verify as of a time inside its window to see it pass.',
  timeTravelTo: EXAMPLE_VALID_AT,
};

export function InspectPage() {
  const text = useInspectStore((s) => s.text);
  const setText = useInspectStore((s) => s.setText);
  const notice = useInspectStore((s) => s.notice);
  const editedAt = useInspectStore((s) => s.editedAt);
  const applyRouteToken = useInspectStore((s) => s.applyRouteToken);
  const routeToken = useRouter((s) => (s.route === 'inspect' ? s.params.get('token') : null));
  const trust = useKeyring((s) => s.trust);
  const keyringStatus = useKeyring((s) => s.status);
  const settings = useVerifierSettings((s) => s.settings);
  const audience = useVerifierSettings((s) => s.audience);
  const nowOverride = useVerifierSettings((s) => s.nowOverride);
  const setNowOverride = useVerifierSettings((s) => s.setNowOverride);
  const [exampleBusy, setExampleBusy] = useState(false);

  // A share link (#/inspect?token=…) fills the textarea, on load and on every new link.
  useEffect(() => {
    if (routeToken !== null) applyRouteToken(routeToken);
  }, [routeToken, applyRouteToken]);

  // Decoding follows typing without blocking it on large pastes.
  const deferredText = useDeferredValue(text);
  // Keys, a scenario or a ledger bundle pasted here: said, and offered their place.
  const what = useMemo(
    () => (/^\s*\{|-----BEGIN /.test(deferredText.slice(0, 2000)) ? classifyText(deferredText) : null),
    [deferredText],
  );
  const notTokens = what?.kind === 'keys' || what?.kind === 'scenario';
  const { split, tokens, results, failures } = useMemo(() => {
    const parsed = notTokens ? { tokens: [], form: 'empty' as const } : splitInput(deferredText);
    const shown = parsed.tokens.slice(0, MAX_VERIFIED);
    const decoded = shown.map(decodeCached);
    return {
      split: parsed,
      tokens: shown,
      results: decoded,
      failures: decoded.filter((r) => !r.ok).length,
    };
  }, [deferredText, notTokens]);

  // Text sent here from another tab (tokens pasted into Keys & trust).
  useEffect(() => {
    const pending = useHandoff.getState().takeText('inspect');
    if (pending) setText(pending.text, { tone: 'info', text: `Sent here from ${pending.from}.` });
  }, [setText]);

  const clock = useClock(nowOverride === null && tokens.length > 0);
  const now = nowOverride ?? Math.max(clock, editedAt);
  const ctx = useVerifyContext(trust, settings, audience, now, keyringStatus !== 'loading');
  const verification = useVerification(tokens, ctx);

  const loadExample = async () => {
    setExampleBusy(true);
    try {
      const example = await makeExampleToken();
      setText(
        example.token,
        example.fresh
          ? {
              tone: 'info',
              text: 'A fresh example, signed just now in this browser with the example agent A key (kid agent-a-key) from your keyring: it verifies.',
            }
          : {
              tone: 'warn',
              text: `This is the static example from the conformance vectors, because ${example.why}: it expired on 2026-01-01, so it fails with "expired" unless you verify as of a time inside its window. Add the example agents back on the Keys & trust tab to get a fresh one.`,
              timeTravelTo: EXAMPLE_VALID_AT,
            },
      );
    } finally {
      setExampleBusy(false);
    }
  };

  const { counts, rows } = useMemo(() => {
    let valid = 0;
    let invalid = 0;
    const list: SummaryRow[] = tokens.map((t, index) => {
      const r = verification.reportOf(t).report;
      if (r?.valid) valid++;
      else if (r) invalid++;
      const d = results[index]!;
      const payload = d.ok ? d.decoded.payload : null;
      return {
        index,
        status: !d.ok ? 'undecodable' : !r ? 'pending' : r.valid ? 'valid' : 'invalid',
        code: d.ok ? (r?.code ?? null) : 'malformed',
        action: typeof payload?.exec_act === 'string' ? payload.exec_act : null,
        issuer: typeof payload?.iss === 'string' ? payload.iss : null,
        foreign: d.ok ? (foreignJwt(d.decoded)?.kind ?? null) : null,
      };
    });
    return { counts: { valid, invalid }, rows: list };
  }, [tokens, results, verification]);

  const shown = tokens.length;
  const total = split.tokens.length;
  const expanded = total <= EXPANDED_UP_TO;

  // The page of cards shown (it starts again at the first page when the text changes).
  const [paging, setPaging] = useState<{ text: string; page: number; scrollTo: number | null }>({
    text: '',
    page: 0,
    scrollTo: null,
  });
  const page = paging.text === deferredText ? paging.page : 0;
  const pages = Math.ceil(shown / PAGE);
  const first = page * PAGE;
  const showCard = (index: number) =>
    setPaging({ text: deferredText, page: Math.floor(index / PAGE), scrollTo: index });
  // A row's "details" brings its card into view and moves focus there (each click, again).
  useEffect(() => {
    if (paging.scrollTo === null) return;
    const card = document.getElementById(`token-card-${paging.scrollTo}`);
    card?.scrollIntoView({ block: 'start' });
    card?.focus({ preventScroll: true });
  }, [paging]);

  const edges = useMemo(
    () => (shown > 1 ? tokenLinks(results.map((r) => (r.ok ? r.decoded.payload : null))) : []),
    [results, shown],
  );

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <div className="flex min-w-0 flex-col gap-4">
        <section className="flex flex-col gap-2">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <label htmlFor="ect-input" className="font-medium">
              Paste ECTs
            </label>
            <div className="flex gap-2">
              <Button
                onClick={() => void loadExample()}
                disabled={exampleBusy}
                title="Sign a fresh -01 example token with the example agent A key from your keyring"
              >
                {exampleBusy ? 'Signing…' : 'Example'}
              </Button>
              <Button onClick={() => setText('')} disabled={text === ''}>
                Clear
              </Button>
            </div>
          </div>
          <TokenInput describedBy="ect-input-help ect-count" />
          <p id="ect-input-help" className="text-xs text-slate-500 dark:text-slate-400">
            Tokens are decoded as you type and verified against the keys in your keyring (Keys & trust tab)
            with the settings on the right, in this page only; nothing is sent anywhere.
          </p>
          {notice && (
            <div
              role="status"
              data-testid="notice"
              className={`flex flex-wrap items-center gap-2 rounded-md border px-3 py-2 text-sm ${
                notice.tone === 'warn'
                  ? 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100'
                  : 'border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950/40 dark:text-sky-100'
              }`}
            >
              <span className="min-w-0 flex-1">
                <VisibleText text={notice.text} />
              </span>
              {notice.timeTravelTo !== undefined && nowOverride !== notice.timeTravelTo && (
                <Button onClick={() => setNowOverride(notice.timeTravelTo!)}>
                  Verify as of {new Date(notice.timeTravelTo * 1000).toISOString().slice(0, 16)} UTC
                </Button>
              )}
            </div>
          )}
        </section>

        {what && what.kind !== 'tokens' && what.kind !== 'empty' && what.kind !== 'unknown' && (
          <WrongPlaceOffer
            text={deferredText}
            kind={what}
            here="inspect"
            expected={
              what.kind === 'ledger-bundle' ? 'loose tokens (its tokens are inspected below)' : 'tokens'
            }
            onSent={() => setText('')}
          />
        )}

        {notTokens ? null : total === 0 ? (
          <EmptyState
            onExample={() => void loadExample()}
            onExpired={() => setText(EXAMPLE_TOKEN, EXPIRED_NOTICE)}
            busy={exampleBusy}
          />
        ) : (
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <p id="ect-count" className="text-sm font-medium" data-testid="token-count" aria-live="polite">
              {countLine(deferredText, split, failures, shown)}
            </p>
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="verify-summary">
              {verification.pending && ctx === null
                ? 'Loading your keyring…'
                : verification.pending
                  ? 'Verifying…'
                  : `${counts.valid.toLocaleString('en')} valid, ${counts.invalid.toLocaleString('en')} invalid`}
            </p>
            {total > shown && (
              <p
                className="w-full text-sm font-medium text-amber-900 dark:text-amber-200"
                data-testid="cap-note"
              >
                Only the first {shown.toLocaleString('en')} of {total.toLocaleString('en')} tokens are read
                and verified; the other {(total - shown).toLocaleString('en')} are left out. Import them into
                a ledger to audit them all.
              </p>
            )}
            {shown > PAGE && (
              <p className="w-full text-sm text-slate-600 dark:text-slate-400" data-testid="detail-note">
                The table lists all {shown.toLocaleString('en')}; below, {PAGE} at a time are shown in detail
                (tokens {(first + 1).toLocaleString('en')}–
                {Math.min(first + PAGE, shown).toLocaleString('en')}).
              </p>
            )}
          </div>
        )}

        {shown > 1 && <SummaryTable rows={rows} onShow={showCard} />}
        {edges.length > 0 && <LinkedTokens rows={rows} edges={edges} onPick={showCard} />}

        {pages > 1 && (
          <Pager
            page={page}
            pages={pages}
            onPage={(p) => setPaging({ text: deferredText, page: p, scrollTo: null })}
          />
        )}
        <div className="flex flex-col gap-4" data-testid="token-list">
          {results.slice(first, first + PAGE).map((result, k) => {
            const i = first + k;
            const token = tokens[i] ?? '';
            const { report, fresh } = verification.reportOf(token);
            return (
              <TokenCard
                key={i}
                index={i}
                token={token}
                result={result}
                report={report}
                fresh={fresh}
                now={now}
                expanded={expanded}
              />
            );
          })}
        </div>
        {pages > 1 && (
          <Pager
            page={page}
            pages={pages}
            onPage={(p) => setPaging({ text: deferredText, page: p, scrollTo: null })}
          />
        )}
      </div>

      <aside className="flex flex-col gap-3 lg:sticky lg:top-4 lg:self-start" aria-label="Verification">
        <SettingsPanel clock={now} />
        <p className="rounded-md border border-slate-200 px-3 py-2 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
          Each token is verified on its own: no replay cache and no store of earlier tasks, so steps 14
          (replay) and 15 (DAG rules) are skipped. DAG rules need a ledger: see the Ledger tab.
        </p>
      </aside>
    </div>
  );
}

function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  return (
    <nav aria-label="Pages of token details" className="flex flex-wrap items-center gap-2 text-sm">
      <Button onClick={() => onPage(page - 1)} disabled={page === 0}>
        ← Previous {PAGE}
      </Button>
      <span>
        page {page + 1} of {pages}
      </span>
      <Button onClick={() => onPage(page + 1)} disabled={page >= pages - 1}>
        Next {PAGE} →
      </Button>
    </nav>
  );
}

/** The linked tokens drawn as a DAG (React Flow, loaded when first needed). */
function LinkedTokens({
  rows,
  edges,
  onPick,
}: {
  rows: readonly SummaryRow[];
  edges: readonly TokenEdge[];
  onPick: (index: number) => void;
}) {
  const { dagTokens, dagEdges, left } = useMemo(() => {
    const linked = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort((a, b) => a - b);
    const kept = linked.slice(0, MAX_DAG);
    const at = new Map(kept.map((index, pos) => [index, pos]));
    return {
      dagTokens: kept.map((index) => {
        const r = rows[index]!;
        return {
          index,
          label: r.action ?? '(no exec_act)',
          status:
            r.status === 'valid'
              ? ('valid' as const)
              : r.status === 'pending'
                ? ('pending' as const)
                : ('invalid' as const),
          code: r.code,
        };
      }),
      dagEdges: edges
        .filter((e) => at.has(e.from) && at.has(e.to))
        .map((e) => ({ from: at.get(e.from)!, to: at.get(e.to)! })),
      left: linked.length - kept.length,
    };
  }, [rows, edges]);
  return (
    <section aria-label="How the tokens link" data-testid="tokens-dag" className="flex flex-col gap-1">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {dagTokens.length + left} of the tokens link to each other ({edges.length} pred edge
        {edges.length === 1 ? '' : 's'}){left ? `; the first ${MAX_DAG} are drawn` : ''}. Each token is
        verified on its own here; the DAG rules (missing parents, cycles, order) are checked on the Ledger and
        Graph tabs.
      </p>
      <div className="h-64 rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <Suspense fallback={<p className="p-2 text-sm">Drawing…</p>}>
          <TokensDag tokens={dagTokens} edges={dagEdges} onPick={onPick} />
        </Suspense>
      </div>
    </section>
  );
}

function EmptyState({
  onExample,
  onExpired,
  busy,
}: {
  onExample: () => void;
  onExpired: () => void;
  busy: boolean;
}) {
  return (
    <section
      className="rounded-lg border border-dashed border-slate-300 bg-white p-5 text-sm dark:border-slate-700 dark:bg-slate-900"
      data-testid="empty-state"
      aria-labelledby="empty-title"
    >
      <h2 id="empty-title" className="text-base font-semibold">
        Inspect and verify Execution Context Tokens
      </h2>
      <p className="mt-1 text-slate-700 dark:text-slate-300">
        Paste one or many ECTs above, or drop a text file on the box. Each token is decoded at once, verified
        through the profile's 16 steps against your keyring, and every claim is explained.
      </p>
      <ul className="mt-2 list-disc pl-5 text-slate-700 dark:text-slate-300">
        <li>
          a bare token: <code className="font-mono text-xs">eyJhbGciOiJFUzI1NiIs…</code> (L2, signed) or
          base64url JSON claims (L1, unsigned)
        </li>
        <li>
          an HTTP header line: <code className="font-mono text-xs">Execution-Context: eyJ…, eyJ…</code>
        </li>
        <li>a comma-separated list, a JSON array of tokens, or one token per line</li>
      </ul>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <Button variant="primary" onClick={onExample} disabled={busy}>
          {busy ? 'Signing…' : 'Try an example'}
        </Button>
        <span className="text-slate-600 dark:text-slate-400">
          signs a fresh token with the example agent A key, so it verifies now; or
        </span>
        <Button onClick={onExpired}>Load the expired conformance token</Button>
      </div>
    </section>
  );
}

import { useDeferredValue, useEffect, useMemo, useState } from 'react';
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

/** Cards rendered (and tokens decoded and verified) at most; beyond this the page says how many were left out. */
const MAX_CARDS = 200;
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
  const { split, tokens, results, failures } = useMemo(() => {
    const parsed = splitInput(deferredText);
    const shown = parsed.tokens.slice(0, MAX_CARDS);
    const decoded = shown.map(decodeCached);
    return {
      split: parsed,
      tokens: shown,
      results: decoded,
      failures: decoded.filter((r) => !r.ok).length,
    };
  }, [deferredText]);

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

  const counts = useMemo(() => {
    let valid = 0;
    let invalid = 0;
    for (const t of tokens) {
      const r = verification.reportOf(t).report;
      if (r?.valid) valid++;
      else if (r) invalid++;
    }
    return { valid, invalid };
  }, [tokens, verification]);

  const shown = tokens.length;
  const total = split.tokens.length;
  const expanded = total <= EXPANDED_UP_TO;

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

        {total === 0 ? (
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
                  : `${counts.valid} valid, ${counts.invalid} invalid`}
            </p>
          </div>
        )}

        <div className="flex flex-col gap-4" data-testid="token-list">
          {results.map((result, i) => {
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
        {total > shown && (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="cap-note">
            Showing and verifying the first {shown} of {total.toLocaleString('en')} tokens.
          </p>
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

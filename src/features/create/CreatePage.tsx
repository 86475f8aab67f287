import { useEffect, useMemo } from 'react';
import { Button } from '../../components/Button.tsx';
import { claimInfo, TYP_BY_VERSION, type Version } from 'wimse-ect';
import { useHandoff } from '../../state/handoff.ts';
import { useKeyring } from '../../state/keyring.ts';
import { useRouter } from '../../state/router.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import type { StoredKey } from '../../storage/keys.ts';
import { ClaimForm } from './ClaimForm.tsx';
import { CreateErrorBoundary } from './CreateErrorBoundary.tsx';
import { JsonEditor } from './JsonEditor.tsx';
import { dryRun, nowSeconds } from './payload.ts';
import { ResultPanel } from './ResultPanel.tsx';
import { selectSigningKey, signingKeys, useCreator, type Level } from './store.ts';
import { CARD, SELECT } from './ui.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';

export function CreatePage() {
  const reset = useCreator((s) => s.reset);
  return (
    <CreateErrorBoundary onReset={reset}>
      <Creator />
    </CreateErrorBoundary>
  );
}

export const keyLabel = (k: StoredKey) => `${k.name} · kid ${k.kid} · ${k.issuer ?? 'no issuer'}`;

function Creator() {
  const loadToken = useCreator((s) => s.loadToken);
  const payload = useCreator((s) => s.payload);
  const version = useCreator((s) => s.version);
  const level = useCreator((s) => s.level);
  const keyId = useCreator((s) => s.keyId);
  const wantedKid = useCreator((s) => s.wantedKid);
  const result = useCreator((s) => s.result);
  const issPending = useCreator((s) => s.issFromKeyPending);
  const fillIssFromKey = useCreator((s) => s.fillIssFromKey);
  const setClaim = useCreator((s) => s.setClaim);
  const sign = useCreator((s) => s.sign);
  const reset = useCreator((s) => s.reset);
  const keys = useKeyring((s) => s.keys);
  const keyringStatus = useKeyring((s) => s.status);
  const settings = useVerifierSettings((s) => s.settings);
  const nowOverride = useVerifierSettings((s) => s.nowOverride);

  // A token handed over by the inspector ("Open in creator").
  useEffect(() => {
    const token = useHandoff.getState().takeCreatorToken();
    if (token !== null) loadToken(token);
  }, [loadToken]);

  const key = selectSigningKey(keys, keyId, wantedKid);
  const keyIssuer = key?.issuer ?? null;
  // On first visit iss defaults to the default key's issuer, once the keyring has loaded.
  useEffect(() => {
    if (issPending && keyringStatus !== 'loading') fillIssFromKey(keyIssuer);
  }, [issPending, keyringStatus, keyIssuer, fillIssFromKey]);

  const now = nowOverride ?? nowSeconds();
  const dry = useMemo(() => dryRun(payload, version, settings, now), [payload, version, settings, now]);

  const iss = payload.iss;
  const issWarning =
    level === 'L2' && key?.issuer && typeof iss === 'string' && iss !== '' && iss !== key.issuer ? (
      <>
        The signing key is bound to issuer <code className="font-mono">{key.issuer}</code>: a verifier looks
        the key up by (iss, kid) and refuses this token at step 6 (issuer_mismatch).{' '}
        <button
          type="button"
          className="underline underline-offset-2"
          onClick={() => setClaim('iss', key.issuer ?? undefined)}
        >
          Use {key.issuer}
        </button>
      </>
    ) : null;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="text-lg font-semibold">Create and sign a token</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Fill in the claims (or edit the JSON), choose the version, level and key, and sign. The new token
            is verified at once against your trust store and verifier settings. Keys never leave this browser.
          </p>
        </div>
        <Button
          onClick={reset}
          title="A fresh form: new jti, current times, the default key; the result is cleared"
        >
          Start over
        </Button>
      </div>

      <HandoffNotice now={now} />

      <form
        aria-label="Create a token"
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          void sign();
        }}
      >
        <TokenOptions keys={keys} keyringStatus={keyringStatus} selected={key} />
        <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
          <div className={CARD}>
            <ClaimForm dry={dry} settings={settings} now={now} issWarning={issWarning} />
          </div>
          <div className={`${CARD} lg:sticky lg:top-4 lg:self-start`}>
            <JsonEditor dry={dry} />
          </div>
        </div>
        <SignBar dry={dry} selected={key} />
      </form>

      {result && <ResultPanel key={result.serial} result={result} />}
    </div>
  );
}

function HandoffNotice({ now }: { now: number }) {
  const handoff = useCreator((s) => s.handoff);
  const payload = useCreator((s) => s.payload);
  const settings = useVerifierSettings((s) => s.settings);
  const keys = useKeyring((s) => s.keys);
  const keyId = useCreator((s) => s.keyId);
  if (!handoff) return null;
  if (handoff.error) {
    return (
      <p
        role="alert"
        className="rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950/50 dark:text-red-100"
      >
        <VisibleText text={handoff.error} />
      </p>
    );
  }
  const match = handoff.kid ? keys.find((k) => k.kid === handoff.kid) : undefined;
  const { iat, exp } = payload;
  const stale =
    (typeof iat === 'number' && now - iat > settings.iatMaxAge) ||
    (typeof exp === 'number' && now > exp + settings.clockSkew);
  return (
    <div
      data-testid="handoff-notice"
      className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950/50 dark:text-sky-100"
    >
      <p className="font-medium">
        Loaded from the inspector: its version, level and claims are in the form below.
      </p>
      {handoff.kid === null ? (
        <p>It has no kid (an L1 token, or a header without one): choose a signing key to sign it as L2.</p>
      ) : match?.privateKey ? (
        keyId === null && (
          <p>
            Signing key {match.name} (kid {match.kid}) is selected: change a claim and sign again, or tamper
            with the token below.
          </p>
        )
      ) : match ? (
        <p data-testid="needed-kid">
          Your keyring has kid{' '}
          <code className="font-mono">
            <VisibleText text={handoff.kid} />
          </code>{' '}
          only as a public key: it verifies this token but cannot sign. To re-sign, import its private key on
          Keys &amp; trust (a private JWK, <code>ect keygen</code> output or a PKCS#8 PEM: it completes the
          stored key), or choose another signing key (and set iss to its issuer).
        </p>
      ) : (
        <p data-testid="needed-kid">
          It was signed with kid{' '}
          <code className="font-mono">
            <VisibleText text={handoff.kid} />
          </code>
          , which your keyring does not have. To re-sign as that agent, import its private key on Keys &amp;
          trust (a private JWK, <code>ect keygen</code> output or a PKCS#8 PEM); otherwise choose one of your
          signing keys (and set iss to its issuer).
        </p>
      )}
      {stale && (
        <p className="mt-1 text-xs">
          Its times are the original token's and a verifier would refuse them now: press "Now" next to iat and
          then "iat + …" next to exp before signing.
        </p>
      )}
    </div>
  );
}

function TokenOptions({
  keys,
  keyringStatus,
  selected,
}: {
  keys: StoredKey[];
  keyringStatus: 'loading' | 'ready' | 'error';
  selected: StoredKey | null;
}) {
  const version = useCreator((s) => s.version);
  const level = useCreator((s) => s.level);
  const setVersion = useCreator((s) => s.setVersion);
  const setLevel = useCreator((s) => s.setLevel);
  const chooseKey = useCreator((s) => s.chooseKey);
  const wantedKid = useCreator((s) => s.wantedKid);
  const navigate = useRouter((s) => s.navigate);
  const signing = signingKeys(keys);
  const publicOnly = keys.length - signing.length;
  const signingAlg = selected?.alg ?? 'ES256';
  const allowedAlgs = useVerifierSettings((s) => s.settings.allowedAlgs);

  return (
    <fieldset className={`${CARD} flex flex-wrap items-start gap-x-6 gap-y-3`}>
      <legend className="sr-only">Token options</legend>
      <div className="flex flex-col gap-1">
        <label htmlFor="create-version" className="text-sm font-medium">
          Version
        </label>
        <select
          id="create-version"
          className={SELECT}
          value={version}
          aria-describedby="create-version-help"
          onChange={(e) => setVersion(e.target.value as Version)}
        >
          <option value="01">-01 (current)</option>
          <option value="00">-00</option>
        </select>
        <p id="create-version-help" className="max-w-64 text-xs text-slate-500 dark:text-slate-400">
          {version === '01'
            ? 'Claims pred, ect_ext (policy inside it); typ exec+jwt.'
            : 'Claims par, ext, top-level pol; typ wimse-exec+jwt.'}{' '}
          Switching renames the claims.
        </p>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="create-level" className="text-sm font-medium">
          Level
        </label>
        <select
          id="create-level"
          className={SELECT}
          value={level}
          aria-describedby="create-level-help"
          onChange={(e) => setLevel(e.target.value as Level)}
        >
          <option value="L2">L2: signed JWS</option>
          <option value="L1">L1: unsigned claims</option>
        </select>
        <p id="create-level-help" className="max-w-64 text-xs text-slate-500 dark:text-slate-400">
          {level === 'L2'
            ? `A JWS with header alg ${signingAlg}, typ ${TYP_BY_VERSION[version]}, kid.`
            : 'base64url JSON, no signature: self-asserted. Verifiers refuse it unless their minimum level is L1.'}
        </p>
      </div>
      <div className="flex min-w-0 flex-1 basis-72 flex-col gap-1">
        <label htmlFor="create-key" className="text-sm font-medium">
          Signing key
        </label>
        {keyringStatus === 'loading' ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Loading the keyring…</p>
        ) : signing.length === 0 ? (
          <p className="text-sm text-amber-800 dark:text-amber-300" data-testid="no-signing-key">
            No key with a private part in your keyring
            {publicOnly
              ? ` (${publicOnly} public key${publicOnly === 1 ? '' : 's'} can verify but not sign)`
              : ''}
            .{' '}
            <a
              href="#/keys"
              className="font-medium underline underline-offset-2"
              onClick={(e) => {
                e.preventDefault();
                navigate('keys');
              }}
            >
              Generate a key or add the example agents in Keys &amp; trust
            </a>
            {level === 'L2' ? ', or choose L1.' : '.'}
          </p>
        ) : (
          <>
            <select
              id="create-key"
              className={`${SELECT} w-full max-w-xl`}
              value={selected?.id ?? ''}
              aria-describedby="create-key-help"
              disabled={level === 'L1'}
              onChange={(e) => chooseKey(e.target.value)}
            >
              {!selected && <option value="">— choose a signing key —</option>}
              {signing.map((k) => (
                <option key={k.id} value={k.id}>
                  {keyLabel(k)}
                </option>
              ))}
            </select>
            <p id="create-key-help" className="text-xs text-slate-500 dark:text-slate-400">
              {level === 'L1'
                ? 'Not used: an L1 token is not signed.'
                : selected
                  ? `Header kid "${selected.kid}", alg ${signingAlg}; the key is bound to ${
                      selected.issuer ? `issuer ${selected.issuer}` : 'no issuer (matched by kid only)'
                    }.${
                      allowedAlgs.includes(signingAlg)
                        ? ''
                        : ` ${signingAlg} is not in the verifier's allowed algorithms (settings on the Inspect tab): tokens signed with it fail alg_not_allowed until it is allowed.`
                    }`
                  : wantedKid
                    ? `No signing key with kid "${wantedKid}" (the handed-over token's): choose one.`
                    : 'Choose a key.'}
              {publicOnly > 0 &&
                ` ${publicOnly} public-only key${publicOnly === 1 ? ' is' : 's are'} not listed: they verify but cannot sign.`}
            </p>
          </>
        )}
      </div>
    </fieldset>
  );
}

function SignBar({ dry, selected }: { dry: ReturnType<typeof dryRun>; selected: StoredKey | null }) {
  const level = useCreator((s) => s.level);
  const signing = useCreator((s) => s.signing);
  const signError = useCreator((s) => s.signError);
  const editorError = useCreator((s) => s.editorError);
  return (
    <div
      className={`${CARD} sticky bottom-0 z-10 flex flex-col gap-2 shadow-[0_-4px_12px_-6px_rgb(0_0_0/0.25)]`}
    >
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" className="px-5 py-1.5 text-base" disabled={signing}>
          {level === 'L1' ? 'Create L1 token' : 'Sign'}
        </Button>
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="sign-summary">
          {editorError
            ? 'The payload JSON editor has an error: fix it before signing.'
            : dry.problems.length === 0
              ? level === 'L1'
                ? 'Ready: the claims would be encoded without a signature.'
                : selected
                  ? `Ready to sign with ${selected.name} (kid ${selected.kid}).`
                  : 'The claims are fine; choose a signing key.'
              : `${dry.problems.length} problem${dry.problems.length === 1 ? '' : 's'} would stop signing: ${dry.problems
                  .map((p) => (p.claim ? `"${p.claim}"` : p.code))
                  .join(', ')}.`}
        </p>
      </div>
      {signError && (
        <div
          role="alert"
          data-testid="sign-error"
          className="max-h-[40vh] overflow-y-auto rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
        >
          <p className="font-semibold">
            Not signed. {signError.problems.length ? 'The core refused the payload:' : ''}
          </p>
          {signError.problems.length ? (
            <ul className="mt-1 flex flex-col gap-1">
              {signError.problems.map((p, i) => {
                const info = p.claim ? claimInfo(p.claim) : undefined;
                return (
                  <li key={i}>
                    {p.claim && <code className="font-mono font-semibold">{p.claim}</code>}
                    {p.claim ? ': ' : ''}
                    {p.message}
                    {info && <span className="block text-xs">How to fix: {info.rule}</span>}
                  </li>
                );
              })}
            </ul>
          ) : (
            <p className="mt-1">{signError.message}</p>
          )}
          {signError.problems.length > 0 && (
            <p className="mt-1 text-xs opacity-80">Core message: {signError.message}</p>
          )}
        </div>
      )}
    </div>
  );
}

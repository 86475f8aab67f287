import { useEffect, useState } from 'react';
import { verifyToken, type VerificationReport } from 'wimse-ect';
import { useKeyring } from '../../state/keyring.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';

/**
 * The verification of `token` against the keyring's trust store and the
 * current verifier settings; re-run when either changes. Null while running.
 */
export function useVerification(token: string | null): VerificationReport | null {
  const trust = useKeyring((s) => s.trust);
  const settings = useVerifierSettings((s) => s.settings);
  const audience = useVerifierSettings((s) => s.audience);
  const nowOverride = useVerifierSettings((s) => s.nowOverride);
  const [done, setDone] = useState<{ token: string; report: VerificationReport } | null>(null);
  useEffect(() => {
    if (token === null) return;
    let live = true;
    void verifyToken(token, {
      trust,
      settings,
      audience: audience || null,
      ...(nowOverride === null ? {} : { now: nowOverride }),
    }).then((report) => {
      if (live) setDone({ token, report });
    });
    return () => {
      live = false;
    };
  }, [token, trust, settings, audience, nowOverride]);
  return done && done.token === token ? done.report : null;
}

/**
 * The Example button's tokens. A fresh one is signed in the browser with the
 * keyring's example agent A key, so it verifies now; the static token from
 * the conformance vectors is the fallback (it expired on 2026-01-01).
 */
import { createToken } from 'wimse-ect';
import { useKeyring } from '../../state/keyring.ts';

import { EXAMPLE_TOKEN } from './exampleToken.ts';

export { EXAMPLE_TOKEN, EXAMPLE_VALID_AT } from './exampleToken.ts';

export const EXAMPLE_KID = 'agent-a-key';
const EXAMPLE_ISSUER = 'spiffe://example.com/agent/a';
export const EXAMPLE_AUDIENCE = ['spiffe://example.com/agent/b', 'https://ledger.example.com'];

/** Resolves once the keyring has loaded (or failed to), at most after `ms`. */
function keyringSettled(ms = 5000): Promise<void> {
  if (useKeyring.getState().status !== 'loading') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const unsubscribe = useKeyring.subscribe((s) => {
      if (s.status !== 'loading') done();
    });
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

export type ExampleResult = { fresh: true; token: string } | { fresh: false; token: string; why: string };

/** A freshly signed -01 token from example agent A (review_spec, a root task), or the static fallback. */
export async function makeExampleToken(): Promise<ExampleResult> {
  await keyringSettled();
  const key = useKeyring.getState().keys.find((k) => k.kid === EXAMPLE_KID);
  if (!key?.privateKey) {
    return {
      fresh: false,
      token: EXAMPLE_TOKEN,
      why: `the example agent A key (kid "${EXAMPLE_KID}") is not in your keyring`,
    };
  }
  try {
    const created = await createToken(
      { iss: key.issuer ?? EXAMPLE_ISSUER, aud: EXAMPLE_AUDIENCE, exec_act: 'review_spec', pred: [] },
      { key: key.privateKey, kid: key.kid },
    );
    return { fresh: true, token: created.token };
  } catch (e) {
    return {
      fresh: false,
      token: EXAMPLE_TOKEN,
      why: `signing with the example agent A key failed (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

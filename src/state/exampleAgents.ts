/**
 * Two example agents whose keys are the conformance vectors' published test
 * keys (never secret): they let a first-time visitor create and verify tokens
 * at once, and make the vectors' tokens verify. The user can delete them.
 */
import type { JWK } from 'jose';

export interface ExampleAgent {
  name: string;
  issuer: string;
  jwk: JWK;
}

export const EXAMPLE_AGENTS: readonly ExampleAgent[] = [
  {
    name: 'Example agent A (test key)',
    issuer: 'spiffe://example.com/agent/a',
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'mU7PkjpBQtAFl0mK8KxF-OVa5uBm7KgS7gUYSJsstbQ',
      y: 'RXoqKkCAGcQbmgeTlfqrEEt-GeuPA-VI3tb6m2QSxwo',
      d: '0M7HKzbXcMhF8RXqFwb82NgiVzph5c_ylZdKv4Bv-00',
      kid: 'agent-a-key',
    },
  },
  {
    name: 'Example agent B (test key)',
    issuer: 'spiffe://example.com/agent/b',
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'CC-uyBdWewjAo9EyDWyxHWEyxpdbdDzL7Wko9ras9zQ',
      y: 'bwkUdarz2eny521egJF2zpzQLVdJO_sOv702kDB9Eyc',
      d: 'p5lkxUNeRX-9b5po0-Ho9lbZsi_dWuYyRPwMm9Hdqxc',
      kid: 'agent-b-key',
    },
  },
  {
    name: 'Example agent C (test key)',
    issuer: 'spiffe://example.com/agent/c',
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'hZ0Zga6MjBJgYcwcQTk4ujhMAUdRuEMett5mmLEHjL8',
      y: 'vxF13m2Tck4tlyxoU1avtiXQYxx4XPFuczQNo1cb_i0',
      d: '44D0BP3_RqcGqhcBstQqDW8FrhZZhA-wzPi1lT0rF1I',
      kid: 'agent-c-key',
    },
  },
];

/** The example agent whose published key this public JWK is (same curve and point), if any. */
export function exampleAgentOfJwk(jwk: JWK): ExampleAgent | null {
  return EXAMPLE_AGENTS.find((a) => a.jwk.crv === jwk.crv && a.jwk.x === jwk.x && a.jwk.y === jwk.y) ?? null;
}

/**
 * For a keyring, a function that says whether the key a verification used (its kid and issuer,
 * as a report names it) is one of the published example keys. Matched by key material, not by
 * kid: a key imported under another kid is still a published one, and a user's own key under
 * the kid "agent-a-key" is not.
 */
export function exampleKeyMatcher(
  keys: readonly { kid: string; issuer: string | null; publicJwk: JWK }[],
): (used: { kid: string; issuer: string | null } | undefined) => ExampleAgent | null {
  const found = new Map<string, ExampleAgent>();
  for (const k of keys) {
    const agent = exampleAgentOfJwk(k.publicJwk);
    if (agent) found.set(`${k.issuer ?? ''}\u0000${k.kid}`, agent);
  }
  return (used) => (used ? (found.get(`${used.issuer ?? ''}\u0000${used.kid}`) ?? null) : null);
}

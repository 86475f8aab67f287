/**
 * Helpers for the inspector's e2e tests: tokens signed in Node with the
 * example agent A test key (the key the app seeds into a new keyring), and
 * small edits a user might make to a token.
 */
import { expect, type Page } from '@playwright/test';
import { CompactSign, importJWK } from 'jose';
import { createToken, type JsonObject } from 'wimse-ect';
import { EXAMPLE_AGENTS } from '../src/state/exampleAgents.ts';

export const AGENT_A = EXAMPLE_AGENTS[0]!;
export const AUD = ['spiffe://example.com/agent/b', 'https://ledger.example.com'];

/** A token signed now by example agent A (verifies in a fresh browser profile). */
export async function signAsAgentA(claims: JsonObject = {}, version: '00' | '01' = '01'): Promise<string> {
  const pred = version === '01' ? { pred: [] } : { par: [] };
  const { token } = await createToken(
    { iss: AGENT_A.issuer, aud: AUD, exec_act: 'review_spec', ...pred, ...claims },
    { key: AGENT_A.jwk, kid: AGENT_A.jwk.kid!, version },
  );
  return token;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/** The token with one character of its payload's JSON changed: the signature no longer matches. */
export function tamperPayload(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const json = unb64(p);
  const changed = json.replace('review_spec', 'review_spek');
  expect(changed).not.toBe(json);
  return `${h}.${b64(changed)}.${s}`;
}

/** A three-part token whose payload is base64url of text that is not JSON. */
export function notJsonToken(token: string): string {
  const [h, , s] = token.split('.') as [string, string, string];
  return `${h}.${b64('hello, this is not JSON')}.${s}`;
}

export async function openInspector(page: Page) {
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
}

/** Clicks Example and waits for the fresh token to verify. */
export async function loadFreshExample(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Example', exact: true }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
  return page.getByLabel('Paste ECTs').inputValue();
}

/** Pastes `text` into the focused paste box the way a user does: through the clipboard and Ctrl+V. */
export async function pasteText(page: Page, text: string) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.getByLabel('Paste ECTs').focus();
  await page.keyboard.press('ControlOrMeta+V');
}

/** A token signed by agent A whose header also embeds a public JWK (which a verifier must ignore). */
export async function signWithEmbeddedJwk(): Promise<string> {
  const { d: _d, ...publicJwk } = AGENT_A.jwk;
  void _d;
  const payload = {
    iss: AGENT_A.issuer,
    aud: AUD,
    exec_act: 'review_spec',
    pred: [],
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
    jti: crypto.randomUUID(),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: 'exec+jwt', kid: AGENT_A.jwk.kid!, jwk: publicJwk })
    .sign(await importJWK(AGENT_A.jwk, 'ES256'));
}

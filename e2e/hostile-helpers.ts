/**
 * Helpers for the hostile-input e2e tests: tokens with hostile claims, signed
 * in Node with the conformance test key of agent a (which the app trusts on a
 * first visit), over payload text written by hand (so that it can hold what
 * JSON.stringify never writes: duplicate keys, 1e309, 10,000 levels of nesting).
 */
import { CompactSign, importJWK } from 'jose';
import { expect, type Page } from '@playwright/test';
import { AGENT_A, AUD } from './inspect-helpers.ts';

export const XSS_SCRIPT = '<script>alert(1)</script>';
export const XSS_IMG = '<img src=x onerror=alert(1)>';
export const RLO = '\u202e';
export const ZWSP = '\u200b';
export const ZWJ = '\u200d';
/** Any raw invisible or direction-changing character the page must never show as is. */
export const RAW_INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

export async function signRaw(payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'ES256', typ: 'exec+jwt', kid: AGENT_A.jwk.kid! })
    .sign(await importJWK(AGENT_A.jwk, 'ES256'));
}

/**
 * The JSON text of a -01 payload issued now by agent a, with `fields` replacing or adding claims,
 * and `raw` (hand-written JSON members, e.g. `"iat":1e309`) appended as they are.
 */
export function payloadText(fields: Record<string, unknown> = {}, raw = ''): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: AGENT_A.issuer,
    aud: AUD,
    iat: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
    exec_act: 'review_spec',
    pred: [],
    ...fields,
  };
  const text = JSON.stringify(claims);
  return raw ? `${text.slice(0, -1)},${raw}}` : text;
}

export const signClaims = (fields: Record<string, unknown> = {}, raw = '') =>
  signRaw(payloadText(fields, raw));

/** `count` distinct short predecessor ids (base 36), so that 100,000 of them still fit in a token. */
export const manyPreds = (count: number) => Array.from({ length: count }, (_, i) => i.toString(36));

/** Ten thousand nested arrays, as JSON text. */
export const deepJson = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** Records every dialog (alert, confirm, prompt) the page opens, and dismisses it. */
export function watchDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (d) => {
    seen.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return seen;
}

/** Nothing a claim said became markup or ran. */
export async function expectInert(page: Page, dialogs: string[]) {
  expect(dialogs, 'dialogs opened by the page').toEqual([]);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('[onerror]')).toHaveCount(0);
  const injected = await page.evaluate(
    () => [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('alert')).length,
  );
  expect(injected, 'script elements holding claim text').toBe(0);
}

/** Sets the Inspect paste box at once, as a paste does (fill types a large text for ages). */
export async function setPasteBox(page: Page, text: string) {
  await page.getByLabel('Paste ECTs').evaluate((el, value) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

/** The page still answers: a tab click works within the default timeout, and back. */
export async function expectResponsive(page: Page) {
  const started = Date.now();
  await page.getByRole('link', { name: 'Keys & trust' }).click();
  await expect(page.getByRole('heading', { name: 'Keys & trust' })).toBeVisible();
  await page.getByRole('link', { name: 'Inspect', exact: true }).click();
  await expect(page.getByLabel('Paste ECTs').or(page.getByTestId('large-input'))).toBeVisible();
  return Date.now() - started;
}

/** Whether the element's text holds a raw invisible or direction-changing character. */
export async function hasRawInvisible(page: Page, testId: string): Promise<boolean> {
  return page
    .getByTestId(testId)
    .first()
    .evaluate((el, source) => new RegExp(source).test(el.textContent ?? ''), RAW_INVISIBLE.source);
}

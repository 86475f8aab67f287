import type { Page } from '@playwright/test';

/** What the table shows: per jti, the sorted list of "status:codes" of its rows. */
export async function tableVerdicts(page: Page): Promise<Record<string, string[]>> {
  const rows = await page
    .getByTestId('ledger-row')
    .evaluateAll((els) =>
      els.map((el) => [
        el.getAttribute('data-jti')!,
        `${el.getAttribute('data-status')}:${el.getAttribute('data-codes')}`,
      ]),
    );
  const out: Record<string, string[]> = {};
  for (const [jti, v] of rows) (out[jti!] ??= []).push(v!);
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

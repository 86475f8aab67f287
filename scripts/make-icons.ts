/**
 * Renders public/icons/icon.svg to the PNG icons the web manifest lists (192 and 512 px, and a
 * maskable 512 px one with the artwork inside the safe zone), with the project's Chromium.
 * Run after changing the SVG: npx tsx scripts/make-icons.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './chromium.ts';

const svg = readFileSync(new URL('../public/icons/icon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch(CHROMIUM_LAUNCH);
const page = await browser.newPage();
for (const { file, size, maskable } of [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
]) {
  await page.setViewportSize({ width: size, height: size });
  // A maskable icon fills its square; the artwork stays in the middle 70 % (the safe zone is 80 %).
  const art = maskable
    ? `<div style="width:${size}px;height:${size}px;background:#0369a1;display:grid;place-items:center"><div style="width:${size * 0.7}px;height:${size * 0.7}px">${svg}</div></div>`
    : `<div style="width:${size}px;height:${size}px">${svg}</div>`;
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${art}<style>svg{width:100%;height:100%;display:block}</style></body></html>`,
  );
  writeFileSync(
    new URL(`../public/icons/${file}`, import.meta.url),
    await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }),
  );
}
await browser.close();

// node scripts/icons.mjs — renders public/icon.svg to the PNG sizes browsers and phones ask for, and packs favicon.ico
// (16, 32 and 48 px PNGs in one ICO container, which every browser since Vista-era IE reads).
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
const render = async (size, pad = 0, bg = 'transparent') => {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:${bg}"><div style="width:${size}px;height:${size}px;box-sizing:border-box;padding:${pad}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body></html>`);
  return page.screenshot({ omitBackground: bg === 'transparent', clip: { x: 0, y: 0, width: size, height: size } });
};
writeFileSync('public/icon-192.png', await render(192));
writeFileSync('public/icon-512.png', await render(512));
// iOS rounds the corners itself: a full square, the background filled with the mark's colour.
writeFileSync('public/apple-touch-icon.png', await render(180, 0, '#4f46e5'));
const pngs = [16, 32, 48];
const images = [];
for (const s of pngs) images.push(await render(s));
const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0); header.writeUInt16LE(1, 2); header.writeUInt16LE(pngs.length, 4);
const entries = [];
let offset = 6 + 16 * pngs.length;
pngs.forEach((s, i) => {
  const e = Buffer.alloc(16);
  e.writeUInt8(s, 0); e.writeUInt8(s, 1); e.writeUInt8(0, 2); e.writeUInt8(0, 3);
  e.writeUInt16LE(1, 4); e.writeUInt16LE(32, 6); e.writeUInt32LE(images[i].length, 8); e.writeUInt32LE(offset, 12);
  offset += images[i].length;
  entries.push(e);
});
writeFileSync('public/favicon.ico', Buffer.concat([header, ...entries, ...images]));
await browser.close();
console.log('icons written');

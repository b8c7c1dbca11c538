// Chromium for the browser metrics: Debian's /usr/bin/chromium driven by playwright-core (no browser download),
// with the launch flags of the team's shared TESTING.md notes. Pages are opened at <CamStudio>/__bench/…: Playwright serves
// bench/browser/page/ and the stamp decoder under that path, so the page is same-origin with CamStudio, imports the
// production player from CamStudio's /js/ and signals with plain fetch().
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = {
  'bench.html': ['page/bench.html', 'text/html'],
  'bench-page.js': ['page/bench-page.js', 'text/javascript'],
  'stamp-decoder.js': ['stamp-decoder.js', 'text/javascript'],
};
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Headless pages are never "visible" to the compositor's throttling heuristics; keep timers and rVFC at full rate.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
  // The lip-sync page plays a tile with sound, as a tile does after the speaker click (no click in a benchmark).
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * A browser context that reaches CamStudio: the ONE place where browser requests get their credentials
 * (ctx.api.headers(): the Bearer token once authentication is on; cookie sign-in would go here too).
 * @param {import('playwright-core').Browser} browser
 * @param {{ baseUrl: string, api: { headers(): Record<string, string> } }} ctx
 * @param {{ width: number, height: number }} [viewport]
 */
export async function newBenchContext(browser, ctx, viewport = { width: 1280, height: 720 }) {
  const context = await browser.newContext({ viewport, extraHTTPHeaders: ctx.api.headers() });
  await context.route(`${ctx.baseUrl}/__bench/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.replace('/__bench/', '');
    const entry = files[name];
    if (!entry) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: entry[1], body: await readFile(path.join(here, entry[0])) });
  });
  return context;
}

/**
 * Opens the bench page with `query` and waits for its result (see page/bench-page.js). The page stays open:
 * call `close()` on the returned object (which also ends the players cleanly, hanging their sessions up).
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} baseUrl
 * @param {Record<string, string | number>} query
 * @param {number} timeoutMs
 * @param {(page: import('playwright-core').Page) => Promise<void>} [afterNavigation] e.g. signalling the page's peer
 *   connection from Node (the Janus reference); its errors fail the page like the page's own
 */
export async function openBenchPage(context, baseUrl, query, timeoutMs, afterNavigation) {
  const page = await context.newPage();
  const url = `${baseUrl}/__bench/bench.html?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;
  const close = async () => {
    await page.evaluate(() => window.bench?.finish?.()).catch(() => {});
    await page.close().catch(() => {});
  };
  try {
    await page.goto(url);
    await afterNavigation?.(page);
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: timeoutMs, polling: 50 });
    const result = await page.evaluate(() => window.benchResult);
    if (result.error) throw new Error(`bench page (${query.mode}): ${result.error}`);
    return { page, result, close };
  } catch (err) {
    await close();
    throw err;
  }
}

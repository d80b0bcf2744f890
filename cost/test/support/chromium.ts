/// <reference lib="dom" />
import { chromium, type Page } from 'playwright-core';

/** Debian's Chromium; cost/scripts/ensure-chromium.sh installs it before the tests that draw. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Opens an SVG in headless Chromium, as a reader's browser shows it, and hands the page to `look`;
 * the browser is closed whatever happens.
 */
export async function inChromium<T>(svg: string, look: (page: Page) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    return await look(page);
  } finally {
    await browser.close();
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Drives the Agents Playground page as a person would: Debian's Chromium through playwright-core
 * (never a downloaded browser), the General channel, a new post that @mentions the bot, clicks on
 * card buttons. Lookups are scoped to the conversation pane: text also shows in the chat list.
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1100 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the team's General channel (the left pane's "Teams Channel" section). */
export async function openGeneralChannel(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('treeitem', { name: /General/ }).click();
  await page.getByRole('button', { name: 'Post' }).waitFor();
}

/** A new channel post that @mentions the bot, then `text`. */
export async function postMention(page: Page, botName: string, text: string): Promise<void> {
  // The first editor is "Start a new post"; thread reply boxes follow it.
  const editor = page.locator('div[role="textbox"][contenteditable="true"]').first();
  await editor.click();
  await page.keyboard.type(`@${botName.slice(0, 6)}`);
  await page.getByRole('menuitem', { name: botName }).click();
  await page.keyboard.type(` ${text}`);
  await page.getByRole('button', { name: 'Post' }).click();
}

/** The rendered Adaptive Card that shows `text` (the newest when several do). */
export function cardWith(page: Page, text: string | RegExp): Locator {
  return page.locator('.ac-adaptiveCard', { hasText: text }).last();
}

export async function waitForCard(page: Page, text: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
  const card = cardWith(page, text);
  await card.waitFor({ state: 'visible', timeout: timeoutMs });
  return card;
}

/**
 * Saves a picture of one card under `dir`. Cut out of a plain viewport screenshot: Chromium's
 * element and clip screenshots (captured "beyond the viewport") rendered cards the bot had updated
 * in place without the page's styles, unlike what the page really shows.
 */
export async function screenshotCard(card: Locator, dir: string, name: string): Promise<string> {
  // A little room around the card, and above it the sender line ("Dual-write Setup  3:40 PM").
  const margin = 8;
  const header = 28;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  const page = card.page();
  await card.scrollIntoViewIfNeeded();
  let box = await card.boundingBox();
  if (!box) throw new Error(`the card for ${name} is not visible`);
  const viewport = page.viewportSize() ?? { width: 1400, height: 1100 };
  if (box.y - header < 0 || box.y + box.height > viewport.height) {
    // Taller than the space left: scroll its top to the top of the pane.
    await card.evaluate((el, room) => {
      el.scrollIntoView({ block: 'start' });
      for (let node = el.parentElement; node; node = node.parentElement) {
        const overflowY = node.ownerDocument.defaultView?.getComputedStyle(node).overflowY;
        if ((overflowY === 'auto' || overflowY === 'scroll') && node.scrollHeight > node.clientHeight) {
          node.scrollBy(0, -room);
          break;
        }
      }
    }, header + margin);
    box = (await card.boundingBox()) ?? box;
  }
  const shot = PNG.sync.read(await page.screenshot({ animations: 'disabled' }));
  const left = Math.max(0, Math.floor(box.x - margin));
  const top = Math.max(0, Math.floor(box.y - header));
  const width = Math.min(shot.width - left, Math.ceil(box.width + 2 * margin));
  const height = Math.min(shot.height - top, Math.ceil(box.y - top + box.height + margin));
  const out = new PNG({ width, height });
  PNG.bitblt(shot, out, left, top, width, height, 0, 0);
  fs.writeFileSync(file, PNG.sync.write(out));
  return file;
}

/**
 * What the browser suite runs against: a real hub (the same `startHub` the CLI uses) on a temporary data
 * folder serving the built web app, a fake OpenAI-compatible upstream on 127.0.0.1 (the one fake the project
 * allows), and Debian's Chromium driven by playwright-core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { loadEnv, startHub, type RunningHub } from '@aigne-hub/server';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';

export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
/** Screenshots for reviewers, at the repository root (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/web', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A hub on `dataDir`, listening on a free port of 127.0.0.1, started the way `aigne-hub start` starts it
 * (`startHub`) and with no web folder configured: it serves the app from its default place, apps/web/dist.
 */
export function startWebHub(dataDir: string): Promise<RunningHub> {
  return startHub(loadEnv({ PORT: '0', HOST: '127.0.0.1', HUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), {
    logger: pino({ level: 'silent' }),
  });
}

/**
 * A consistent copy of a running hub's data folder (SQLite's online backup of both databases, and the master key
 * file), without its lock file, so a second hub can be started on it.
 */
export async function copyDataFolder(hub: RunningHub, into: string): Promise<void> {
  await hub.databases.hub.sqlite.backup(path.join(into, 'hub.db'));
  await hub.databases.auth.sqlite.backup(path.join(into, 'auth.db'));
  fs.copyFileSync(hub.env.keyFile, path.join(into, path.basename(hub.env.keyFile)));
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium"`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Saves a full-page screenshot as a test artifact for reviewers. Transitions (dialogs, drawers, snackbars) are
 * fast-forwarded to their end, so the picture shows the finished state without waiting a fixed time.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({
    path: path.join(ARTIFACTS, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
  });
}

export interface A11yFinding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Serious and critical accessibility violations on the page as it is now (WCAG 2.x A/AA and best practices). */
export async function seriousViolations(page: Page, name: string): Promise<A11yFinding[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      page: name,
      rule: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

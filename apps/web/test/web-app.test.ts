/**
 * The web app in a real browser (Debian's Chromium) against a real hub serving the production build, with a fake
 * OpenAI-compatible upstream as the only fake. One story, in order, as people would live it:
 *
 *   the owner claims the hub with the setup code, adds a provider and a credential (shown masked, never in the
 *   page, with its health), rates a model with the keyboard alone and turns billing on; a guest in a second
 *   browser signs in, sees no admin navigation, is refused an admin URL, creates an API key (shown once) and
 *   chats with a streamed reply; upstream failures (502, 429, with the credential cooling down), running out of
 *   credits (402) and an ended session are shown plainly; a colleague signs in with the DID Wallet app by QR
 *   code; the audit trail shows all of it, filters, and verifies its chain; a tampered copy of the database is
 *   reported at its first bad event.
 *
 * Every main page is scanned with axe (no serious or critical violations) at 1280 px and at phone width, where
 * nothing may scroll sideways; screenshots go to test-artifacts/web/ at the repository root for reviewers.
 * Every wait is on a condition (an element, a URL, a polled value), never a fixed sleep.
 */
import fs from 'node:fs';
import path from 'node:path';
import { maskSecret } from '@aigne-hub/core';
import type { RunningHub } from '@aigne-hub/server';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromRandom } from '@ocap/wallet';
import { answer, answerToken, callbackOf, scan, userPkOf } from '../../server/test/did-wallet';
import { FakeOpenAI } from '../../server/test/fakes/openai';
import { shortDid } from '../src/lib/format';
import {
  ARTIFACTS,
  copyDataFolder,
  launchChromium,
  screenshot,
  seriousViolations,
  startWebHub,
  tempDir,
} from './harness';

/** The upstream key the owner types in. It must never reach the page again. */
const UPSTREAM_SECRET = 'sk-fake-0123456789abcdefghijklmnopqrstuvwxyz';
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let fake: FakeOpenAI;
let hub: RunningHub;
let tamperedHub: RunningHub | null = null;
let browser: Browser;
let ownerContext: BrowserContext;
let owner: Page;
let guestContext: BrowserContext;
let guest: Page;
let guestDid = '';
const dirs: string[] = [];
/** Every body the owner's browser received from the hub, to prove the upstream secret never came back. */
const ownerResponses: string[] = [];

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  // Generous for a loaded CI machine, and still bounded: a step that hangs fails with what it waited for.
  page.setDefaultTimeout(30_000);
  return page;
}

/** Scans the page as it is now; fails with the page, rule and elements of any serious or critical violation. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page, name)).toEqual([]);
}

/** No sideways scrolling at phone width: the layout fits the screen. */
async function expectFitsWidth(page: Page): Promise<void> {
  // When the page scrolls sideways: the elements that stick out past the right edge without an ancestor that
  // clips or scrolls them, so that a failure names the culprit. Polled: charts resize a moment after the page.
  const sticking = () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      const clipped = (element: Element): boolean => {
        for (
          let parent = element.parentElement;
          parent && parent !== document.body;
          parent = parent.parentElement
        ) {
          if (getComputedStyle(parent).overflowX !== 'visible') return true;
        }
        return false;
      };
      const culprits = [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > width + 1 && !clipped(element))
        .slice(0, 5)
        .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
      return culprits.length > 0 ? culprits : [`the page is ${document.documentElement.scrollWidth}px wide`];
    });
  await expect.poll(sticking).toEqual([]);
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** Presses Tab until `target` has the focus: it must be reachable from the keyboard, within a few steps. */
async function tabTo(page: Page, target: Locator, most = 8): Promise<void> {
  for (let step = 0; step < most; step += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  expect(await isFocused(target)).toBe(true);
}

async function pick(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

beforeAll(async () => {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fake = await FakeOpenAI.start({ keys: [UPSTREAM_SECRET] });
  const dataDir = tempDir('web-hub-');
  dirs.push(dataDir);
  hub = await startWebHub(dataDir);
  browser = await launchChromium();
  ownerContext = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  owner = await newPage(ownerContext);
  owner.on('response', (response) => {
    if (!response.url().startsWith(hub.url)) return;
    void response.text().then(
      (body) => ownerResponses.push(body),
      () => undefined,
    );
  });
  guestContext = await browser.newContext({ viewport: DESKTOP });
  guest = await newPage(guestContext);
});

afterAll(async () => {
  await browser?.close();
  await tamperedHub?.close();
  await hub?.close();
  await fake?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.sequential('the web app in a real browser', () => {
  let keyFile = '';

  // A failing step leaves a picture of both browsers as they were, for whoever reads the CI log.
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const name = `FAILED-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`;
      for (const [who, page] of [
        ['owner', owner],
        ['guest', guest],
      ] as const) {
        if (!page.isClosed()) await screenshot(page, `${name}-${who}`).catch(() => undefined);
      }
    });
  });

  it('lets the owner claim the hub with the setup code, and offers a key file backup', async () => {
    await owner.goto(hub.url);
    await owner.waitForURL('**/login');
    await expect.poll(() => owner.getByText('This hub has no owner yet').isVisible()).toBe(true);
    await owner.getByRole('button', { name: 'Create a new wallet' }).click();
    await owner.getByText('Back up your key').waitFor();
    await screenshot(owner, '01-sign-in-owner-setup');
    await expectAccessible(owner, 'sign-in');

    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('button', { name: 'Download' }).click(),
    ]);
    keyFile = path.join(tempDir('web-key-'), download.suggestedFilename());
    dirs.push(path.dirname(keyFile));
    await download.saveAs(keyFile);
    const saved = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { format: string; did: string };
    expect(saved.format).toBe('aigne-hub-wallet');
    await expect.poll(() => owner.getByText(/Key file saved/).isVisible()).toBe(true);

    // A wrong code is refused with the hub's reason, and the page stays usable.
    await owner.getByLabel('Setup code').fill('AAAA-BBBB-CCCC-DDDD');
    await owner.getByRole('button', { name: 'Sign in', exact: true }).click();
    await owner.getByRole('alert').filter({ hasText: 'The setup code is not valid' }).waitFor();

    await owner.getByLabel('Setup code').fill(hub.setupCode!);
    await owner.getByRole('button', { name: 'Sign in', exact: true }).click();
    await owner.waitForURL('**/playground');
    const nav = owner.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Providers' }).waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Playground',
      'My account',
      'Providers',
      'Model rates',
      'Users',
      'Audit trail',
      'Usage',
      'Settings',
    ]);
    expect(saved.did).toBe(
      (await owner.evaluate(() => localStorage.getItem('aigne-hub.wallet')))?.match(/"did":"([^"]+)"/)?.[1],
    );
  });

  it('adds a provider and a credential, shows the credential masked and never the secret', async () => {
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
    await owner.getByText('No providers yet').waitFor();
    await owner.getByRole('button', { name: 'Add provider' }).first().click();
    const dialog = owner.getByRole('dialog');
    await pick(owner, 'Kind', 'OpenAI-compatible');
    // The form refuses what the hub would refuse, before sending.
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Fake Upstream');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog.getByText('lowercase letters, digits, ".", "_" and "-" only').waitFor();
    await dialog.getByText('OpenAI-compatible providers need a base URL').waitFor();
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('fake');
    await dialog.getByRole('textbox', { name: 'Display name' }).fill('Fake OpenAI');
    await dialog.getByRole('textbox', { name: 'Base URL' }).fill(`${fake.baseUrl}/`);
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog.waitFor({ state: 'detached' });

    const card = owner.getByRole('region', { name: 'Fake OpenAI' });
    await card.getByText(fake.baseUrl, { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Add credential' }).click();
    const credential = owner.getByRole('dialog');
    await credential.getByRole('textbox', { name: 'Name', exact: true }).fill('primary');
    const secretInput = credential.getByLabel('API key');
    expect(await secretInput.getAttribute('type')).toBe('password');
    await secretInput.fill(UPSTREAM_SECRET);
    await credential.getByRole('button', { name: 'Add credential' }).click();
    await credential.waitFor({ state: 'detached' });

    const masked = card.getByTestId('masked-value');
    await expect.poll(() => masked.textContent()).toBe(maskSecret(UPSTREAM_SECRET));
    await card.getByRole('button', { name: 'Test credential primary' }).click();
    await expect
      .poll(() => card.getByTestId('test-result').textContent())
      .toMatch(/^Connection OK for “primary”: 3 models listed in \d+ ms\.$/);
    // Its health, in words, on the credential and on the provider's card.
    expect(await card.getByTestId('credential-health').textContent()).toBe('Healthy');
    expect(await card.getByTestId('provider-health').textContent()).toBe('1 credential: 1 healthy');
    await screenshot(owner, '02-providers-masked-credential');

    expect(await owner.content()).not.toContain(UPSTREAM_SECRET);
    await owner.reload();
    await masked.waitFor();
    expect(await owner.content()).not.toContain(UPSTREAM_SECRET);
    // Nor did any answer of the hub carry it, not even once.
    await owner.waitForLoadState('networkidle');
    expect(ownerResponses.length).toBeGreaterThan(10);
    expect(ownerResponses.filter((body) => body.includes(UPSTREAM_SECRET))).toEqual([]);
    // Editing shows the stored secret only as the masked placeholder of an empty password field.
    await card.getByRole('button', { name: 'Edit credential primary' }).click();
    const edit = owner.getByRole('dialog');
    expect(await edit.getByLabel('API key').inputValue()).toBe('');
    expect(await edit.getByLabel('API key').getAttribute('placeholder')).toBe(maskSecret(UPSTREAM_SECRET));
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  it('rates a model with the keyboard alone, and turns billing on, with credits for new users', async () => {
    await owner.getByRole('link', { name: 'Model rates' }).click();
    await owner.getByText('No model rates yet').waitFor();
    // Keyboard only: open the dialog, Tab through its fields in reading order, Enter submits the form.
    await owner.getByRole('button', { name: 'Add rate' }).focus();
    await owner.keyboard.press('Enter');
    const dialog = owner.getByRole('dialog');
    // The dialog takes the focus (its frame, or a field in it) once it is open.
    await expect
      .poll(() =>
        dialog.evaluate((element) => {
          const focused = document.activeElement;
          return focused !== null && (element.contains(focused) || focused.contains(element));
        }),
      )
      .toBe(true);
    await tabTo(owner, dialog.getByRole('textbox', { name: 'Model' }));
    await owner.keyboard.type('gpt-4o-mini');
    await owner.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('spinbutton', { name: 'Input price' }))).toBe(true);
    await owner.keyboard.type('0.15');
    await owner.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('spinbutton', { name: 'Output price' }))).toBe(true);
    await owner.keyboard.type('0.6');
    await owner.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const row = owner.getByTestId('rate-row');
    await expect.poll(() => row.textContent()).toContain('fake/gpt-4o-mini');
    expect(await row.textContent()).toContain('0.15');
    expect(await row.textContent()).toContain('0.6');
    await screenshot(owner, '03-model-rates');

    await owner.getByRole('link', { name: 'Settings' }).click();
    await owner.getByLabel('Billing', { exact: true }).check();
    await owner.getByRole('spinbutton', { name: 'Credits for new users' }).fill('5');
    await owner.getByRole('spinbutton', { name: 'Idle timeout' }).fill('3');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByText(/Too small: expected number to be >=5/).waitFor();
    await owner.getByRole('spinbutton', { name: 'Idle timeout' }).fill('720');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByText('Saved: billing, credits').waitFor();
    await screenshot(owner, '04-settings');
  });

  it('signs a guest in from a second browser: no admin navigation, and no permission on an admin URL', async () => {
    await guest.goto(`${hub.url}/admin/providers`);
    await guest.waitForURL(/\/login\?next=%2Fadmin%2Fproviders$/);
    await guest.getByRole('button', { name: 'Create a new wallet' }).click();
    guestDid = (await guest.getByTestId('wallet-did').textContent()) ?? '';
    expect(guestDid).toMatch(/^did:abt:z/);
    expect(await guest.getByLabel('Setup code').count()).toBe(0);
    // A first visit is not an ended session.
    expect(await guest.getByText('Your session has ended').count()).toBe(0);
    await guest.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back where they wanted to go, which they may not see.
    await guest.waitForURL('**/admin/providers');
    await guest.getByRole('heading', { name: 'No permission', level: 1 }).waitFor();
    expect(await guest.getByText('Fake OpenAI').count()).toBe(0);
    const nav = guest.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Playground', 'My account']);
    await expectAccessible(guest, 'no-permission');
    await screenshot(guest, '05-guest-no-permission');
    await guest.getByRole('link', { name: '5 credits', exact: true }).waitFor();
  });

  it('creates an API key for the guest and shows its secret exactly once', async () => {
    await guest.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My account' }).click();
    await guest.getByText('No API keys yet').waitFor();
    await guest.getByRole('button', { name: 'Create API key' }).first().click();
    const dialog = guest.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('ci-pipeline');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText("Copy this key now: you won't see it again").waitFor();
    const secret = await dialog.getByRole('textbox', { name: /API key/ }).inputValue();
    expect(secret).toMatch(/^ahk_[0-9A-Za-z]{39}$/);
    await dialog.getByRole('button', { name: 'Copy key' }).waitFor();
    await screenshot(guest, '06-api-key-shown-once');
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = guest.getByTestId('api-key-row');
    await expect.poll(() => row.textContent()).toContain(`${secret.slice(0, 12)}…${secret.slice(-4)}`);
    expect(await guest.content()).not.toContain(secret);
    // The key works, as the hub's own gateway sees it.
    const models = await fetch(`${hub.url}/api/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual([
      'fake/gpt-4o-mini',
    ]);
    await expectAccessible(guest, 'account');
  });

  it('chats in the Playground with a streamed reply, its tokens and credits, and a stop button', async () => {
    await guest.getByRole('link', { name: 'Playground' }).click();
    await expect
      .poll(() => guest.getByRole('combobox', { name: 'Model' }).textContent())
      .toBe('fake/gpt-4o-mini');
    expect(await guest.getByText('0.15 in · 0.6 out credits per 1M tokens').count()).toBeGreaterThan(0);

    fake.chat = { chunks: 6, chunkDelayMs: 150 };
    await guest.getByRole('textbox', { name: 'System prompt' }).fill('Answer briefly.');
    await guest.getByRole('textbox', { name: 'Message' }).fill('Hello hub');
    await guest.getByRole('textbox', { name: 'Message' }).press('Enter');
    // While it streams: a stop button, and part of the reply.
    await guest.getByRole('button', { name: 'Stop' }).waitFor();
    const reply = guest.getByTestId('assistant-reply').last();
    await expect
      .poll(async () => ((await reply.textContent()) ?? '').length)
      .toBeGreaterThan('Assistant: '.length);
    await guest.getByRole('button', { name: 'Send' }).waitFor();
    expect(await reply.textContent()).toBe('Assistant: Echo: Hello hub');
    // 11 tokens in at 0.15/1M and 7 out at 0.6/1M: 5.85 micro-credits, charged rounded up.
    expect(await guest.getByTestId('reply-usage').last().textContent()).toBe(
      'fake/gpt-4o-mini · 11 in · 7 out tokens · 0.000006 credits',
    );
    await guest.getByRole('link', { name: '4.999994 credits', exact: true }).waitFor();
    const sent = JSON.parse(fake.requests.at(-1)!.body.toString()) as {
      messages: unknown[];
      stream: boolean;
    };
    expect(sent.stream).toBe(true);
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Hello hub' },
    ]);

    fake.chat = { text: 'Once upon a time there was a hub. '.repeat(20), chunks: 40, chunkDelayMs: 150 };
    await guest.getByRole('textbox', { name: 'Message' }).fill('Tell me a long story');
    await guest.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(async () => (await guest.getByTestId('assistant-reply').last().textContent()) ?? '')
      .toContain('Once');
    await guest.getByRole('button', { name: 'Stop' }).click();
    await guest.getByText('Stopped').waitFor();
    const partial = (await guest.getByTestId('assistant-reply').last().textContent()) ?? '';
    expect(partial.length).toBeLessThan(
      'Assistant: '.length + 'Once upon a time there was a hub. '.length * 20,
    );
    fake.chat = {};
    await screenshot(guest, '07-playground-streamed-reply');
    await expectAccessible(guest, 'playground');
  });

  it('shows upstream failures plainly: the provider failed (502), then rate limited (429)', async () => {
    const send = async (text: string) => {
      await guest.getByRole('textbox', { name: 'Message' }).fill(text);
      await guest.getByRole('button', { name: 'Send' }).click();
    };
    fake.keyFaults.set(UPSTREAM_SECRET, { type: 'status', status: 500 });
    await send('Is the provider up?');
    const failed = guest.getByRole('alert').filter({ hasText: 'The AI provider failed' });
    await failed.waitFor();
    expect(await failed.textContent()).toContain('Try again, or pick another model.');

    fake.keyFaults.set(UPSTREAM_SECRET, { type: 'status', status: 429 });
    await send('And now?');
    const limited = guest.getByRole('alert').filter({ hasText: 'Rate limited' });
    await limited.waitFor();
    expect(await limited.textContent()).toMatch(
      /The provider is rate limiting: .*Try again in 20 seconds\.$/,
    );
    fake.keyFaults.clear();
    await screenshot(guest, '08-playground-upstream-errors');

    // The provider's 429 cooled the credential down for its Retry-After: the owner sees why and until when.
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
    const health = owner.getByRole('region', { name: 'Fake OpenAI' }).getByTestId('credential-health');
    await expect.poll(() => health.textContent()).toMatch(/^Cooling down.*429.*Used again in \d+ seconds/);
    expect(
      await owner.getByRole('region', { name: 'Fake OpenAI' }).getByTestId('provider-health').textContent(),
    ).toBe('1 credential: 1 cooling down');
    await screenshot(owner, '09-providers-credential-cooling');
  });

  it('shows gateway refusals plainly: out of credits (402)', async () => {
    // The owner takes the guest's remaining credits away on the Users page.
    await owner.getByRole('link', { name: 'Users' }).click();
    await owner.getByRole('button', { name: `Actions for ${shortDid(guestDid)}` }).click();
    await owner.getByRole('menuitem', { name: 'Grant credits' }).click();
    const dialog = owner.getByRole('dialog');
    const balance = /has ([\d.,]+) credits/.exec((await dialog.textContent()) ?? '')?.[1]?.replace(/,/g, '');
    expect(Number(balance)).toBeGreaterThan(0);
    await dialog.getByRole('spinbutton', { name: 'Amount' }).fill(`-${balance}`);
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Testing an empty balance');
    await dialog.getByRole('button', { name: 'Grant' }).click();
    await dialog.waitFor({ state: 'detached' });

    await guest.getByRole('textbox', { name: 'Message' }).fill('Are you there?');
    await guest.getByRole('button', { name: 'Send' }).click();
    const alert = guest.getByRole('alert').filter({ hasText: 'Out of credits' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Credits are granted by the admins of this hub.');
    await screenshot(guest, '10-playground-out-of-credits');
  });

  it('sends a guest whose sessions were ended back to sign-in, with a message', async () => {
    await owner.getByRole('button', { name: `Actions for ${shortDid(guestDid)}` }).click();
    await owner.getByRole('menuitem', { name: 'End all sessions' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'End sessions' }).click();
    await owner.getByText(/Ended 1 session of/).waitFor();
    await screenshot(owner, '11-users');
    await expectAccessible(owner, 'users');

    await guest.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My account' }).click();
    await guest.waitForURL(/\/login\?reason=expired&next=%2Faccount$/);
    await guest.getByText('Your session has ended').waitFor();
    await screenshot(guest, '12-session-ended');
    // The wallet is still in this browser: signing in again takes one click and lands back on the page.
    await guest.getByRole('button', { name: 'Sign in', exact: true }).click();
    await guest.waitForURL('**/account');
    await guest.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
  });

  it('signs a colleague in with the DID Wallet app: QR code, waiting for scan, scanned, approved', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await newPage(context);
    try {
      await page.goto(`${hub.url}/login`);
      // The other way in, chosen with the keyboard: arrow to the tab, Enter to open it.
      await page.getByRole('tab', { name: 'Wallet in this browser' }).focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => isFocused(page.getByRole('tab', { name: 'DID Wallet app' }))).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('img', { name: 'QR code to sign in with DID Wallet' }).waitFor();
      const status = page.getByTestId('did-connect-status');
      await expect.poll(() => status.textContent()).toBe('Waiting for scan…');
      await screenshot(page, '13-sign-in-did-wallet-qr-phone');
      await expectAccessible(page, 'sign-in-qr');

      // The DID Wallet app's side, as the protocol has it: open the deep link, then approve.
      const deepLink = await page.getByRole('link', { name: /Open in DID Wallet/ }).getAttribute('href');
      const colleague = fromRandom();
      const request = await scan(callbackOf(deepLink!), colleague);
      await expect.poll(() => status.textContent()).toBe('Scanned. Approve the sign-in in DID Wallet…');
      await answer(request.info.url, {
        userPk: userPkOf(colleague),
        userInfo: await answerToken(colleague, request.info.challenge),
      });
      await page.waitForURL('**/playground');
      await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Open navigation' }).click();
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allTextContents()).toEqual(['Playground', 'My account']);
    } finally {
      await context.close();
    }
  });

  it('shows those actions in the audit trail, filters them, and verifies the chain', async () => {
    await owner.getByRole('link', { name: 'Audit trail' }).click();
    const badge = owner.getByTestId('chain-badge');
    await expect.poll(() => badge.getAttribute('data-state')).toBe('verified');
    await pick(owner, 'Events per page', '100');
    const actions = async () =>
      (await owner.getByTestId('audit-row').locator('button').allTextContents()).map((text) => text.trim());
    await expect.poll(async () => (await actions()).length).toBeGreaterThan(10);
    const all = await actions();
    for (const action of [
      'auth.login',
      'providers.create',
      'credentials.create',
      'credentials.test',
      'modelRates.upsert',
      'config.update',
      'apiKeys.create',
      'ai.chat',
      'users.grantCredits',
      'users.revokeSessions',
    ]) {
      expect(all).toContain(action);
    }

    await owner.getByRole('button', { name: 'providers.', exact: true }).click();
    await expect
      .poll(async () => (await actions()).every((action) => action.startsWith('providers.')))
      .toBe(true);
    expect(await actions()).toEqual(['providers.create']);

    await owner.getByRole('button', { name: 'Clear', exact: true }).click();
    await pick(owner, 'Outcome', 'denied');
    await owner.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(async () =>
        (await owner.getByTestId('audit-row').allTextContents()).every((row) => row.endsWith('denied')),
      )
      .toBe(true);
    expect(await owner.getByTestId('audit-row').count()).toBeGreaterThan(0);

    await owner.getByRole('button', { name: 'Clear', exact: true }).click();
    await owner.getByRole('button', { name: 'credentials.', exact: true }).click();
    await owner.getByRole('button', { name: /Details of event \d+, credentials\.create/ }).click();
    const drawer = owner.getByTestId('audit-drawer');
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain('"providerName": "fake"');
    expect(await drawer.textContent()).not.toContain(UPSTREAM_SECRET);
    await screenshot(owner, '14-audit-detail');
    await owner.getByRole('button', { name: 'Close details' }).click();

    await owner.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(async () => (await actions()).length).toBeGreaterThan(10);
    await screenshot(owner, '15-audit-trail');
    await expectAccessible(owner, 'audit');

    await owner.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('menuitem', { name: /NDJSON/ }).click(),
    ]);
    const exported = path.join(path.dirname(keyFile), download.suggestedFilename());
    await download.saveAs(exported);
    const lines = fs.readFileSync(exported, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect((JSON.parse(lines[0]!) as { seq: number }).seq).toBe(1);
  });

  it('reports the first bad event of a tampered copy of the database', async () => {
    const copy = tempDir('web-tampered-');
    dirs.push(copy);
    await copyDataFolder(hub, copy);
    tamperedHub = await startWebHub(copy);
    const sqlite = tamperedHub.databases.hub.sqlite;
    const target = sqlite.prepare("select seq from audit_events where action = 'providers.create'").get() as {
      seq: number;
    };
    sqlite.exec('DROP TRIGGER audit_events_no_update');
    sqlite.prepare("update audit_events set ip = '203.0.113.66' where seq = ?").run(target.seq);

    // The owner signs in to the copy from a third browser, with the key file saved at the start.
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await newPage(context);
    await page.goto(`${tamperedHub.url}/admin/audit`);
    await page.getByRole('button', { name: 'Import a key file' }).waitFor();
    await page.getByTestId('key-file-input').setInputFiles(keyFile);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/admin/audit');
    const badge = page.getByTestId('chain-badge');
    await expect.poll(() => badge.getAttribute('data-state')).toBe('broken');
    expect(await badge.textContent()).toContain(`Chain broken at event #${target.seq}`);
    expect(await badge.textContent()).toContain('it was edited');
    await page.getByRole('button', { name: `Show event #${target.seq}` }).click();
    const drawer = page.getByTestId('audit-drawer');
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain(`Event #${target.seq}`);
    expect(await drawer.textContent()).toContain('203.0.113.66');
    await page.getByRole('button', { name: 'Close details' }).click();
    await screenshot(page, '16-audit-chain-broken');
    await context.close();

    // The original is untouched and still verifies.
    await owner.getByRole('button', { name: 'Verify again' }).click();
    await expect.poll(() => owner.getByTestId('chain-badge').getAttribute('data-state')).toBe('verified');
  });

  it('has no serious accessibility violations on the main pages, at 1280 px and at phone width', async () => {
    const pages: [string, string, string][] = [
      ['/playground', 'Playground', 'playground'],
      ['/account', 'My account', 'account'],
      ['/admin/providers', 'Providers', 'providers'],
      ['/admin/model-rates', 'Model rates', 'model-rates'],
      ['/admin/users', 'Users', 'users'],
      ['/admin/audit', 'Audit trail', 'audit'],
      ['/admin/usage', 'Usage', 'usage'],
      ['/admin/settings', 'Settings', 'settings'],
    ];
    for (const [url, heading, name] of pages) {
      await owner.setViewportSize(DESKTOP);
      await owner.goto(`${hub.url}${url}`);
      await owner.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await owner.waitForLoadState('networkidle');
      await owner
        .getByRole('status')
        .filter({ hasText: /Loading|Checking/ })
        .first()
        .waitFor({ state: 'detached' });
      await expectAccessible(owner, `${name} (desktop)`);
      await screenshot(owner, `page-${name}-desktop`);

      await owner.setViewportSize(PHONE);
      // The phone layout is in place once the navigation has folded into its menu button.
      await owner.getByRole('button', { name: 'Open navigation' }).waitFor();
      await expectFitsWidth(owner);
      await expectAccessible(owner, `${name} (phone)`);
      await screenshot(owner, `page-${name}-phone`);
    }
    // On a phone the navigation opens from the menu button, and closes once a page is chosen.
    await owner.getByRole('button', { name: 'Open navigation' }).click();
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Model rates' }).click();
    await owner.getByRole('heading', { name: 'Model rates', level: 1 }).waitFor();
    await owner.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'detached' });
    await expectFitsWidth(owner);
  });
});

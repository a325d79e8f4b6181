import fs from 'node:fs';
import { Page } from 'playwright-core';
import { PERSONAS } from '../../seeds/personas';
import { axeViolations, CHROMIUM, ConsoleBrowser, ConsoleHub, launchBrowser, signedInAs, startConsoleHub } from '../helpers/console';
import { ON_MYSQL } from '../helpers/database';

/**
 * The console's "See as" page (issue #16) in Chromium against a real hub process serving
 * web/dist: the vendor admin picks mumbai, an instant its contracts suggest and a purpose, and
 * gets mumbai's home as mumbai's admin would see it then, under a bar saying so: the day after
 * C-MUMBAI-2022 expired the gate is closed (one banner, e-mails withheld); the day it took
 * effect the e-mails show. axe-core on the form and on the page seen. Once, on the embedded
 * database, like console-browser.test.ts.
 */
const describeOnce = ON_MYSQL ? describe.skip : describe;

describeOnce('the console: see as a distributor at an instant (embedded database only)', () => {
  let hub: ConsoleHub;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true);
    hub = await startConsoleHub();
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  async function seeAs(page: Page, instant: string, purpose: string): Promise<void> {
    const mumbai = await page.locator('#see-as-distributor option', { hasText: /mumbai/i }).getAttribute('value');
    await page.selectOption('#see-as-distributor', mumbai);
    await page.selectOption('#see-as-instant', instant);
    await page.fill('#see-as-purpose', purpose);
    await page.getByRole('button', { name: 'See as' }).click();
    await page.getByTestId('see-as-bar').waitFor();
    await page.getByTestId('home-customers').waitFor();
  }

  it('the vendor admin sees mumbai the day after C-MUMBAI-2022 expired: the bar, the gate closed, e-mails withheld; the page passes axe', async () => {
    const page = await signedInAs(browser, hub, PERSONAS.vendorAdmin);
    await page.getByRole('link', { name: 'See as' }).click();
    await page.locator('#see-as-distributor').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Nothing picked: the form says so and sends nothing.
    await page.getByRole('button', { name: 'See as' }).click();
    await page.getByRole('alert').filter({ hasText: 'Pick a distributor' }).waitFor();

    const mumbai = await page.locator('#see-as-distributor option', { hasText: /mumbai/i }).getAttribute('value');
    await page.selectOption('#see-as-distributor', mumbai);
    const offered = await page.locator('#see-as-instant option').allInnerTexts();
    expect(offered).toContain('2026-01-02: the day after C-MUMBAI-2022 expires');
    await seeAs(page, '2026-01-02', 'Support ticket 4711: what mumbai saw after its SCC expired');

    const bar = await page.getByTestId('see-as-bar').innerText();
    expect(bar).toMatch(/Seeing as .*Mumbai.* at 2026-01-02/i);
    const banner = await page.getByTestId('gate-banner').innerText();
    expect(banner).toMatch(/the transfer gate is closed/);
    expect(banner).toMatch(/CONTRACT_EXPIRED/);
    expect(banner).toMatch(/C-MUMBAI-2022/);
    const customers = await page.getByTestId('home-customers').innerText();
    expect(customers).toMatch(/withheld/);
    expect(customers).not.toMatch(/@/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/mumbai/i);
    expect(await axeViolations(page)).toEqual([]);

    // The day C-MUMBAI-2022 took effect, mumbai saw its customers' e-mails: no banner.
    await page.getByRole('button', { name: 'Stop seeing as' }).click();
    await seeAs(page, '2022-01-10', 'Support ticket 4711: the same page while the SCC was in force');
    expect(await page.getByTestId('see-as-bar').innerText()).toMatch(/at 2022-01-10/);
    expect(await page.getByTestId('gate-banner').count()).toBe(0);
    expect(await page.getByTestId('home-customers').innerText()).toMatch(/@/);
    await page.close();
  });
});

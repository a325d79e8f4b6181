import fs from 'node:fs';
import { Page } from 'playwright-core';
import { PERSONAS } from '../../seeds/personas';
import { axeViolations, CHROMIUM, ConsoleBrowser, ConsoleHub, launchBrowser, signedInAs, startConsoleHub } from '../helpers/console';
import { ON_MYSQL } from '../helpers/database';

/**
 * The console (issue #16) in Chromium against a real hub process serving web/dist: each
 * persona's flow as a user sees it, axe-core on every page (no serious or critical violation),
 * and the sign-in and a main flow by keyboard alone. The tests run in order on one hub: the
 * vendor admin's new contract for mumbai (the last flows) opens mumbai's gate.
 *
 * Once, on the embedded database (skipped with DATABASE_URL), like browser-cors.test.ts: the
 * browser does not care which database the hub uses. `npm test` builds the console first (pretest).
 */
// Callbacks of page.evaluate and waitForFunction run in the page: they reach its document through globalThis (the tests compile without the DOM types).
const describeOnce = ON_MYSQL ? describe.skip : describe;
const today = new Date().toISOString().slice(0, 10);

describeOnce('the console in a browser (embedded database only)', () => {
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

  async function expectAccessible(page: Page): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
  }

  /** The text of the home page's customers table. */
  const homeCustomers = (page: Page) => page.getByTestId('home-customers').innerText();

  it('signs in by keyboard alone: Tab to a persona of the development list, Enter; the sign-in page passes axe', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${hub.url}/`);
    await page.getByRole('heading', { name: 'Development: sign in as a persona of the seed world' }).waitFor();
    await expectAccessible(page);
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-email') === 'admin@rhein.example');
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('signed-in-as').innerText()).resolves.toContain('admin@rhein.example');
    await page.close();
  });

  it('signs in with a pasted bearer token (the production form), keeps it for the tab only, and refuses a bad one with its reason', async () => {
    const personas = (await (await fetch(`${hub.url}/dev/personas`)).json()) as { personas: { userId: string; email: string }[] };
    const rhein = personas.personas.find((p) => p.email === PERSONAS.distributors.rhein.admin)!;
    const minted = (await (await fetch(`${hub.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: rhein.userId }) })).json()) as {
      token: string;
    };
    const page = await browser.context.newPage();
    await page.goto(`${hub.url}/`);
    await page.getByLabel(/Bearer token/).fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await page.getByRole('alert').innerText()).toMatch(/^Sign-in refused: /);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    await page.getByLabel(/Bearer token/).fill(`Bearer ${minted.token}`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'admin@rhein.example' }).waitFor();
    expect(await page.evaluate(() => [(globalThis as any).localStorage.length, (globalThis as any).document.cookie])).toEqual([0, '']);
    // Another tab does not share it.
    const other = await browser.context.newPage();
    await other.goto(`${hub.url}/`);
    await other.getByRole('heading', { name: 'Sign in with a token or an API key' }).waitFor();
    expect(await other.getByTestId('signed-in-as').count()).toBe(0);
    await other.close();
    await page.close();
  });

  it("rhein's home shows its license charts, what expires soon and its customers' e-mails, without a banner", async () => {
    const page = await signedInAs(browser, hub, PERSONAS.distributors.rhein.admin);
    await page.getByTestId('home-customers').waitFor();
    const seats = await page.getByTestId('chart-seats').innerText();
    expect(seats).toMatch(/Seats used of total by product/);
    expect(seats).toMatch(/MX-VMS-PRO/);
    expect(await page.getByTestId('chart-status').locator('text').allTextContents()).toEqual(expect.arrayContaining(['ALLOCATED', 'EXPIRED']));
    expect(await page.getByRole('heading', { name: /Expiring within 60 days/ }).count()).toBe(1);
    expect(await homeCustomers(page)).toMatch(/office@rhein-c1\.example/);
    expect(await page.getByTestId('gate-banner').count()).toBe(0);
    expect(await page.getByTestId('gate-status').innerText()).toMatch(/Transfer gate: open/);
    await expectAccessible(page);
    await page.close();
  });

  it("mumbai's home shows one banner (reason, contract, what would open it) and 'withheld' instead of e-mails, no error", async () => {
    const page = await signedInAs(browser, hub, PERSONAS.distributors.mumbai.admin);
    await page.getByTestId('home-customers').waitFor();
    const banners = page.getByTestId('gate-banner');
    expect(await banners.count()).toBe(1);
    const banner = await banners.innerText();
    expect(banner).toMatch(/CONTRACT_EXPIRED/);
    expect(banner).toMatch(/C-MUMBAI-2022 \(SCC_2021, expired 2026-01-01\)/);
    expect(banner).toMatch(/What would open it: Renew the expired contract/);
    const customers = await homeCustomers(page);
    expect(customers).toMatch(/withheld/);
    expect(customers).not.toMatch(/@/);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('chart-seats').count()).toBe(1);
    await expectAccessible(page);
    await page.close();
  });

  it("a customer's admin gets the license charts of its own licenses, without an error", async () => {
    const page = await signedInAs(browser, hub, PERSONAS.customer('harbor').admin);
    await page.getByTestId('chart-seats').waitFor();
    expect(await page.getByTestId('chart-status').innerText()).toMatch(/Licenses by status \([1-9]\d* in all\)/);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('home-customers').count()).toBe(0);
    await expectAccessible(page);
    await page.close();
  });

  it("a customer's page as rhein: its people, licenses, computers and activations", async () => {
    const page = await signedInAs(browser, hub, PERSONAS.distributors.rhein.admin);
    await page.getByRole('link', { name: 'Harbor Logistics BV' }).first().click();
    await page.getByRole('heading', { name: /^Activations \(\d+\)/ }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/admin@harbor\.example/);
    expect(text).toMatch(/HARBOR-VMS-01|VMS-01/);
    expect(text).toMatch(/Windows Server 2022/);
    expect(text).toMatch(/Licenses \([1-9]\d*\)/);
    await expectAccessible(page);
    await page.close();
  });

  it('customers as the vendor admin: search by keyboard, sort, and page forwards and back with the cursors', async () => {
    const page = await signedInAs(browser, hub, PERSONAS.vendorAdmin);
    await page.goto(`${hub.url}/#/customers`);
    const names = async () => page.getByTestId('customers').locator('tbody tr td:first-child').allInnerTexts();
    await page
      .getByTestId('customer-count')
      .filter({ hasText: /^23 customers/ })
      .waitFor();
    const first = await names();
    expect(first).toHaveLength(10);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction((before) => (globalThis as any).document.querySelector('[data-testid=customers] tbody tr td')?.textContent !== before, first[0]);
    const second = await names();
    expect(second).toHaveLength(10);
    expect(second.some((n) => first.includes(n))).toBe(false);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.waitForFunction((before) => (globalThis as any).document.querySelector('[data-testid=customers] tbody tr td')?.textContent === before, first[0]);
    expect(await names()).toEqual(first);
    await page.getByLabel('Sort').selectOption('NAME.DESC');
    await page.waitForFunction((before) => (globalThis as any).document.querySelector('[data-testid=customers] tbody tr td')?.textContent !== before, first[0]);
    const descending = await names();
    expect(descending[0].localeCompare(first[0])).toBeGreaterThan(0);
    // The search by keyboard: focus the field, type, Enter.
    await page.getByLabel('Search by name').focus();
    await page.keyboard.type('harbor');
    await page.keyboard.press('Enter');
    await page
      .getByTestId('customer-count')
      .filter({ hasText: /^1 customer matching/ })
      .waitFor();
    expect(await names()).toEqual(['Harbor Logistics BV']);
    await expectAccessible(page);
    await page.close();
  });

  it('the vendor admin sees every distributor with its gate and reason at a glance', async () => {
    const page = await signedInAs(browser, hub, PERSONAS.vendorAdmin);
    const mumbai = page.locator('tr[data-distributor="Mumbai CCTV Pvt Ltd"]');
    await mumbai.waitFor();
    expect(await mumbai.innerText()).toMatch(/closed\s+CONTRACT_EXPIRED IN: SCC_2021 contract C-MUMBAI-2022 expired 2026-01-01/);
    expect(await page.locator('tr[data-distributor="Rhein Security GmbH"]').innerText()).toMatch(/open\s+EEA/);
    expect(await page.getByTestId('gate-count').innerText()).toBe('11 distributors; transfer gate closed for 6.');
    await expectAccessible(page);
    await page.close();
  });

  it("mumbai's contracts page: the timeline, and forms that refuse bad input at the field (a made-up country code, a type past its cut-off)", async () => {
    const page = await signedInAs(browser, hub, PERSONAS.vendorAdmin);
    await page.getByRole('link', { name: 'Mumbai CCTV Pvt Ltd' }).click();
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('timeline').locator('desc').textContent()).toMatch(/C-MUMBAI-2022: SCC_2021, effective 2022-01-10, signed 2022-01-10, expires 2026-01-01/);
    // A made-up country code: refused at the countries field, nothing written.
    await page.getByLabel(/Processes personal data in/).fill('IN, XX');
    await page.getByRole('button', { name: 'Save countries' }).click();
    const countries = page.locator('[data-field-problem="processing-countries"]');
    await countries.waitFor();
    expect(await countries.innerText()).toMatch(/\[1\]/);
    expect(await page.getByLabel(/Processes personal data in/).getAttribute('aria-invalid')).toBe('true');
    // An SCC_2010 effective after its cut-off: refused at the type field.
    await page.getByLabel('Type').selectOption('SCC_2010');
    await page.getByRole('button', { name: 'Create contract' }).click();
    const type = page.locator('[data-field-problem="contract-type"]');
    await type.waitFor();
    expect(await type.innerText()).toMatch(/SCC_2010 is no longer a valid transfer basis since 2022-12-27/);
    // An expiry before the effective date: refused at the expiry field.
    await page.getByLabel('Type').selectOption('SCC_2021');
    await page.getByLabel(/^Expires/).fill('2020-01-01');
    await page.getByRole('button', { name: 'Create contract' }).click();
    await page.locator('[data-field-problem="contract-expiresAt"]').filter({ hasText: 'must not be before effectiveFrom' }).waitFor();
    expect(await page.locator('[data-field-problem="contract-type"]').count()).toBe(0);
    expect(await page.getByTestId('contracts').locator('tbody tr').count()).toBe(1);
    await expectAccessible(page);
    await page.close();
  });

  it("the vendor admin creates and signs (by keyboard) a contract for mumbai covering today; mumbai's home then shows e-mails on reload", async () => {
    const mumbai = await signedInAs(browser, hub, PERSONAS.distributors.mumbai.admin);
    await mumbai.getByTestId('gate-banner').waitFor();
    const page = await signedInAs(browser, hub, PERSONAS.vendorAdmin);
    await page.getByRole('link', { name: 'Mumbai CCTV Pvt Ltd' }).click();
    await page.getByTestId('timeline').waitFor();
    await page.getByLabel('Type').selectOption('SCC_2021');
    await page.getByLabel('Effective from').fill('2026-01-01');
    await page.getByLabel(/^Expires/).fill(`${new Date().getUTCFullYear() + 2}-12-31`);
    await page.getByLabel('Document reference').fill('C-MUMBAI-2026');
    await page.getByRole('button', { name: 'Create contract' }).click();
    const draft = page.locator('tr[data-contract="C-MUMBAI-2026"]');
    await draft.locator('td', { hasText: /^DRAFT$/ }).waitFor();
    // Sign by keyboard: the date field holds today; Tab (through the date's day, month and year) to the Sign button, Enter.
    await draft.getByLabel(/Signed on/).focus();
    expect(await draft.getByLabel(/Signed on/).inputValue()).toBe(today);
    let onSign = false;
    for (let i = 0; i < 5 && !onSign; i++) {
      await page.keyboard.press('Tab');
      onSign = await page.evaluate(() => (globalThis as any).document.activeElement?.textContent === 'Sign');
    }
    expect(onSign).toBe(true);
    await page.keyboard.press('Enter');
    await draft.locator('td', { hasText: /^SIGNED$/ }).waitFor();
    expect(await draft.innerText()).toMatch(/SCC_2021\s+SIGNED\s+yes\s+2026-01-01/);
    await page
      .getByTestId('gate-status')
      .filter({ hasText: /Transfer gate open/ })
      .waitFor();
    await page.close();

    await mumbai.reload();
    await mumbai.getByTestId('home-customers').waitFor();
    expect(await mumbai.getByTestId('gate-banner').count()).toBe(0);
    const customers = await homeCustomers(mumbai);
    expect(customers).toMatch(/office@mumbai-c1\.example/);
    expect(customers).not.toMatch(/withheld/);
    await mumbai.close();
  });

  it('the audit trail filters by outcome; the DPO finds a person by e-mail and exports their data with its recipients', async () => {
    const admin = await signedInAs(browser, hub, PERSONAS.vendorAdmin);
    await admin.goto(`${hub.url}/#/audit`);
    await admin.getByTestId('audit-count').waitFor();
    await admin.getByLabel('Outcome').selectOption('DENIED');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.waitForFunction(() => {
      const cells = [...(globalThis as any).document.querySelectorAll('[data-testid=audit] tbody tr td:last-child')].map((td: any) => td.textContent);
      return cells.length > 0 && cells.every((c) => c === 'DENIED');
    });
    await expectAccessible(admin);
    await admin.close();

    const dpo = await signedInAs(browser, hub, PERSONAS.privacyOfficer);
    await dpo.getByLabel('E-mail address').fill('admin@harbor.example');
    await dpo.getByRole('button', { name: 'Find' }).click();
    await dpo.getByRole('button', { name: 'Export personal data' }).click();
    const exported = dpo.locator('details pre');
    await exported.waitFor();
    const exportDoc = JSON.parse(await exported.innerText()) as { profile: { email: string }; recipients: { organization: { name: string } }[] };
    expect(exportDoc.profile.email).toBe('admin@harbor.example');
    expect(exportDoc.recipients.map((r) => r.organization.name)).toEqual(expect.arrayContaining(['Rhein Security GmbH']));
    await expectAccessible(dpo);
    await dpo.close();
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { Page } from 'playwright-core';
import { launchBrowser, signedInAs, startConsoleHub } from '../tests/helpers/console';

/**
 * `npm run console:screenshots`: the console's main pages, as the seed world's personas see
 * them, written to docs/console/*.png (shown in the README). A hub process on a fresh embedded
 * database serves the built console; Debian's chromium (CHROMIUM_PATH) takes the pictures.
 */
const OUT = path.resolve(__dirname, '..', '..', 'docs', 'console');

async function shoot(page: Page, name: string): Promise<void> {
  // Let the last answers arrive and the page settle.
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0));
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const hub = await startConsoleHub();
  const browser = await launchBrowser();
  try {
    const signIn = await browser.context.newPage();
    await signIn.goto(`${hub.url}/`);
    await signIn.getByRole('heading', { name: /sign in as a persona/ }).waitFor();
    await shoot(signIn, 'sign-in');

    const rhein = await signedInAs(browser, hub, 'admin@rhein.example');
    await rhein.getByTestId('home-customers').waitFor();
    await shoot(rhein, 'distributor-home');
    await rhein.getByRole('link', { name: 'Harbor Logistics BV' }).first().click();
    await rhein.getByRole('heading', { name: /^Activations/ }).waitFor();
    await shoot(rhein, 'customer');

    const mumbai = await signedInAs(browser, hub, 'admin@mumbai.example');
    await mumbai.getByTestId('gate-banner').waitFor();
    await shoot(mumbai, 'distributor-home-gated');

    const admin = await signedInAs(browser, hub, 'admin@mobotix.example');
    await admin.getByTestId('distributors').waitFor();
    await shoot(admin, 'distributors');
    await admin.goto(`${hub.url}/#/customers`);
    await admin.getByTestId('customers').waitFor();
    await shoot(admin, 'customers');
    await admin.goto(`${hub.url}/#/home`);
    await admin.getByRole('link', { name: 'Mumbai CCTV Pvt Ltd' }).click();
    await admin.getByTestId('timeline').waitFor();
    await admin.getByLabel('Type').selectOption('SCC_2010');
    await admin.getByRole('button', { name: 'Create contract' }).click();
    await admin.locator('[data-field-problem="contract-type"]').waitFor();
    await shoot(admin, 'contracts');
    await admin.goto(`${hub.url}/#/audit`);
    await admin.getByTestId('audit').waitFor();
    await shoot(admin, 'audit');
    await admin.goto(`${hub.url}/#/see-as`);
    await admin.getByLabel('Distributor').selectOption({ label: 'Mumbai CCTV Pvt Ltd' });
    await admin.getByLabel('Instant').selectOption('2026-01-02');
    await admin.getByLabel('Purpose').fill('Support ticket 4711');
    await admin.getByRole('button', { name: 'See as' }).click();
    await admin.getByTestId('gate-banner').waitFor();
    await shoot(admin, 'see-as');

    const dpo = await signedInAs(browser, hub, 'dpo@mobotix.example');
    await dpo.getByLabel('E-mail address').fill('admin@harbor.example');
    await dpo.getByRole('button', { name: 'Find' }).click();
    await dpo.getByRole('button', { name: 'Export personal data' }).click();
    await dpo.locator('details pre').waitFor();
    await shoot(dpo, 'dpo');

    // The explorer (GraphiQL) with the console's sign-in: rhein's admin runs a query.
    const query = '{\n  viewer {\n    role\n    organization {\n      name\n    }\n  }\n}\n';
    await rhein.goto(`${hub.url}/explorer/?query=${encodeURIComponent(query)}`);
    await rhein.locator('.graphiql-query-editor .monaco-editor').waitFor();
    await rhein.locator('.graphiql-execute-button').click();
    await rhein.locator('.result-window').filter({ hasText: 'DISTRIBUTOR_ADMIN' }).waitFor();
    await shoot(rhein, 'explorer');
  } finally {
    await browser.close();
    await hub.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});

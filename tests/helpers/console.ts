import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { listening } from './hub-process';

/**
 * The console in a real browser against a real hub process (issue #16): the hub is
 * dist/src/main.js on a fresh embedded database (seeded on first start) serving web/dist at /,
 * the browser Debian's chromium driven by playwright-core. Used by tests/e2e/console-*.test.ts
 * and by `npm run console:screenshots`.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..', '..');
export const WEB_DIST = path.join(ROOT, 'web', 'dist');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const AXE = path.join(ROOT, 'web', 'node_modules', 'axe-core', 'axe.min.js');

export interface ConsoleHub {
  url: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A hub process in development mode on its own embedded database (the seed world), serving the built console. */
export async function startConsoleHub(extraEnv: NodeJS.ProcessEnv = {}): Promise<ConsoleHub> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('the console is not built: npm run console:build');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-console-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    STATIC_DIR: WEB_DIST,
    SEED_ON_FIRST_START: 'true',
    WEBHOOK_DELIVERY_INTERVAL_MS: '0',
    AUTH_FAILURE_LIMIT: '1000000',
    ...extraEnv,
  };
  const child: ChildProcess = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  await listening(child);
  child.stdout!.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ConsoleBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<ConsoleBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-console-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A new tab (its own sessionStorage: signed out) signed in as a persona through the development persona list. */
export async function signedInAs(browser: ConsoleBrowser, hub: ConsoleHub, email: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${hub.url}/`);
  await page.locator(`button[data-email="${email}"]`).click();
  await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor();
  return page;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core (installed in web/) run in the page: the serious and critical violations of WCAG 2.x
 * A and AA rules. The script is evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy (script-src 'self') does not restrict.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const source = fs.readFileSync(AXE, 'utf8');
  await page.evaluate(source);
  const { passes, violations } = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (context: unknown, options: unknown) => Promise<{ passes: unknown[]; violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return { passes: result.passes.length, violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })) };
  });
  // A check that checked nothing would pass every page: axe ran its rules on this one.
  if (passes < 10) throw new Error(`axe-core checked only ${passes} rules on ${page.url()}`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

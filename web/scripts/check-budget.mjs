// The bundle-size budgets, gzip-compressed: the console (index.html and every file its entry
// reaches, by Vite's manifest) at most CONSOLE_BUDGET_KB; the explorer (explorer/index.html,
// GraphiQL, its editor and web workers: every other file of web/dist) at most EXPLORER_BUDGET_KB.
// The build fails beyond either (npm run build).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const CONSOLE_BUDGET_KB = 90;
export const EXPLORER_BUDGET_KB = 2100;
const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The files the console's entry reaches (its chunks, their CSS and assets), and index.html. */
function consoleFiles() {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
  const seen = new Set(['index.html']);
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) seen.add(f);
    for (const k of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(k);
  };
  visit('index.html');
  return seen;
}

const ofConsole = consoleFiles();
const totals = { console: 0, explorer: 0 };
for (const file of files(dist)) {
  const name = path.relative(dist, file);
  if (name.startsWith('.vite')) continue;
  const gz = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
  const part = ofConsole.has(name) ? 'console' : 'explorer';
  totals[part] += gz;
  console.log(`${name.padEnd(48)} ${(gz / 1024).toFixed(1).padStart(7)} KB gzip  ${part}`);
}
let over = false;
for (const [part, budget] of [
  ['console', CONSOLE_BUDGET_KB],
  ['explorer', EXPLORER_BUDGET_KB],
]) {
  const kb = totals[part] / 1024;
  console.log(`${part} bundle: ${kb.toFixed(1)} KB gzip (budget ${budget} KB)`);
  if (kb > budget) {
    console.error(`the ${part}'s bundle is over its budget: ${kb.toFixed(1)} KB > ${budget} KB gzip`);
    over = true;
  }
}
if (over) process.exit(1);

// The console's bundle-size budget: every file of web/dist, gzip-compressed, together at most
// BUDGET_KB (the JavaScript, the CSS and index.html). The build fails beyond it (npm run build).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const BUDGET_KB = 90;
const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

let total = 0;
for (const file of files(dist)) {
  const gz = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
  total += gz;
  console.log(`${path.relative(dist, file).padEnd(40)} ${(gz / 1024).toFixed(1)} KB gzip`);
}
const kb = total / 1024;
console.log(`console bundle: ${kb.toFixed(1)} KB gzip (budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`the console's bundle is over its budget: ${kb.toFixed(1)} KB > ${BUDGET_KB} KB gzip`);
  process.exit(1);
}

// Development only (used by regenerate-init-migrations.sh): gives the MySQL migration a binary
// collation on the columns compared by their exact bytes, as SQLite compares them.
const fs = require('fs');
const file = process.argv[2];
let sql = fs.readFileSync(file, 'utf8');
for (const column of ['hostId', 'idempotencyKey', 'nameKey']) {
  const re = new RegExp('(\\\\`' + column + '\\\\` varchar\\(\\d+\\)) NOT NULL', 'g');
  if (!re.test(sql)) throw new Error(`no column ${column} in ${file}`);
  sql = sql.replace(re, '$1 COLLATE utf8mb4_bin NOT NULL');
}
fs.writeFileSync(file, sql);

#!/usr/bin/env bash
# Development only, before the first landing: regenerates the Init migrations of both dialects.
# Once a migration has landed it is never edited: add a new one with `npm run migration:generate`.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f src/migrations/mysql/*.ts src/migrations/sqlite/*.ts
npx tsc -p . || true
rm -f dist/src/migrations/*/*.js
mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS hub_gen; CREATE DATABASE hub_gen CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
DATABASE_URL=mariadb://root@127.0.0.1:3306/hub_gen npx typeorm migration:generate -d dist/ormconfig.js src/migrations/mysql/Init -t 1764200000000
# Exact comparison on MySQL/MariaDB as on SQLite for values that identify by their bytes
# (host ids, idempotency keys, folded names for sorting). TypeORM's schema comparison ignores
# collations, so the entities stay dialect-free and this is said in the migration only.
node scripts/collate-binary.cjs src/migrations/mysql/1764200000000-Init.ts
tmp=$(mktemp -d); DATA_DIR=$tmp npx typeorm migration:generate -d dist/ormconfig.js src/migrations/sqlite/Init -t 1764200000000
npx tsc -p .

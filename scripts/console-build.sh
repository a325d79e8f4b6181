#!/usr/bin/env bash
# Builds the console (web/ → web/dist, which the hub serves at /) when web/dist is missing or
# older than a source of web/ or than the committed schema, and installs web's own dependencies
# first when they are missing or older than web/package-lock.json (npm ci --prefix web). `--force` builds in any case. A build
# generates the types of the console's operations from schema/schema.graphql (web/codegen.ts,
# with the root's @graphql-codegen), type-checks the console, bundles it with Vite and fails when
# the bundle is over its size budget (web/scripts/check-budget.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs web's dependencies when missing or older than web/package-lock.json (a new package, e.g. graphiql).
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund
fi
if [ "${1:-}" != "--force" ] && [ -f web/dist/index.html ] && [ -f web/src/generated/graphql.ts ] \
  && [ -z "$(find web/src web/index.html web/explorer web/vite.config.ts web/codegen.ts web/package.json web/package-lock.json web/tsconfig.json web/scripts schema/schema.graphql \
    -path web/src/generated -prune -o -newer web/dist/index.html -print | head -1)" ]; then
  exit 0
fi
node_modules/.bin/graphql-codegen --config web/codegen.ts --silent
npm run --prefix web --silent build >&2

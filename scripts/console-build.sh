#!/usr/bin/env bash
# Builds the console (web/ → web/dist, which the hub serves at /) when web/dist is missing or
# older than a source of web/, and installs web's own dependencies first when they are missing
# (npm ci --prefix web). `--force` builds in any case. The build type-checks the console, bundles
# it with Vite and fails when the bundle is over its size budget (web/scripts/check-budget.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d web/node_modules ] || npm ci --prefix web --no-audit --no-fund
if [ "${1:-}" != "--force" ] && [ -f web/dist/index.html ] \
  && [ -z "$(find web/src web/index.html web/vite.config.ts web/package.json web/package-lock.json web/tsconfig.json web/scripts -newer web/dist/index.html -print -quit)" ]; then
  exit 0
fi
npm run --prefix web --silent build >&2

#!/bin/sh
# Builds dist/ only when a TypeScript source (or tsconfig.json) is newer than the last build
# (dist/tsconfig.tsbuildinfo, written by every build): a current build costs a scan of file
# times, not a compilation, so `npm run token` answers at once. Otherwise `tsc -b` recompiles
# what changed (incremental). It does not remove the output of a deleted source; `npm run build`
# (a clean build, used by npm start and npm test) does.
set -e
cd "$(dirname "$0")/.."
stamp=dist/tsconfig.tsbuildinfo
if [ -f "$stamp" ] && [ -z "$(find ormconfig.ts tsconfig.json src scripts seeds tests -newer "$stamp" \( -name '*.ts' -o -name tsconfig.json \) -print -quit)" ]; then
  exit 0
fi
exec tsc -b

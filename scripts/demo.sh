#!/usr/bin/env bash
# The README's demo command on a fresh machine with only Node and npm: Node 22 if the machine's is older, pnpm,
# the frozen install (with progress), then `pnpm demo` with the arguments given (e.g. --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=node22.sh
. scripts/node22.sh
pnpm install --frozen-lockfile --reporter=default
exec pnpm demo "$@"

#!/usr/bin/env bash
# The README's test command while a CPU-bound process keeps one core busy: the suite must not depend on how fast
# the machine is. The load is started and stopped here, by its PID; turbo's cache is bypassed so every test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 CI=true TURBO_FORCE=true
# shellcheck source=node22.sh
. scripts/node22.sh

node -e 'for (;;) {}' &
LOAD_PID=$!
trap 'kill "$LOAD_PID" 2>/dev/null || true' EXIT
echo "ci-under-load: one core busy (pid $LOAD_PID); running: pnpm install --frozen-lockfile && pnpm test" >&2

started=$(date +%s)
status=0
pnpm --reporter=append-only install --frozen-lockfile && pnpm --reporter=append-only test || status=$?
echo "ci-under-load: exit $status after $(($(date +%s) - started)) s under load" >&2
exit "$status"

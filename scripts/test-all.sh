#!/usr/bin/env bash
# The whole test suite, from a bare machine: set-up, import rules, unit tests, integration tests.
# Bounded in time; every process a test starts is stopped by the test itself (by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/check-imports.mjs
export PATH="$PWD/.tools/bin:$PATH"
echo "== unit tests"
timeout 900 node scripts/run-tests.mjs --concurrency 2 dist/src
echo "== integration tests"
timeout 2400 node scripts/run-tests.mjs --file-timeout 300 dist/test/integration

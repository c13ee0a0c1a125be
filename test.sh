#!/usr/bin/env bash
# The test command: builds everything (warnings are errors) and runs every test — unit, functional (real Kestrel on
# loopback, real stories260K model, OpenAI .NET SDK) and the node `openai` client checks.
# Needs ../shared (or OPENMAAS_SHARED) for the test models.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d tests/node/node_modules ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test OpenMaas.slnx -c Release --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# One plain closing line for CI: "N passed, N failed".
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"

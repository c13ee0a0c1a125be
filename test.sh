#!/usr/bin/env bash
# The test command: builds everything (warnings are errors) and runs every test — unit, functional (real Kestrel on
# loopback, real stories260K model, OpenAI .NET SDK) and the node `openai` client checks.
# Needs ../shared (or OPENMAAS_SHARED) for the test models. A second pass runs the main functional, quota and token
# tests again on PostgreSQL (a real server the tests start on loopback; see tests/.../Infrastructure/TestDatabase.cs).
set -euo pipefail
cd "$(dirname "$0")"

# Run under `flock /tmp/openmaas-*.lock`, this shell inherits the locks' descriptors. flock itself keeps holding the
# locks until we exit; close our copies so nothing the tests start (a PostgreSQL or Redis server that outlives its
# test host) keeps the team's merge and full-test locks after this run has ended.
for fd in /proc/$$/fd/*; do
  fd="${fd##*/}"
  if [ "$fd" -gt 2 ] && [[ "$(readlink "/proc/$$/fd/$fd" 2>/dev/null)" == /tmp/openmaas-*.lock ]]; then
    eval "exec ${fd}>&-"
  fi
done

if [ ! -d tests/node/node_modules ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test OpenMaas.slnx -c Release --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ] && [ -z "${OPENMAAS_SKIP_POSTGRES_PASS:-}" ]; then
  echo "== the same functional tests on PostgreSQL =="
  pg_tests="FullyQualifiedName~OpenMaas.Tests.Functional.CompletionsTests|FullyQualifiedName~OpenMaas.Tests.Functional.OpenAISdkTests"
  pg_tests+="|FullyQualifiedName~OpenMaas.Tests.Quota.QuotaClientTests|FullyQualifiedName~OpenMaas.Tests.Quota.QuotaConcurrencyTests"
  pg_tests+="|FullyQualifiedName~OpenMaas.Tests.Quota.QuotaStreamTests|FullyQualifiedName~OpenMaas.Tests.Quota.QuotaCliTests"
  pg_tests+="|FullyQualifiedName~OpenMaas.Tests.Tokens.TokenAuthTests|FullyQualifiedName~OpenMaas.Tests.Tokens.ConsoleApiTests"
  pg_tests+="|FullyQualifiedName~OpenMaas.Tests.Responses.ResponsesApiTests"
  pg_tests+="|FullyQualifiedName~OpenMaas.Tests.Organizations"
  OPENMAAS_TEST_DATABASE=postgres dotnet test tests/OpenMaas.Tests -c Release --nologo --no-build --filter "$pg_tests" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
fi
set -e

# One plain closing line for CI: "N passed, N failed".
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"

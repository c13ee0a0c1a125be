#!/usr/bin/env bash
# The test command: builds everything (warnings are errors) and runs every test — unit, functional (real Kestrel on
# loopback, real stories260K model, OpenAI .NET SDK) and the node `openai` client checks.
# Needs ../shared (or OPENMAAS_SHARED) for the test models. A second pass runs the main functional, quota and token
# tests again on PostgreSQL (a real server the tests start on loopback; see tests/.../Infrastructure/TestDatabase.cs).
# No test may hang the run: --blame-hang-timeout stops a test host whose test runs past 15 minutes (a failure).
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

# IdleConnectionsTests hold 10,000 sockets (and the server up to 4,096): lift the open-file limit where it is lower.
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 65536 ] || ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [ ! -d tests/node/node_modules ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi

# DiskFullTests fill a tmpfs of their own and ReadOnlyDataFolderTests turn an ext4 loop device read-only: both need root
# with CAP_SYS_ADMIN (and loop devices, mkfs.ext4, e2fsck). Where that is refused (an unprivileged container), they are
# left out, saying so, rather than failing for the machine's sake.
left_out=()
probe="$(mktemp -d)"
if mount -t tmpfs -o size=1m tmpfs "$probe" 2>/dev/null; then
  umount "$probe"
else
  left_out+=(DiskFullTests)
fi
image="$(mktemp)"
if truncate -s 8m "$image" && mkfs.ext4 -q -F "$image" >/dev/null 2>&1 && command -v e2fsck >/dev/null \
  && loop="$(losetup -f --show "$image" 2>/dev/null)"; then
  mount "$loop" "$probe" 2>/dev/null && umount "$probe" || left_out+=(ReadOnlyDataFolderTests)
  losetup -d "$loop"
else
  left_out+=(ReadOnlyDataFolderTests)
fi
rm -f "$image"
rmdir "$probe"
only=()
if [ ${#left_out[@]} -gt 0 ] && [[ " $* " != *" --filter "* ]]; then
  echo "test.sh: this machine cannot mount a tmpfs or a loop device (needs root with CAP_SYS_ADMIN): ${left_out[*]} are left out of this run" >&2
  filter=""
  for t in "${left_out[@]}"; do filter+="${filter:+&}FullyQualifiedName!~$t"; done
  only=(--filter "$filter")
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test OpenMaas.slnx -c Release --nologo --blame-hang-timeout 15m --blame-hang-dump-type none "${only[@]}" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ] && [ -z "${OPENMAAS_SKIP_POSTGRES_PASS:-}" ]; then
  echo "== the same functional tests on PostgreSQL =="
  # The classes marked [Trait("Database", "Postgres")]; a filter that matched nothing would pass silently, so the
  # pass fails when it ran no test.
  pg_log="$(mktemp)"
  OPENMAAS_TEST_DATABASE=postgres dotnet test tests/OpenMaas.Tests -c Release --nologo --no-build --blame-hang-timeout 15m --blame-hang-dump-type none --filter "Database=Postgres" 2>&1 | tee "$pg_log"
  rc=${PIPESTATUS[0]}
  cat "$pg_log" >> "$log"
  if [ "$rc" -eq 0 ] && ! grep -qE 'Passed: +[1-9]' "$pg_log"; then
    echo "test.sh: the PostgreSQL pass ran no test (no class has [Trait(\"Database\", \"Postgres\")]?)" >&2
    rc=1
  fi
  rm -f "$pg_log"
fi
set -e

# One plain closing line for CI: "N passed, N failed".
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"

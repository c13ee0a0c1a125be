#!/usr/bin/env bash
# The lookup a previous_response_id does (IResponseStore.FindAsync by id and user) with 100,000 stored responses of
# 100 users (a short conversation and a 40-token answer each, ~1.2 KB of JSON): p50/p99 of 2,000 random lookups after
# 500 warm-up ones, on SQLite (a temp data folder) and on PostgreSQL (a throwaway server on loopback, stopped at the end;
# skipped when /usr/lib/postgresql/*/bin is missing), with the average stored JSON per response and the database size.
#   bench/responses/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dotnet build "$root/bench/OpenMaas.Bench.Quota" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dll="$root/bench/OpenMaas.Bench.Quota/bin/Release/net10.0/linux-x64/OpenMaas.Bench.dll"
work="$(mktemp -d)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as=(); if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
pg_pid=""
cleanup() {
  if [ -n "$pg_pid" ]; then "${as[@]}" "$pg_bin/pg_ctl" stop -D "$work/pg/data" -m fast -w >/dev/null 2>&1 || kill "$pg_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "| database | stored responses | fill (8 parallel SaveAsync) | lookup p50 ms | lookup p99 ms | stored JSON per response (InputJson + ResponseJson) | size |"
echo "|---|---:|---:|---:|---:|---:|---|"
dotnet "$dll" responses "$work/sqlite"

if [ -n "$pg_bin" ]; then
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$work/pg"; if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; chmod 755 "$work"; fi
  "${as[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
  # Stock settings but for synchronous_commit=off (the fill's 100,000 commits; the lookups are reads).
  "${as[@]}" "$pg_bin/postgres" -D "$work/pg/data" -p "$port" -k "$work/pg" -c listen_addresses=127.0.0.1 -c synchronous_commit=off > "$work/pg.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
  dotnet "$dll" responses "$work/pg-data" --database "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
fi

#!/usr/bin/env bash
# The Speed section of issue 19, one run (results in bench/README.md):
#  (a) rerank of 1 query × 100 documents on the built-in MiniLM vs embedding the same 101 texts through /v1/embeddings;
#  (b) GET /v1/tasks/{id} p50/p99 with 10,000 tasks stored, on SQLite and on PostgreSQL (a throwaway server on loopback,
#      stopped at the end; skipped when /usr/lib/postgresql/*/bin is missing);
#  (c) RSS while 20 concurrent 20 MB uploads stream through /v1/audio/transcriptions to a scripted engine;
#  (d) rerank of 1 query × 100 documents on a cross-encoder of real size (the built-in MiniLM with a random [CLS] head,
#      made by make-cross-encoder.py; needs python3-onnx) vs /v1/embeddings of the 100 texts "query document" on the
#      MiniLM (equal length). Not in the default run: PARTS=d bench/media/run.sh.
# Each runs the real server in the bench process (Kestrel on a free loopback port, a temp data folder, token + quota on).
#   bench/media/run.sh                                  # the full run
#   ROUNDS=10 POLLS=200 CONCURRENT=4 SIZE_MB=4 bench/media/run.sh   # a smoke run (numbers not meaningful)
#   PARTS=b bench/media/run.sh                          # only some parts (letters of a, b, c, d; default abc)
#   PG_OPTIONS=";No Reset On Close=true" PARTS=b bench/media/run.sh   # (b) with Npgsql settings added to the connection string
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dotnet build "$root/bench/OpenMaas.Bench.Media" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dll="$root/bench/OpenMaas.Bench.Media/bin/Release/net10.0/linux-x64/OpenMaas.Bench.Media.dll"
work="$(mktemp -d)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as=(); if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
pg_pid=""
cleanup() {
  if [ -n "$pg_pid" ]; then "${as[@]}" "$pg_bin/pg_ctl" stop -D "$work/pg/data" -m fast -w >/dev/null 2>&1 || kill "$pg_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# The bench's server creates the first-run admin and prints its password; keep the tables only.
tables() { grep -E '^\|' || true; }
echo "bench/media: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$root" rev-parse --short HEAD)"

parts="${PARTS:-abc}"
if [[ $parts == *a* ]]; then
echo; echo "(a) rerank vs embeddings"
dotnet "$dll" rerank "${ROUNDS:-100}" | tables
fi

if [[ $parts == *b* ]]; then
echo; echo "(b) task poll with 10,000 tasks stored"
echo "| database | tasks | fill (8 parallel inserts) | poll p50 ms | poll p99 ms | max ms | polls | CPU µs/poll, bench process (client + server) | CPU µs/poll, PostgreSQL | warm-up polls |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
dotnet "$dll" tasks "${POLLS:-2000}" | tables
if [ -n "$pg_bin" ]; then
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$work/pg"; if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; chmod 755 "$work"; fi
  "${as[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
  "${as[@]}" "$pg_bin/postgres" -D "$work/pg/data" -p "$port" -k "$work/pg" -c listen_addresses=127.0.0.1 -c synchronous_commit=off > "$work/pg.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
  dotnet "$dll" tasks "${POLLS:-2000}" --database "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres${PG_OPTIONS:-}" | tables
fi
fi

if [[ $parts == *c* ]]; then
echo; echo "(c) RSS while uploads stream through"
dotnet "$dll" uploads "${CONCURRENT:-20}" "${SIZE_MB:-20}" | tables
fi
if [[ $parts == *d* ]]; then
echo; echo "(d) cross-encoder batch vs embedding batch of equal length"
dotnet "$dll" minilm "$work/minilm"
py=python3; "$py" -c 'import onnx, numpy' 2>/dev/null || py=/usr/bin/python3   # Debian's python3-onnx, under pyenv
"$py" "$here/make-cross-encoder.py" "$work/minilm" "$work/xenc"
dotnet "$dll" xenc "$work/xenc" "${XENC_ROUNDS:-50}" | tables
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

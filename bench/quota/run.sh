#!/usr/bin/env bash
# Cost of the quota path: requests/s and p50/p99 of a cheap authenticated inference call (bearer token check +
# atomic admission + durable usage record, then one token from stories260K) against the same call with auth and
# quota switched off (Auth:Enabled=false, Quota:Enabled=false), in one run, rounds interleaved.
#   bench/quota/run.sh            ROUNDS=3 DURATION=10s CONNECTIONS="32 1" by default
# 32 connections saturate the 2-core box (throughput cost); 1 connection shows the latency each call pays.
# With PostgreSQL and redis-server installed (CLUSTER=1, the default when they are), also the same quota path on
# PostgreSQL + Redis: one node (pg-redis) and two nodes sharing them (pg-redis-2n: two wrk, half the connections each,
# at least 1, req/s summed, the worse p50/p99 of the two).
# LIMITS=1 (the default) adds quota-limits (and pg-redis-limits with CLUSTER=1): the same call with every pool and window
# on at once — the token is an organisation's, and the user, the token, the organisation, the member and the model each
# have a daily allowance, an RPM and a TPM (all far above what the run reaches), and the model costs 2 units a call.
# Needs wrk (apt-get install -y wrk) and ../shared/models/stories260K.gguf (or OPENMAAS_SHARED).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${OPENMAAS_SHARED:-$root/../shared}"
rounds="${ROUNDS:-3}" duration="${DURATION:-10s}" connections="${CONNECTIONS:-32 1}" limits="${LIMITS:-1}"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }

dotnet build "$root/src/OpenMaas.Server/OpenMaas.Server.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dll="$root/src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One data folder per variant (each server owns its usage log), same model, same settings otherwise.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
cluster="${CLUSTER:-$([ -n "$pg_bin" ] && command -v redis-server >/dev/null && echo 1 || echo 0)}"
shared_db=() # --database/--redis of the cluster variants
if [ "$cluster" = 1 ]; then
  # PostgreSQL (as the postgres account when root: it refuses root) and Redis on free ports in the temp folder.
  pg_port="$(free_port)" redis_port="$(free_port)"
  mkdir -p "$work/pg"; as=(); if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; chmod 755 "$work"; as=(runuser -u postgres --); fi
  "${as[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust --no-sync >/dev/null
  "${as[@]}" "$pg_bin/postgres" -D "$work/pg/data" -p "$pg_port" -k "$work/pg" -c listen_addresses=127.0.0.1 -c max_connections=400 > "$work/pg.log" 2>&1 &
  pids+=($!)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
  shared_db=(--database "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=50" --redis "127.0.0.1:$redis_port")
fi

start() { # name, extra env... (a name starting with pg- runs on the shared PostgreSQL + Redis)
  local name="$1"; shift
  local data="$work/$name" port db=(); port="$(free_port)"
  [[ "$name" == pg-* ]] && db=("${shared_db[@]}")
  # The pg- variants share one database: the second and third find the model and the user there already.
  dotnet "$dll" model add "$shared/models/stories260K.gguf" --id karpathy/stories260K --link --data "$data" "${db[@]}" >/dev/null 2>&1 || true
  dotnet "$dll" user add bench --data "$data" "${db[@]}" >/dev/null 2>&1 || true
  dotnet "$dll" quota set --daily 2000000000 --user bench --data "$data" "${db[@]}" 2>/dev/null
  if [[ "$name" == *-limits ]]; then
    # Every pool and window at once (issue 21): limits far above what the run reaches, so every call is admitted
    # after every counter was checked and counted.
    local big=2000000000 cli=(--data "$data" "${db[@]}")
    dotnet "$dll" org add benchorg "${cli[@]}" >/dev/null 2>&1 || true
    dotnet "$dll" org member add benchorg bench --role member "${cli[@]}" >/dev/null 2>&1 || true
    local text; text="$(dotnet "$dll" token create --user bench --org benchorg "${cli[@]}" 2>/dev/null)"
    echo "Bearer $text" > "$work/$name.auth"
    dotnet "$dll" quota set --token "${text:0:11}" --daily "$big" --rpm "$big" --tpm "$big" "${cli[@]}" >/dev/null
    dotnet "$dll" quota set --org benchorg --daily "$big" --rpm "$big" --tpm "$big" "${cli[@]}" >/dev/null
    dotnet "$dll" quota set --org benchorg --user bench --daily "$big" --rpm "$big" --tpm "$big" "${cli[@]}" >/dev/null
    dotnet "$dll" quota set --user bench --daily "$big" --rpm "$big" --tpm "$big" "${cli[@]}" >/dev/null
    dotnet "$dll" quota set --model karpathy/stories260K --rpm "$big" --tpm "$big" "${cli[@]}" >/dev/null
    dotnet "$dll" model set karpathy/stories260K --weight 2 "${cli[@]}" >/dev/null
  else
    echo "Bearer $(dotnet "$dll" token create --user bench --data "$data" "${db[@]}" 2>/dev/null)" > "$work/$name.auth"
  fi
  env OPENMAAS_Inference__QueueLimit=4096 OPENMAAS_Logging__LogLevel__Default=Warning "$@" \
    dotnet "$dll" serve --urls "http://127.0.0.1:$port" --data "$data" "${db[@]}" > "$work/$name.log" 2>&1 &
  pids+=($!)
  echo "$port" > "$work/$name.port"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.2; done
  echo "server $name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}

wrk1() { # name, duration, connections → RESULT line
  AUTH="$(cat "$work/$1.auth")" MODEL=karpathy/stories260K \
    wrk -t1 -c"$3" -d"$2" --latency -s "$here/chat1.lua" "http://127.0.0.1:$(cat "$work/$1.port")/v1/chat/completions" | grep RESULT
}

load() { # name, duration, connections → RESULT line (pg-redis-2n: both nodes at once, half the connections each)
  if [ "$1" != pg-redis-2n ]; then wrk1 "$@"; return; fi
  local half=$(( $3 / 2 > 0 ? $3 / 2 : 1 ))
  wrk1 pg-redis-2n "$2" "$half" > "$work/2n.a" & local a=$!
  wrk1 pg-redis-2n-b "$2" "$half" > "$work/2n.b"; wait "$a"
  python3 - "$work/2n.a" "$work/2n.b" <<'PY'
import re, sys
r = [dict(re.findall(r"(\w+)=([0-9.]+)", open(f).read())) for f in sys.argv[1:]]
print("RESULT rps=%.1f p50=%.3f p99=%.3f requests=%d errors=%d" % (sum(float(x["rps"]) for x in r), max(float(x["p50"]) for x in r),
      max(float(x["p99"]) for x in r), sum(int(x["requests"]) for x in r), sum(int(x["errors"]) for x in r)))
PY
}

start quota
start quota-nofsync OPENMAAS_Quota__UsageLogFsync=false
start off OPENMAAS_Auth__Enabled=false OPENMAAS_Quota__Enabled=false
variants=(quota quota-nofsync off)
if [ "$limits" = 1 ]; then start quota-limits; variants+=(quota-limits); fi
if [ "$cluster" = 1 ]; then
  start pg-redis
  start pg-redis-2n
  start pg-redis-2n-b
  variants+=(pg-redis pg-redis-2n)
  # Its own database: the weight and the model's limits of pg-redis-limits must not reach pg-redis.
  if [ "$limits" = 1 ]; then
    shared_db_plain=("${shared_db[@]}")
    "${as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres limits
    shared_db=(--database "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=limits;Maximum Pool Size=50" --redis "127.0.0.1:$redis_port")
    start pg-redis-limits OPENMAAS_Redis__KeyPrefix=openmaas-limits:
    shared_db=("${shared_db_plain[@]}")
    variants+=(pg-redis-limits)
  fi
fi
for v in "${variants[@]}"; do load "$v" 15s 32 >/dev/null; done # warm-up: model load, tiered JIT

for conns in $connections; do
echo "variant rps p50_ms p99_ms requests errors" > "$work/results"
for r in $(seq "$rounds"); do
  for v in "${variants[@]}"; do
    line="$(load "$v" "$duration" "$conns")"
    echo "c=$conns round $r $v $line" >&2
    echo "$v $(sed -E 's/.*rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) requests=([0-9]+) errors=([0-9]+).*/\1 \2 \3 \4 \5/' <<<"$line")" >> "$work/results"
  done
done

# Medians per variant, then the cost of the quota path relative to "off".
python3 - "$work/results" "$rounds" "$duration" "$conns" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
med = {}
for v in dict.fromkeys(r[0] for r in rows):
    rs = [r for r in rows if r[0] == v]
    med[v] = [statistics.median(float(r[i]) for r in rs) for i in (1, 2, 3)] + [sum(int(r[5]) for r in rs)]
off = med["off"]
print(f"Quota path cost, stories260K max_tokens=1, wrk -c{sys.argv[4]} {sys.argv[3]} x {sys.argv[2]} rounds (medians)")
print("| variant | req/s | p50 ms | p99 ms | errors | throughput cost | p99 added |")
print("|---|---:|---:|---:|---:|---:|---:|")
for v, (rps, p50, p99, err) in med.items():
    cost = "-" if v == "off" else f"{(1 - rps / off[0]) * 100:.1f}%"
    added = "-" if v == "off" else f"{p99 - off[2]:+.2f} ms"
    print(f"| {v} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {err} | {cost} | {added} |")
print()
PY
done

#!/usr/bin/env bash
# Profiles OpenMaaS's request path under load (issue 20): the stub upstream, OpenMaaS with a user, token, quota and
# `bench/stub` registered (the product's path: bearer token, quota admission, pass-through, durable usage record), wrk
# at CONNECTIONS (32) on JSON or SSE (STREAM=0/1), dotnet-trace's CPU sampling for TRACE seconds (then topN exclusive
# and inclusive), and dotnet-counters for the allocation rate (bytes per call = allocated bytes / calls).
#   OUT=/tmp/prof-before bench/gateway/profile.sh       # needs dotnet-trace / dotnet-counters 10.0.750501 on PATH
# Extra knobs: WARMUP=15 (s), TRACE=15 (s), CONNECTIONS=32, STREAM=0, NOTRACE=1 (no dotnet-trace), NOPERF=1,
# NOCOUNTERS=1 (wrk only), OPENMAAS_DLL (another build), ALLOCTOP (see bench/README.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"; cd "$root"
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
out="${OUT:?OUT=folder for the results}"; mkdir -p "$out"
warmup="${WARMUP:-15}" trace="${TRACE:-15}" conns="${CONNECTIONS:-32}" stream="${STREAM:-0}"
export PATH="$PATH:$HOME/.dotnet/tools"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/openmaas-prof.XXXXXX")"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 300); do curl -fsS -o /dev/null ${2:+-H "authorization: $2"} "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "$1 did not come up" >&2; exit 1; }
[ -n "${NOBUILD:-}" ] || dotnet build src/OpenMaas.Server/OpenMaas.Server.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dll="${OPENMAAS_DLL:-src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll}"
cp "$shared/peers/stub-upstream.mjs" "$shared/peers/chat.lua" "$tmp/"
sp="$(free_port)"; op="$(free_port)"; stub="http://127.0.0.1:$sp/v1"; om="http://127.0.0.1:$op"
(cd "$tmp" && exec node stub-upstream.mjs "$sp" 127.0.0.1 >"$tmp/stub.log" 2>&1) & pids+=($!)
data="$tmp/data"; cli() { dotnet "$dll" "$@" --data "$data"; }
cli user add bench >/dev/null 2>&1
token="$(cli token create --user bench --description prof 2>/dev/null)"
cli quota set --daily 100000000 --user bench >/dev/null 2>&1
cli model add-upstream bench/stub --url "$stub" --upstream-model stub-model >/dev/null
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 OPENMAAS_Logging__LogLevel__Default=Warning dotnet "$dll" serve --urls "$om" --data "$data" >"$tmp/om.log" 2>&1 & pids+=($!)
pid=$!
wait_http "$stub/models"; wait_http "$om/v1/models" "Bearer $token"
w() { (cd "$tmp" && AUTH="Bearer $token" MODEL=bench/stub STREAM="$stream" wrk -t1 -c"$1" -d"$2s" --latency -s chat.lua "$om/v1/chat/completions" 2>&1); }
w 8 "$warmup" >/dev/null
w 1 5 >/dev/null
# Counters run (allocation rate, GC, thread pool) and a plain throughput figure, no tracer attached.
if [ -z "${NOCOUNTERS:-}" ]; then
  dotnet-counters collect -p "$pid" --format csv -o "$out/counters.csv" --refresh-interval 1 --duration 00:00:00:12 \
    --counters System.Runtime >/dev/null 2>&1 & cpid=$!
fi
w "$conns" 10 >"$out/wrk-counters.txt"; [ -z "${cpid:-}" ] || wait "$cpid" || true
w 1 8 >"$out/wrk-1conn.txt"
if [ -z "${NOTRACE:-}" ]; then
  (w "$conns" $((trace + 4)) >"$out/wrk-trace.txt") & wp=$!
  sleep 2
  dotnet-trace collect -p "$pid" --profile dotnet-common,dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$trace")" -o "$out/cpu.nettrace" >"$out/trace.log" 2>&1 || true
  wait "$wp"
  dotnet-trace report "$out/cpu.nettrace" topN -n 40 >"$out/top-exclusive.txt" 2>&1 || true
  dotnet-trace report "$out/cpu.nettrace" topN -n 40 --inclusive >"$out/top-inclusive.txt" 2>&1 || true
fi
if [ -n "${ALLOCTOP:-}" ]; then
  # Allocations by type: dotnet-trace's gc-verbose profile (an AllocationTick event per ~100 KB allocated), summed by
  # type by ALLOCTOP (a TraceEvent reader: dotnet run --project ALLOCTOP TRACE CALLS) and divided by the calls served.
  (w "$conns" 14 >"$out/wrk-alloc.txt") & wp=$!
  sleep 2
  dotnet-trace collect -p "$pid" --profile gc-verbose --duration 00:00:00:10 -o "$out/alloc.nettrace" >"$out/alloc.log" 2>&1 || true
  wait "$wp"
  rps="$(grep -oE 'rps=[0-9.]+' "$out/wrk-alloc.txt" | cut -d= -f2)"
  dotnet "$ALLOCTOP" "$out/alloc.nettrace" "$(awk -v r="$rps" 'BEGIN{print r*10}')" 30 >"$out/alloc-top.md" 2>&1 || true
fi
if [ -z "${NOPERF:-}" ] && command -v perf >/dev/null; then
  # CPU samples of the whole machine's view of this process (perf, with the runtime's perf map for JIT'd frames): what
  # the process spends its CPU on, where dotnet-trace's thread-time samples also count waiting threads.
  (w "$conns" $((trace + 4)) >"$out/wrk-perf.txt") & wp=$!
  sleep 2
  perf record -F 499 -g -p "$pid" -o "$out/perf.data" -- sleep "$trace" >/dev/null 2>&1 || true
  wait "$wp"
  perf report -i "$out/perf.data" --no-children --sort sym --stdio -g none --percent-limit 0.4 2>/dev/null | grep -v '^#' | grep -v '^$' >"$out/perf-exclusive.txt" || true
  perf report -i "$out/perf.data" --children --sort sym --stdio -g none --percent-limit 2 2>/dev/null | grep -v '^#' | grep -v '^$' >"$out/perf-inclusive.txt" || true
  perf report -i "$out/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15 >"$out/perf-dso.txt" || true
fi
grep -E "rps=|Latency|50%|99%" "$out"/wrk-*.txt >&2 || true

#!/usr/bin/env bash
# Gateway overhead benchmark, in one run:
#   1. the stub upstream (../shared/peers/stub-upstream.mjs) direct, through YARP 2.3.0 (bench/OpenMaas.Bench.Yarp: a
#      minimal forwarder with no auth, the ceiling a .NET proxy reaches here), through OpenMaaS (bearer token, quota
#      admission and the usage record on every call) and through the Portkey AI Gateway 1.15.2 — JSON and SSE chat, wrk
#      at 32 connections (RPS, p50/p99) and at 1 connection (p50/p99: the latency a gateway adds);
#   2. llama.cpp's llama-server (stories260K, 8 slots) direct and through OpenMaaS: streamed tok/s and TTFT at 1 and 8
#      streams (skipped when the llama-server binary is missing);
#   3. a SCRIPTED engine (bench/gateway/scripted-engine.mjs, a fake named so) streaming `reasoning_content` then
#      `tool_calls` deltas, direct and through OpenMaaS's pass-through: deltas/s and TTFT at 1 and 8 streams, paced
#      (a delta per ms) and burst, direct and OpenMaaS alternating in each round; the streams must match byte for byte.
#      The same engine's plain-text stream is measured alongside as the control.
#
#   bench/gateway/run.sh          # DURATION=15 (s per 32-connection run), DURATION1=10 (1 connection), REPS=5 (llama)
#   PARTS=2 bench/gateway/run.sh  # only the llama-server part (PARTS="1 2 3" by default)
#   PARTS=3 ROUNDS=5 bench/gateway/run.sh  # only the tool-call / reasoning pass-through part
#   # smoke check (~30 s, numbers meaningless): both parts, 1-second runs, no warm-up, one llama round
#   DURATION=1 DURATION1=1 WARMUP=0 ROUNDS=1 REPS=1 TOKENS=50 bench/gateway/run.sh
#
# Extra knobs: WARMUP=10 (s of OpenMaaS warm-up per mode; 0 skips every warm-up), ROUNDS=3 (llama rounds), TOKENS=200
# (tokens per llama stream).
#
# Needs: the .NET 10 SDK, Node.js 20+, npm (first run: installs Portkey into bench/gateway/peer/node_modules), wrk,
# the assets in ${OPENMAAS_SHARED:-../shared}, and LLAMA_SERVER (default /tmp/llama-server/src/build/bin/llama-server)
# for part 2. Everything listens on 127.0.0.1 only, runs one target at a time, and is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
duration="${DURATION:-15}" duration1="${DURATION1:-10}" reps="${REPS:-5}"
warmup="${WARMUP:-10}" rounds="${ROUNDS:-3}" tokens="${TOKENS:-200}" parts="${PARTS:-1 2 3}"
part() { [[ " $parts " == *" $1 "* ]]; }
llama_bin="${LLAMA_SERVER:-/tmp/llama-server/src/build/bin/llama-server}"
command -v wrk >/dev/null || { echo "run.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/openmaas-gwbench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { echo "== $*" >&2; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # url [auth]
  for _ in $(seq 300); do curl -fsS -o /dev/null ${2:+-H "authorization: $2"} "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "run.sh: $1 did not come up" >&2; exit 1
}

step "build (Release)"
dotnet build src/OpenMaas.Server/OpenMaas.Server.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
server_dll="src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll"
dotnet build bench/OpenMaas.Bench.Yarp/OpenMaas.Bench.Yarp.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
yarp_dll="bench/OpenMaas.Bench.Yarp/bin/Release/net10.0/linux-x64/OpenMaas.Bench.Yarp.dll"
if [ ! -d "$here/peer/node_modules/@portkey-ai/gateway" ] || [ "$here/peer/package-lock.json" -nt "$here/peer/node_modules/.package-lock.json" ]; then
  step "npm ci @portkey-ai/gateway@1.15.2 (@hono/node-server pinned to 1.13.5)"
  (cd "$here/peer" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
# The peer scripts are not ours: copied at run time next to a link to the peer's node_modules.
mkdir -p "$tmp/peers"
cp "$shared/peers/stub-upstream.mjs" "$shared/peers/bind-localhost.mjs" "$shared/peers/chat.lua" "$tmp/peers/"
ln -s "$here/peer/node_modules" "$tmp/peers/node_modules"

# --- servers ---------------------------------------------------------------------------------------------------------
stub_port="$(free_port)"; portkey_port="$(free_port)"; om_port="$(free_port)"; yarp_port="$(free_port)"
stub="http://127.0.0.1:$stub_port/v1" portkey="http://127.0.0.1:$portkey_port/v1" om="http://127.0.0.1:$om_port"
yarp="http://127.0.0.1:$yarp_port/v1"
(cd "$tmp/peers" && exec node stub-upstream.mjs "$stub_port" 127.0.0.1 >"$tmp/stub.log" 2>&1) & pids+=($!)
(exec dotnet "$yarp_dll" "$yarp_port" "http://127.0.0.1:$stub_port" >"$tmp/yarp.log" 2>&1) & pids+=($!)
(cd "$tmp/peers" && exec node --import ./bind-localhost.mjs node_modules/@portkey-ai/gateway/build/start-server.js --port="$portkey_port" --headless >"$tmp/portkey.log" 2>&1) & pids+=($!)
data="$tmp/data"
om_cli() { dotnet "$server_dll" "$@" --data "$data"; }
om_cli user add bench >/dev/null 2>&1
token="$(om_cli token create --user bench --description gateway-bench 2>/dev/null)"
om_cli quota set --daily 100000000 --user bench >/dev/null 2>&1
om_cli model add-upstream bench/stub --url "$stub" --upstream-model stub-model >/dev/null
OPENMAAS_Logging__LogLevel__Default=Warning dotnet "$server_dll" serve --urls "$om" --data "$data" >"$tmp/openmaas.log" 2>&1 & pids+=($!)
om_pid=$!
wait_http "$stub/models"
wait_http "$yarp/models"
wait_http "$om/v1/models" "Bearer $token"
sleep 1 # Portkey has no cheap health route that works without a provider; give it a moment.

# --- part 1: wrk against the stub, direct / OpenMaaS / Portkey --------------------------------------------------------
# run NAME CONNECTIONS SECONDS STREAM: one wrk run; appends "name conns stream rps p50 p99 errors" to results.
# p50/p99 come from wrk's own --latency distribution (microsecond resolution: the added latency at 1 connection is a
# fraction of a millisecond), converted to ms.
results="$tmp/results.txt"
: >"$results"
wrk_ms() { # PERCENT: the "  50%  112.00us" line of wrk --latency, in ms
  awk -v q="$1%" '$1 == q { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
    printf "%.4f", v * (u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1); exit }'
}
run() {
  local name="$1" conns="$2" secs="$3" stream="$4" url env=()
  case "$name" in
    direct) url="$stub/chat/completions" ;;
    openmaas) url="$om/v1/chat/completions"; env=(AUTH="Bearer $token" MODEL=bench/stub) ;;
    portkey) url="$portkey/chat/completions"; env=(PORTKEY_HOST="$stub") ;;
    yarp) url="$yarp/chat/completions" ;;
  esac
  local out
  out="$(cd "$tmp/peers" && env "${env[@]}" STREAM="$stream" wrk -t1 -c"$conns" -d"${secs}s" --latency -s chat.lua "$url" 2>&1)"
  local rps p50 p99 errs non2xx
  rps="$(grep -oE 'rps=[0-9.]+' <<<"$out" | cut -d= -f2)"
  p50="$(wrk_ms 50 <<<"$out")"
  p99="$(wrk_ms 99 <<<"$out")"
  errs="$(grep -oE 'errors\(status\+socket\)=[0-9]+' <<<"$out" | cut -d= -f2)"
  non2xx="$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' <<<"$out" | grep -oE '[0-9]+$' || echo 0)"
  echo "$name $conns $stream $rps $p50 $p99 $errs $non2xx" | tee -a "$results" >&2
}
if part 1; then
  if [ "$warmup" -gt 0 ]; then
    step "warm-up (OpenMaaS and YARP: 2 x ${warmup} s each so the tiered JIT settles; Portkey: 6 s)"
    for s in 0 1; do
      run openmaas 8 "$warmup" "$s" >/dev/null 2>&1; run yarp 8 "$warmup" "$s" >/dev/null 2>&1
      run portkey 8 3 "$s" >/dev/null 2>&1; run direct 8 2 "$s" >/dev/null 2>&1
    done
    : >"$results"
  fi
  step "measure: target connections stream rps p50_ms p99_ms errors non2xx"
  for s in 0 1; do
    for t in direct yarp openmaas portkey; do run "$t" 32 "$duration" "$s"; done
    for t in direct yarp openmaas portkey; do run "$t" 1 "$duration1" "$s"; done
  done
fi

# --- part 2: llama-server direct and through OpenMaaS -----------------------------------------------------------------
llama_json="$tmp/llama.jsonl"
: >"$llama_json"
if ! part 2; then
  :
elif [ -x "$llama_bin" ]; then
  llama_port="$(free_port)"
  "$llama_bin" -m "$shared/models/stories260K.gguf" -t 1 -tb 1 -c 16384 -np 8 -fa off --host 127.0.0.1 --port "$llama_port" --no-webui \
    >"$tmp/llama.log" 2>&1 & pids+=($!)
  wait_http "http://127.0.0.1:$llama_port/health"
  om_cli model add-upstream bench/llama --url "http://127.0.0.1:$llama_port/v1" --upstream-model stories260K >/dev/null
  client() { timeout 300 node "$root/bench/llm/sse-client.mjs" --model "$1" --url "$2" ${3:+--token "$3"} --tokens "$tokens" "${@:4}"; }
  # llama-server closes a streamed response's connection, so a reused socket fails ("socket hang up", ECONNRESET):
  # the direct client opens one per stream, as bench/llm does (OpenMaaS's own pool to llama-server handles the close).
  direct() { client x "http://127.0.0.1:$llama_port" "" --keep-alive false "$@"; }
  if [ "$warmup" -gt 0 ]; then
    step "llama-server warm-up"
    direct --clients 8 --reps 3 >/dev/null || true
    client bench/llama "$om" "$token" --clients 8 --reps 3 >/dev/null || true
  fi
  for round in $(seq "$rounds"); do
    for streams in 1 8; do
      step "llama round $round: $streams stream(s), direct then through OpenMaaS"
      # A run that loses connections (llama-server did, at 8 streams, in PEERS.md too) is reported and left out.
      if r="$(direct --clients "$streams" --reps "$reps")"; then
        echo "{\"target\":\"direct\",\"streams\":$streams,\"r\":$r}" >>"$llama_json"
      else step "direct run failed (left out)"; fi
      if r="$(client bench/llama "$om" "$token" --clients "$streams" --reps "$reps")"; then
        echo "{\"target\":\"openmaas\",\"streams\":$streams,\"r\":$r}" >>"$llama_json"
      else step "through-OpenMaaS run failed (left out)"; fi
    done
  done
else
  step "llama-server not found at $llama_bin: part 2 skipped"
fi

# --- part 3: a scripted engine's reasoning and tool-call deltas, direct and through OpenMaaS's pass-through ----------
tools_json="$tmp/tools.jsonl"
: >"$tools_json"
if part 3; then
  se_port="$(free_port)"
  (exec node "$here/scripted-engine.mjs" "$se_port" 127.0.0.1 >"$tmp/scripted.log" 2>&1) & pids+=($!)
  wait_http "http://127.0.0.1:$se_port/v1/models"
  for pace in paced burst; do
    om_cli model add-upstream "bench/tools-$pace" --url "http://127.0.0.1:$se_port/v1" --upstream-model "$pace" >/dev/null
    om_cli model add-upstream "bench/text-$pace" --url "http://127.0.0.1:$se_port/v1" --upstream-model "$pace-text" >/dev/null
  done
  sclient() { timeout 300 node "$root/bench/llm/sse-client.mjs" --endpoint chat --deltas all --tools --tokens "$tokens" "$@"; }
  one() { # target pace streams round kind
    local r upstream="$2" ours="bench/tools-$2"
    if [ "$5" = text ]; then upstream="$2-text" ours="bench/text-$2"; fi
    if [ "$1" = direct ]; then r="$(sclient --model "$upstream" --url "http://127.0.0.1:$se_port" --clients "$3" --reps "$reps")"
    else r="$(sclient --model "$ours" --url "$om" --token "$token" --clients "$3" --reps "$reps")"; fi
    echo "{\"target\":\"$1\",\"kind\":\"$5\",\"pace\":\"$2\",\"streams\":$3,\"round\":$4,\"r\":$r}" >>"$tools_json"
  }
  if [ "$warmup" -gt 0 ]; then
    step "scripted engine warm-up (OpenMaaS's JIT on the pass-through path)"
    for _ in 1 2 3; do for pace in burst paced; do sclient --model "bench/tools-$pace" --url "$om" --token "$token" --clients 8 --reps 5 >/dev/null; done; done
    sclient --model burst --url "http://127.0.0.1:$se_port" --clients 8 --reps 3 >/dev/null
  fi
  for round in $(seq "$rounds"); do
    for pace in paced burst; do
      for streams in 1 8; do
        for kind in tools text; do
          step "tools round $round: $kind, $pace, $streams stream(s), direct and through OpenMaaS (order alternates by round)"
          if [ $((round % 2)) = 1 ]; then one direct "$pace" "$streams" "$round" "$kind"; one openmaas "$pace" "$streams" "$round" "$kind"
          else one openmaas "$pace" "$streams" "$round" "$kind"; one direct "$pace" "$streams" "$round" "$kind"; fi
        done
      done
    done
  done
fi

TOKENS="$tokens" node "$here/summarize.mjs" "$results" "$llama_json" "$tools_json"

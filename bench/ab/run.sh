#!/usr/bin/env bash
# Before/after in one run, for a busy machine: two builds of OpenMaaS (A = a git revision, B = this working tree) serve
# stories260K side by side (each its own data folder, same settings as bench/llm), and one SSE client measures them in
# strict alternation — A, B, A, B, … — 1 stream and 8 concurrent streams per turn, so that drift in the machine's speed
# (other builds, other tests) hits both alike. Reports each side's medians and the B/A ratios with their spread.
#
#   bench/ab/run.sh                      # A = $BEFORE (default HEAD~1)
#   BEFORE=5492052 ROUNDS=10 bench/ab/run.sh
#
# Then the pass-through path (PASS_ROUNDS, default 4; 0 skips it): both serve an upstream model on the stub engine
# (../shared/peers/stub-upstream.mjs) and wrk drives them in alternation, JSON and SSE chat, 32 connections for
# PASS_SECONDS (default 5) each, then 1 connection (the latency each adds).
#
# Needs: the .NET 10 SDK, Node.js 20+, wrk (pass-through part), git, the test assets in ${OPENMAAS_SHARED:-../shared}. Listens on 127.0.0.1 only;
# stops both servers and removes its temp folder (and the worktree of A) on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
model_file="$shared/models/stories260K.gguf"
before="${BEFORE:-HEAD~1}" rounds="${ROUNDS:-8}" reps="${REPS:-2}" tokens=200 parallel=8 model_id=karpathy/stories260K
tmp="$(mktemp -d "${TMPDIR:-/tmp}/openmaas-ab.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  git -C "$root" worktree remove --force "$tmp/a" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
step() { echo "== $*" >&2; }

step "build A ($before) and B (working tree), Release"
git worktree add --detach "$tmp/a" "$before" >/dev/null 2>&1
dotnet build "$tmp/a/src/OpenMaas.Server/OpenMaas.Server.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dotnet build src/OpenMaas.Server/OpenMaas.Server.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2

pass_rounds="${PASS_ROUNDS:-4}" pass_seconds="${PASS_SECONDS:-5}"
stub_port=$((30000 + RANDOM % 10000))
if [ "$pass_rounds" -gt 0 ]; then
  command -v wrk >/dev/null || { echo "ab: wrk not found (apt-get install -y wrk), or PASS_ROUNDS=0" >&2; exit 1; }
  mkdir -p "$tmp/peers"
  cp "$shared/peers/stub-upstream.mjs" "$shared/peers/bind-localhost.mjs" "$shared/peers/chat.lua" "$tmp/peers/" 2>/dev/null || \
    cp "$shared/peers/stub-upstream.mjs" "$shared/peers/chat.lua" "$tmp/peers/"
  (cd "$tmp/peers" && exec node stub-upstream.mjs "$stub_port" 127.0.0.1 >"$tmp/stub.log" 2>&1) & pids+=($!)
fi

start() { # name dll port
  local name="$1" dll="$2" port="$3" data="$tmp/data-$1"
  dotnet "$dll" model add "$model_file" --id "$model_id" --link --data "$data" >/dev/null
  [ "$pass_rounds" -gt 0 ] && dotnet "$dll" model add-upstream bench/stub --url "http://127.0.0.1:$stub_port/v1" --upstream-model stub-model --data "$data" >/dev/null
  dotnet "$dll" user add bench --data "$data" >/dev/null 2>&1
  dotnet "$dll" token create --user bench --description ab --data "$data" 2>/dev/null >"$tmp/token-$name"
  dotnet "$dll" quota set --daily 100000000 --user bench --data "$data" >/dev/null 2>&1
  OPENMAAS_Inference__Threads=1 OPENMAAS_Inference__ParallelSequences="$parallel" OPENMAAS_Inference__ContextSize=256 \
    OPENMAAS_Logging__LogLevel__Default=Warning dotnet "$dll" serve --urls "http://127.0.0.1:$port" --data "$data" >"$tmp/server-$name.log" 2>&1 &
  pids+=($!)
  for i in $(seq 300); do
    curl -fsS -H "authorization: Bearer $(cat "$tmp/token-$name")" "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1 && return
    sleep 0.2
  done
  cat "$tmp/server-$name.log" >&2; echo "ab: server $name not up" >&2; exit 1
}
port_a=$((20000 + RANDOM % 10000)) port_b=$((port_a + 1))
start a "$tmp/a/src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll" "$port_a"
start b "src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll" "$port_b"
client() { # name port args…
  local name="$1" port="$2"; shift 2
  timeout 300 node "$root/bench/llm/sse-client.mjs" --url "http://127.0.0.1:$port" --token "$(cat "$tmp/token-$name")" \
    --model "$model_id" --prompt "Once upon a time" --tokens "$tokens" "$@"
}
step "warm-up (JIT): 600 short streams each, then full ones"
for side in a b; do
  port=$([ $side = a ] && echo $port_a || echo $port_b)
  client $side "$port" --clients 4 --reps 150 --tokens 8 >/dev/null
  client $side "$port" --clients "$parallel" --reps 2 >/dev/null
done
for round in $(seq "$rounds"); do
  step "round $round/$rounds"
  for side in a b; do
    port=$([ $side = a ] && echo $port_a || echo $port_b)
    client $side "$port" --clients 1 --reps "$reps" >>"$tmp/$side-1.jsonl"
    client $side "$port" --clients "$parallel" --reps "$reps" >>"$tmp/$side-8.jsonl"
  done
done
wrk_run() { # name port conns stream → "rps p50_ms"
  local out
  out="$(cd "$tmp/peers" && AUTH="Bearer $(cat "$tmp/token-$1")" MODEL=bench/stub STREAM="$4" \
    wrk -t1 -c"$3" -d"${pass_seconds}s" --latency -s chat.lua "http://127.0.0.1:$2/v1/chat/completions" 2>&1)"
  echo "$(grep -oE 'rps=[0-9.]+' <<<"$out" | cut -d= -f2) $(awk '$1 == "50%" { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
    printf "%.4f", v * (u == "us" ? 0.001 : u == "s" ? 1000 : 1); exit }' <<<"$out")"
}
if [ "$pass_rounds" -gt 0 ]; then
  step "pass-through warm-up (JIT)"
  for side in a b; do
    port=$([ $side = a ] && echo $port_a || echo $port_b)
    for s in 0 1; do wrk_run $side "$port" 8 $s >/dev/null; wrk_run $side "$port" 8 $s >/dev/null; done
  done
  for round in $(seq "$pass_rounds"); do
    step "pass-through round $round/$pass_rounds"
    for s in 0 1; do
      for side in a b; do
        port=$([ $side = a ] && echo $port_a || echo $port_b)
        echo "$s $(wrk_run $side "$port" 32 $s) $(wrk_run $side "$port" 1 $s)" >>"$tmp/$side-pass.txt"
      done
    done
  done
fi
node "$here/summarize.mjs" "$tmp" "$before"

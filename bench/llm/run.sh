#!/usr/bin/env bash
# LLM serving benchmark, stories260K: OpenMaaS over HTTP/SSE (1 and 8 concurrent streams) vs node-llama-cpp 3.21.1 vs
# the raw in-process LLamaSharp decode loop, all greedy, 200 tokens, prompt "Once upon a time", 1 llama.cpp thread.
#
#   bench/llm/run.sh        # prints a JSON summary and a markdown table; ROUNDS=5 rounds of REPS=3 runs of each part
#   ROUNDS=1 REPS=1 WARMUP=short bench/llm/run.sh    # a smoke run of every part (minutes; numbers not meaningful)
#   PARTS=grammar bench/llm/run.sh   # structured output instead: /v1/chat/completions free vs under a json_schema, 1
#                                    # stream, OpenMaaS and llama-server in the same rounds (summarize-grammar.mjs)
#
# llama.cpp's own llama-server (the strongest CPU peer, ../shared/peers/PEERS.md section 5) takes part when its binary
# is found: LLAMA_SERVER=/path/to/llama-server, else /tmp/llama-server/src/build/bin/llama-server. Same settings as
# ours: 1 thread, 8 slots, the same context per slot, flash attention off; driven by the same SSE client, 1 and 8
# streams, in the same rounds (interleaved with ours). LLAMA_SERVER=none leaves it out.
#
# Needs: the .NET 10 SDK, Node.js 20+, npm (first run only: installs node-llama-cpp into bench/llm/peer/node_modules),
# and the test assets in ${OPENMAAS_SHARED:-../shared} (models/stories260K.gguf, peers/llamacpp-bench.mjs).
# The parts run one after another (never two at once), so each gets the machine's 2 cores to itself; the server idles
# while the peer and the raw loop run.
# Everything it starts is stopped on exit; it writes only to a temp folder (and the build outputs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
model_file="$shared/models/stories260K.gguf"
peer_src="$shared/peers/llamacpp-bench.mjs"
rounds="${ROUNDS:-5}" reps="${REPS:-3}" quiet_wait_s="${QUIET_WAIT_S:-120}" tokens=200 threads=1 parallel=8 ctx=256 model_id=karpathy/stories260K
warmup="${WARMUP:-full}" parts="${PARTS:-serving}"
# The schema of the grammar part: one string of at least 800 characters — longer than 200 tokens of this model can
# write, so both servers decode exactly 200 tokens under it without ignore_eos (which llama-server cannot combine with
# a grammar), the same length as the free runs (the summary prints each side's completion_tokens). Both get the same
# raw prompt: OpenMaaS's chat has no template for stories260K (5 prompt tokens), llama-server takes it on /v1/completions
# with its own json_schema field (5 prompt tokens; its chat endpoint would wrap it in a default template).
schema='{"type":"string","minLength":800}'
llama_bin="${LLAMA_SERVER:-/tmp/llama-server/src/build/bin/llama-server}"
[ "$llama_bin" = none ] || [ -x "$llama_bin" ] || { echo "run.sh: no llama-server at $llama_bin (set LLAMA_SERVER); that peer is skipped" >&2; llama_bin=none; }
prompt='Once upon a time'
for f in "$model_file" "$peer_src"; do [ -f "$f" ] || { echo "run.sh: missing $f (set OPENMAAS_SHARED)" >&2; exit 1; }; done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/openmaas-bench.XXXXXX")"
server_pid="" llama_pid=""
stop_pid() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop_pid "$server_pid"
  stop_pid "$llama_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { echo "== $*" >&2; }

# --- build (Release) -------------------------------------------------------------------------------------------------
step "build (Release)"
raw_proj="bench/OpenMaas.Bench.RawLoop/OpenMaas.Bench.RawLoop.csproj"
dotnet build src/OpenMaas.Server/OpenMaas.Server.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
[ -f "$raw_proj" ] && dotnet build "$raw_proj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
server_dll="src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll"

# --- peer: node-llama-cpp, slim install, pinned by bench/llm/peer/package-lock.json ----------------------------------
if [ ! -d "$here/peer/node_modules/node-llama-cpp" ] || [ "$here/peer/package-lock.json" -nt "$here/peer/node_modules/.package-lock.json" ]; then
  step "npm ci node-llama-cpp@3.21.1 (slim)"
  (cd "$here/peer" && npm ci --omit=optional --no-audit --no-fund --loglevel=error >&2)
fi
# The peer script is not ours: copied at run time next to a link to the peer's node_modules.
mkdir -p "$tmp/peer"
cp "$peer_src" "$tmp/peer/llamacpp-bench.mjs"
ln -s "$here/peer/node_modules" "$tmp/peer/node_modules"
raw_dll=""
if [ -f "$raw_proj" ]; then
  raw_dll="$(find bench/OpenMaas.Bench.RawLoop/bin/Release -name OpenMaas.Bench.RawLoop.dll -print -quit)"
else
  step "raw loop: $raw_proj not found (merge the engine branch); skipped"
fi

# --- OpenMaaS server -------------------------------------------------------------------------------------------------
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"
data="$tmp/data"
dotnet "$server_dll" model add "$model_file" --id "$model_id" --link --data "$data" >/dev/null
# The measured path is the product's: bearer token, quota admission and the durable usage record on every call.
dotnet "$server_dll" user add bench --data "$data" >/dev/null 2>&1
token="$(dotnet "$server_dll" token create --user bench --description llm-bench --data "$data" 2>/dev/null)"
dotnet "$server_dll" quota set --daily 100000000 --user bench --data "$data" >/dev/null 2>&1
step "OpenMaaS serve on $url (Threads=$threads, ParallelSequences=$parallel, ContextSize=$ctx)"
# Settings as OPENMAAS_Section__Key variables (the documented alternative to --Section:Key=value after serve).
OPENMAAS_Inference__Threads="$threads" OPENMAAS_Inference__ParallelSequences="$parallel" OPENMAAS_Inference__ContextSize="$ctx" \
  OPENMAAS_Logging__LogLevel__Default=Warning dotnet "$server_dll" serve --urls "$url" --data "$data" >"$tmp/server.log" 2>&1 &
server_pid=$!
for i in $(seq 150); do
  curl -fsS -H "authorization: Bearer $token" "$url/v1/models" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "run.sh: server exited" >&2; exit 1; }
  [ "$i" = 150 ] && { echo "run.sh: server not up after 30 s" >&2; exit 1; }
  sleep 0.2
done
rss_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
rss_idle="$(rss_kib VmRSS)"

# This VM is shared (other builds and tests may run on it): before each round, wait (at most $quiet_wait_s s) until
# the cores are at least 85% idle over one second; the busy share seen is recorded and reported.
busy_pct() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
wait_quiet() {
  local busy waited=0
  while busy="$(busy_pct)"; [ "$busy" -gt 15 ] && [ "$waited" -lt "$quiet_wait_s" ]; do waited=$((waited + 1)); done
  echo "$busy" >>"$tmp/busy.txt"
  [ "$busy" -le 15 ] || step "machine still ${busy}% busy after ${quiet_wait_s} s: measuring anyway (reported)"
}

client() { timeout 300 node "$here/sse-client.mjs" --url "$url" --token "$token" --model "$model_id" --prompt "$prompt" --tokens "$tokens" "$@"; }
# .NET's tiered JIT (tier 0, then instrumented, then tier 1) keeps recompiling the request path for the first few
# thousand requests; until it settles, a request costs about 3 ms of server CPU instead of about 1 ms. So the warm-up
# sends ~3,000 short streams (8 tokens, 4 at a time) and then full-length ones, before anything is measured.
if [ "$parts" = grammar ]; then
  step "warm-up (grammar part): the chat path, free and under the schema"
  client --endpoint chat --clients 4 --reps "$([ "$warmup" = short ] && echo 5 || echo 500)" --tokens 8 >/dev/null
  client --endpoint chat --schema "$schema" --ignore-eos false --clients 4 --reps "$([ "$warmup" = short ] && echo 5 || echo 500)" --tokens 8 >/dev/null
  client --endpoint chat --schema "$schema" --ignore-eos false --clients 1 --reps 5 >/dev/null
elif [ "$warmup" = short ]; then
  step "warm-up (short: the JIT has not settled, numbers are a smoke check only)"
  client --clients 4 --reps 5 --tokens 8 >/dev/null
else
  step "warm-up: loads the model, then ~3,000 short streams and some full ones so that the tiered JIT settles"
  client --clients 4 --reps 750 --tokens 8 >/dev/null
  client --clients 1 --reps 20 >/dev/null
  client --clients "$parallel" --reps 5 >/dev/null
  # The chat and Responses paths have their own encoders: warm them too before they are compared.
  client --endpoint chat --clients 4 --reps 300 --tokens 8 >/dev/null
  client --endpoint responses --clients 4 --reps 300 --tokens 8 >/dev/null
fi
rss_loaded="$(rss_kib VmRSS)"

# --- peer: llama-server, same settings (1 thread, $parallel slots of $ctx tokens, flash attention off) -----------------
llama_url=""
if [ "$llama_bin" != none ]; then
  llama_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  llama_url="http://127.0.0.1:$llama_port"
  step "llama-server on $llama_url (-t $threads -tb $threads -np $parallel -c $((ctx * parallel)) -fa off)"
  "$llama_bin" -m "$model_file" -t "$threads" -tb "$threads" -np "$parallel" -c "$((ctx * parallel))" -fa off \
    --host 127.0.0.1 --port "$llama_port" --no-webui >"$tmp/llama-server.log" 2>&1 &
  llama_pid=$!
  for i in $(seq 150); do
    curl -fsS "$llama_url/health" >/dev/null 2>&1 && break
    kill -0 "$llama_pid" 2>/dev/null || { tail -20 "$tmp/llama-server.log" >&2; echo "run.sh: llama-server exited" >&2; exit 1; }
    [ "$i" = 150 ] && { echo "run.sh: llama-server not up after 30 s" >&2; exit 1; }
    sleep 0.2
  done
  llama_client() { timeout 300 node "$here/sse-client.mjs" --url "$llama_url" --model "$model_id" --prompt "$prompt" --tokens "$tokens" --keep-alive false "$@"; }
  llama_client --clients "$parallel" --reps 2 >/dev/null
  [ "$parts" = grammar ] && llama_client --schema "$schema" --ignore-eos false --clients 1 --reps 3 >/dev/null
fi

# --- measured rounds: the parts take turns, so that drift in this shared VM's speed hits them all alike --------------
grammar_round() {
  step "round $1/$rounds: grammar part, free then under the schema, OpenMaaS then llama-server, 1 stream ($reps reps each)"
  client --endpoint chat --clients 1 --reps "$reps" | tee -a "$tmp/gfree.jsonl" >&2
  client --endpoint chat --schema "$schema" --ignore-eos false --clients 1 --reps "$reps" | tee -a "$tmp/gschema.jsonl" >&2
  if [ -n "$llama_url" ]; then
    llama_client --clients 1 --reps "$reps" | tee -a "$tmp/lgfree.jsonl" >&2
    llama_client --schema "$schema" --ignore-eos false --clients 1 --reps "$reps" | tee -a "$tmp/lgschema.jsonl" >&2
  fi
}
for round in $(seq "$rounds"); do
  wait_quiet
  if [ "$parts" = grammar ]; then grammar_round "$round"; continue; fi
  step "round $round/$rounds: node-llama-cpp ($reps runs)"
  timeout 120 node "$tmp/peer/llamacpp-bench.mjs" "$model_file" "$reps" "$tokens" "$threads" "$ctx" | tee -a "$tmp/peer.txt" >&2
  if [ -n "$raw_dll" ]; then
    step "round $round/$rounds: raw LLamaSharp loop and the scheduler without HTTP (1 and $parallel sequences each)"
    timeout 120 dotnet "$raw_dll" raw 1 "$parallel" --model "$model_file" --tokens "$tokens" --runs "$reps" | tee -a "$tmp/raw.jsonl" >&2
    timeout 120 dotnet "$raw_dll" model 1 "$parallel" --model "$model_file" --tokens "$tokens" --runs "$reps" | tee -a "$tmp/sched.jsonl" >&2 \
      || step "scheduler-without-HTTP run failed (a diagnostic only; ignored)"
  fi
  step "round $round/$rounds: OpenMaaS HTTP/SSE, 1 client then $parallel concurrent clients ($reps reps each)"
  client --clients 1 --reps "$reps" | tee -a "$tmp/http1.jsonl" >&2
  client --clients "$parallel" --reps "$reps" | tee -a "$tmp/http8.jsonl" >&2
  step "round $round/$rounds: OpenMaaS /v1/chat/completions vs /v1/responses, 1 client ($reps reps each)"
  client --endpoint chat --clients 1 --reps "$reps" | tee -a "$tmp/chat1.jsonl" >&2
  client --endpoint responses --clients 1 --reps "$reps" | tee -a "$tmp/responses1.jsonl" >&2
  if [ -n "$llama_url" ]; then
    step "round $round/$rounds: llama-server HTTP/SSE, 1 client then $parallel concurrent clients ($reps reps each)"
    llama_client --clients 1 --reps "$reps" | tee -a "$tmp/llama1.jsonl" >&2
    llama_client --clients "$parallel" --reps "$reps" | tee -a "$tmp/llama8.jsonl" >&2
  fi
done
rss_after="$(rss_kib VmRSS)" rss_peak="$(rss_kib VmHWM)"

if [ "$parts" = grammar ]; then
  node "$here/summarize-grammar.mjs" --dir "$tmp" --rounds "$rounds" --reps "$reps" --tokens "$tokens" --schema "$schema"
  exit 0
fi
node "$here/summarize.mjs" --dir "$tmp" --rss "$rss_idle,$rss_loaded,$rss_after,$rss_peak" \
  --rounds "$rounds" --reps "$reps" --tokens "$tokens" --threads "$threads" --clients "$parallel"

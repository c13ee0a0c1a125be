#!/usr/bin/env bash
# LLM serving benchmark, stories260K: OpenMaaS over HTTP/SSE (1 and 8 concurrent streams) vs node-llama-cpp 3.21.1 vs
# the raw in-process LLamaSharp decode loop, all greedy, 200 tokens, prompt "Once upon a time", 1 llama.cpp thread.
#
#   bench/llm/run.sh                      # prints a JSON summary and a markdown table; REPS=5 by default
#
# Needs: the .NET 10 SDK, Node.js 20+, npm (first run only: installs node-llama-cpp into bench/llm/peer/node_modules),
# and the test assets in ${OPENMAAS_SHARED:-../shared} (models/stories260K.gguf, peers/llamacpp-bench.mjs).
# The parts run one after another (never two at once), so each gets the machine's 2 cores to itself.
# Everything it starts is stopped on exit; it writes only to a temp folder (and the build outputs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
model_file="$shared/models/stories260K.gguf"
peer_src="$shared/peers/llamacpp-bench.mjs"
reps="${REPS:-5}" tokens=200 threads=1 parallel=8 ctx=256 model_id=karpathy/stories260K
prompt='Once upon a time'
for f in "$model_file" "$peer_src"; do [ -f "$f" ] || { echo "run.sh: missing $f (set OPENMAAS_SHARED)" >&2; exit 1; }; done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/openmaas-bench.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
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
step "node-llama-cpp: $reps runs"
timeout 300 node "$tmp/peer/llamacpp-bench.mjs" "$model_file" "$reps" "$tokens" "$threads" "$ctx" | tee "$tmp/peer.txt" >&2

# --- raw in-process LLamaSharp decode loop (the engine branch's console app) -----------------------------------------
if [ -f "$raw_proj" ]; then
  step "raw LLamaSharp loop"
  raw_dll="$(find bench/OpenMaas.Bench.RawLoop/bin/Release -name OpenMaas.Bench.RawLoop.dll -print -quit)"
  timeout 300 dotnet "$raw_dll" "$model_file" --runs "$reps" --tokens "$tokens" --threads "$threads" --ctx "$ctx" --json "$tmp/raw.json" >&2
else
  step "raw loop: $raw_proj not found (merge the engine branch); skipped"
fi

# --- OpenMaaS server -------------------------------------------------------------------------------------------------
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"
data="$tmp/data"
dotnet "$server_dll" model add "$model_file" --id "$model_id" --link --data "$data" >/dev/null
step "OpenMaaS serve on $url (Threads=$threads, ParallelSequences=$parallel, ContextSize=$ctx)"
dotnet "$server_dll" serve --urls "$url" --data "$data" --Inference:Threads="$threads" \
  --Inference:ParallelSequences="$parallel" --Inference:ContextSize="$ctx" --Logging:LogLevel:Default=Warning \
  >"$tmp/server.log" 2>&1 &
server_pid=$!
for i in $(seq 150); do
  curl -fsS "$url/v1/models" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "run.sh: server exited" >&2; exit 1; }
  [ "$i" = 150 ] && { echo "run.sh: server not up after 30 s" >&2; exit 1; }
  sleep 0.2
done
rss_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
rss_idle="$(rss_kib VmRSS)"

client() { timeout 300 node "$here/sse-client.mjs" --url "$url" --model "$model_id" --tokens "$tokens" --prompt "$prompt" "$@"; }
step "warm-up (loads the model, JITs the paths)"
client --clients 1 --reps 3 >/dev/null
client --clients "$parallel" --reps 2 >/dev/null
rss_loaded="$(rss_kib VmRSS)"

step "HTTP streaming, 1 client, $reps reps"
client --clients 1 --reps "$reps" | tee "$tmp/http1.json" >&2
step "HTTP streaming, $parallel concurrent clients, $reps reps"
client --clients "$parallel" --reps "$reps" | tee "$tmp/http8.json" >&2
rss_after="$(rss_kib VmRSS)" rss_peak="$(rss_kib VmHWM)"

node "$here/summarize.mjs" --peer "$tmp/peer.txt" --raw "$tmp/raw.json" --http1 "$tmp/http1.json" --http8 "$tmp/http8.json" \
  --rss "$rss_idle,$rss_loaded,$rss_after,$rss_peak" --reps "$reps" --tokens "$tokens" --threads "$threads" --clients "$parallel"

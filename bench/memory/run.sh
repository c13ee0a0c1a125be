#!/usr/bin/env bash
# Memory benchmark: the server's resident memory (VmRSS) at each stage, with stories260K loaded as bench/llm loads it,
# and what it is made of; then 2,000 streams dropped after their first chunk.
#
#   bench/memory/run.sh                  # WARMUP=full (as bench/llm: ~3,700 short streams), DROP=2000, CONCURRENCY=16
#   WARMUP=short DROP=200 bench/memory/run.sh   # smoke check
#   bench/memory/knobs.sh                        # the .NET runtime's memory knobs, one server each (WARMUP=probe)
#   SERVER_DLL=/tmp/before/openmaas.dll bench/memory/run.sh   # another build (no build step)
#   PROFILE=1 WARMUP=probe DROP_ROUNDS=0 bench/memory/run.sh  # + at "model loaded": the runtime's counters (GC heap,
#                                        # committed, JIT'd methods: dotnet-counters) and the heap by type (dotnet-gcdump,
#                                        # which collects first: the later stages are then not comparable)
#   DOTNET_gcServer=0 bench/memory/run.sh        # runtime knobs pass through to the server (see bench/README.md)
#
# Stages (VmRSS from /proc/PID/status, in MiB):
#   bare            the server up, /v1/models answered, no model loaded;
#   model loaded    after bench/llm's warm-up (the figure bench/llm reports as "model loaded": stories260K, 1 thread,
#                   8 sequences x 256 cells), with /proc/PID/smaps_rollup and the largest mappings by RSS;
#   after drops     after each of DROP_ROUNDS=2 rounds of DROP streamed completions (200 tokens asked) were each dropped after their first chunk,
#                   CONCURRENCY at a time (bench/memory/drop-streams.mjs); then the sequences-active gauge must reach 0
#                   and a next call must be served (else the script fails);
#   embeddings      after one /v1/embeddings call to the built-in MiniLM (ONNX Runtime loaded on first use).
# Needs: the .NET 10 SDK, Node.js 20+, the assets in ${OPENMAAS_SHARED:-../shared}. Writes only to a temp folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
model_file="$shared/models/stories260K.gguf" model_id=karpathy/stories260K
warmup="${WARMUP:-full}" drop="${DROP:-2000}" concurrency="${CONCURRENCY:-16}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/openmaas-membench.XXXXXX")"
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

if [ "${BUILD:-1}" = 1 ] && [ -z "${SERVER_DLL:-}" ]; then
  step "build (Release)"
  dotnet build src/OpenMaas.Server/OpenMaas.Server.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
# SERVER_DLL: another build's openmaas.dll (e.g. a copy of main's bin folder) for a before/after comparison.
server_dll="${SERVER_DLL:-src/OpenMaas.Server/bin/Release/net10.0/linux-x64/openmaas.dll}"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port" data="$tmp/data"
dotnet "$server_dll" model add "$model_file" --id "$model_id" --link --data "$data" >/dev/null
dotnet "$server_dll" user add bench --data "$data" >/dev/null 2>&1
token="$(dotnet "$server_dll" token create --user bench --description mem-bench --data "$data" 2>/dev/null)"
dotnet "$server_dll" quota set --daily 1000000000 --user bench --data "$data" >/dev/null 2>&1
OPENMAAS_Inference__Threads=1 OPENMAAS_Inference__ParallelSequences=8 OPENMAAS_Inference__ContextSize=256 \
  OPENMAAS_Logging__LogLevel__Default=Warning dotnet "$server_dll" serve --urls "$url" --data "$data" >"$tmp/server.log" 2>&1 &
server_pid=$!
for i in $(seq 300); do
  curl -fsS -H "authorization: Bearer $token" "$url/v1/models" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "run.sh: server exited" >&2; exit 1; }
  [ "$i" = 300 ] && { echo "run.sh: server not up after 60 s" >&2; exit 1; }
  sleep 0.2
done
mib() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"; }
libs() { # the optional parts this process has loaded (native libraries and client assemblies), one line
  awk '$6 ~ /\.(so|dll)/ { n = split($6, p, "/"); print p[n] }' "/proc/$server_pid/maps" | sort -u |
    grep -iE 'onnx|llama|ggml|mtmd|e_sqlite|Npgsql|StackExchange|OpenIdConnect|IdentityModel|SkiaSharp|Tokenizers|NAudio' | tr '\n' ' '; true
}
breakdown() { # smaps_rollup, then RSS by mapping (file or [anon]) above 1 MiB
  awk '/^(Rss|Anonymous|Pss_Anon|Pss_File|Shared_Clean|Private_Clean|Private_Dirty):/ { printf "  %s %.1f MiB\n", $1, $2 / 1024 }' "/proc/$server_pid/smaps_rollup"
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6 ? $6 : "[anon]") } $1 == "Rss:" { rss[name] += $2 }
       END { for (n in rss) if (rss[n] >= 1024) printf "  %8.1f MiB  %s\n", rss[n] / 1024, n }' "/proc/$server_pid/smaps" | sort -rn | head -25
}
client() { timeout 600 node "$root/bench/llm/sse-client.mjs" --url "$url" --token "$token" --model "$model_id" "$@"; }
active() { curl -fsS "$url/metrics" | awk '/^openmaas_model_sequences_active[{ ]/ { s += $NF } END { print s + 0 }'; }

rss_bare="$(mib VmRSS)"
step "bare: $rss_bare MiB; optional parts loaded: $(libs)"
[ -n "${VERBOSE:-}" ] && breakdown >&2

if [ "$warmup" = short ]; then
  step "warm-up (short)"
  client --clients 4 --reps 5 --tokens 8 >/dev/null
elif [ "$warmup" = probe ]; then
  step "warm-up (probe: 400 short streams and 24 full ones)"
  client --clients 4 --reps 100 --tokens 8 >/dev/null
  client --clients 8 --reps 3 --tokens 200 >/dev/null
  sleep 2
else
  step "warm-up as bench/llm (loads the model; ~3,700 streams)"
  client --clients 4 --reps 750 --tokens 8 >/dev/null
  client --clients 1 --reps 20 --tokens 200 >/dev/null
  client --clients 8 --reps 5 --tokens 200 >/dev/null
  client --endpoint chat --clients 4 --reps 300 --tokens 8 >/dev/null
  client --endpoint responses --clients 4 --reps 300 --tokens 8 >/dev/null
fi
rss_loaded="$(mib VmRSS)"
step "model loaded: $rss_loaded MiB; optional parts loaded: $(libs)"
breakdown >&2
if [ -n "${PROFILE:-}" ]; then # dotnet-counters and dotnet-gcdump 10.0.750501 (dotnet tool install -g)
  step "runtime counters (dotnet-counters, 3 s)"
  dotnet-counters collect -p "$server_pid" --duration 00:00:00:03 --format csv -o "$tmp/counters.csv" \
    --counters 'System.Runtime[dotnet.gc.last_collection.heap.size,dotnet.gc.last_collection.memory.committed_size,dotnet.jit.compiled_methods,dotnet.jit.compiled_il.size,dotnet.assembly.count,dotnet.process.memory.working_set]' >/dev/null 2>&1 || true
  awk -F, 'NR > 1 { last[$3 "," $4] = $NF } END { for (k in last) printf "  %-75s %.1f\n", k, last[k] / (last[k] > 100000 ? 1048576 : 1) }' "$tmp/counters.csv" 2>/dev/null | sort >&2 || true
  step "managed heap by type (dotnet-gcdump report; MiB where > 100,000)"
  dotnet-gcdump report -p "$server_pid" 2>/dev/null | head -22 >&2 || true
fi

# Two rounds: growth that repeats round after round is retained per stream (a leak); growth in the first round only is
# one-time (code compiled for the cancellation paths, the GC heap sized to the load).
drop_rows=""
for round in $(seq "${DROP_ROUNDS:-2}"); do
  step "round $round: drop $drop streams after their first chunk, $concurrency at a time"
  drops="$(timeout 1200 node "$here/drop-streams.mjs" --url "$url" --token "$token" --model "$model_id" --count "$drop" --concurrency "$concurrency")"
  echo "$drops" >&2
  for i in $(seq 300); do [ "$(active)" = 0 ] && break; [ "$i" = 300 ] && { echo "run.sh: sequences still active 60 s after the drops" >&2; exit 1; }; sleep 0.2; done
  client --clients 8 --reps 1 --tokens 20 >/dev/null || { echo "run.sh: the call after the drops was not served" >&2; exit 1; }
  rss_drops="$(mib VmRSS)"
  growth="$(awk -v a="$rss_loaded" -v b="$rss_drops" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }')"
  step "after round $round: $rss_drops MiB ($growth against model loaded; sequences active: 0; the next 8 calls served)"
  drop_rows="$drop_rows| after round $round of $drop streams dropped after their first chunk ($concurrency at a time) | $rss_drops ($growth) |
"
done
breakdown >&2

[ "${EMBEDDINGS:-1}" = 1 ] && curl -fsS -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"model":"sentence-transformers/all-MiniLM-L6-v2","input":"The quick brown fox."}' "$url/v1/embeddings"
rss_emb="$(mib VmRSS)"
step "after one embeddings call: $rss_emb MiB; optional parts loaded: $(libs)"
hwm="$(mib VmHWM)"
echo "| stage | VmRSS (MiB) |"
echo "|---|---:|"
echo "| bare (no model loaded) | $rss_bare |"
echo "| stories260K loaded, after bench/llm's warm-up (WARMUP=$warmup) | $rss_loaded |"
printf '%s' "$drop_rows"
echo "| after one /v1/embeddings call (MiniLM loaded) | $rss_emb |"
echo "| peak (VmHWM) | $hwm |"

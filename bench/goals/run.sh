#!/usr/bin/env bash
# Issue 20's goal table in one run: every benchmark behind a row of the table, one after another on the same build,
# each with its own peer in the same run (llama-server, YARP, Portkey, the MiniLM package's encoder), logs kept.
#
#   bench/goals/run.sh                 # ~25 minutes on the 2-core VM; OUT=/tmp/openmaas-goals-<time> by default
#   SKIP="quota embeddings" bench/goals/run.sh   # leave parts out (llm gateway quota embeddings memory)
#
# Each part's own knobs pass through (ROUNDS, REPS, DURATION, …) but the defaults here are the shorter ones the table
# was filled with. Prints each part's summary; the whole output of each is in $OUT/<part>.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${OUT:-/tmp/openmaas-goals-$(date -u +%Y%m%dT%H%M%SZ)}"
skip=" ${SKIP:-} "
mkdir -p "$out"
echo "bench/goals: commit $(git -C "$root" rev-parse --short HEAD), logs in $out, started $(date -u +%FT%TZ)"
uptime

part() {
  local name="$1"; shift
  if [[ "$skip" == *" $name "* ]]; then echo "== $name: skipped"; return; fi
  echo "== $name: $* ($(date -u +%T))"
  if ! (cd "$root" && env "$@") >"$out/$name.log" 2>&1; then
    echo "bench/goals: $name failed, see $out/$name.log" >&2
    tail -20 "$out/$name.log" >&2
    return 1
  fi
  # The summary is the end of each script's output.
  tail -n "${TAIL:-60}" "$out/$name.log"
}

# TTFT, 1-stream decode and 8-stream aggregate vs llama-server (same settings).
part llm ROUNDS="${LLM_ROUNDS:-3}" REPS="${LLM_REPS:-3}" bench/llm/run.sh
# Gateway RPS vs YARP and Portkey, added latency at 1 connection, llama-server through OpenMaaS vs direct.
part gateway PARTS="1 2" WARMUP="${GW_WARMUP:-15}" DURATION="${GW_DURATION:-10}" DURATION1="${GW_DURATION1:-8}" ROUNDS=3 REPS=3 bench/gateway/run.sh
# Quota path throughput cost at 32 connections, SQLite and PostgreSQL + Redis.
part quota ROUNDS="${QUOTA_ROUNDS:-2}" DURATION="${QUOTA_DURATION:-8s}" LIMITS=0 bench/quota/run.sh
# /v1/embeddings vs the MiniLM package's encoder.
part embeddings bench/embeddings/run.sh
# RSS with stories260K loaded, and after 2,000 dropped streams.
part memory bench/memory/run.sh
echo "bench/goals: done $(date -u +%FT%TZ)"

#!/usr/bin/env bash
# Web console and library API latency with a large catalog: seeds MODELS models (10,000) into a fresh in-process
# server, warms every scenario up (30 requests each), then sends REQUESTS rounds (300) of one request per scenario,
# one at a time, and prints server time (first middleware to end of response) p50/p99 per scenario as a table:
# /models first page, a search, a task filter, the API-Inference filter, /api/v1/models with the same queries, a model page.
#
#   bench/console/run.sh                          # the full run (numbers for bench/README.md; run it on a quiet machine)
#   MODELS=1000 REQUESTS=20 bench/console/run.sh  # a smoke run (well under a minute; numbers not meaningful)
#
# Needs the .NET 10 SDK. It writes only to a temp data folder (deleted at the end) and the build outputs; the server
# listens on a free loopback port.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
models="${MODELS:-10000}" requests="${REQUESTS:-300}"
project="$root/bench/OpenMaas.Bench.Console/OpenMaas.Bench.Console.csproj"

if ! out="$(dotnet build "$project" -c Release --nologo -v quiet 2>&1)"; then echo "$out" >&2; exit 1; fi
echo "bench/console: $models models, $requests rounds, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
dotnet run --project "$project" -c Release --no-build -- "$models" "$requests"

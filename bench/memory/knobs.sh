#!/usr/bin/env bash
# The .NET runtime's memory knobs, measured: one server per setting (bench/memory/run.sh with WARMUP=probe: stories260K
# loaded by 400 short streams and 24 full ones), no drops, no embeddings call; prints each setting's table rows.
#   bench/memory/knobs.sh        # after a Release build (run.sh builds it; BUILD=0 here)
# One sample per setting: identical runs differed by about 5 MiB on the 2-core VM, so read only larger differences.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for v in "default" "DOTNET_gcServer=0" "DOTNET_gcServer=0 DOTNET_gcConcurrent=0" "DOTNET_gcConcurrent=0" \
         "DOTNET_TieredPGO=0" "DOTNET_TieredCompilation=0" "DOTNET_GCgen0size=400000" "DOTNET_GCgen0MaxBudget=600000" \
         "DOTNET_gcServer=0 DOTNET_GCgen0MaxBudget=600000" "DOTNET_gcServer=0 DOTNET_TieredPGO=0" "DOTNET_EnableWriteXorExecute=0"; do
  settings=()
  [ "$v" = default ] || read -ra settings <<<"$v"
  echo "== $v" >&2
  env "${settings[@]}" BUILD=0 WARMUP=probe DROP_ROUNDS=0 EMBEDDINGS=0 "$here/run.sh" 2>/dev/null |
    awk -v v="$v" -F'|' '/bare|stories260K loaded/ { printf "| %s |%s|%s|\n", v, $2, $3 }'
done

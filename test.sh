#!/usr/bin/env bash
# The test command: builds everything with warnings as errors and runs every test.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test OpenMaas.slnx -c Release

#!/usr/bin/env bash
# The runtime tuning the service runs with - deploy/camstudio.service's DOTNET_gc*, DOTNET_GC* and MALLOC_*
# Environment= lines - so everything that runs CamStudio "as the service does" reads that one place:
#   eval "$(bash scripts/service-env.sh)"    # shell exports that keep any value already set (run.sh, footprint.sh)
#   bash scripts/service-env.sh --plain      # KEY=VALUE lines (bench/lib/camstudio.mjs, for the CamStudio child only)
set -euo pipefail
unit="$(dirname "$0")/../deploy/camstudio.service"
if [[ "${1:-}" == --plain ]]; then
  sed -n 's/^Environment=\(\(DOTNET_[gG][cC][A-Za-z0-9]*\|MALLOC_[A-Z_]*\)=[^ ]*\)$/\1/p' "$unit"
else
  sed -n 's/^Environment=\(DOTNET_[gG][cC][A-Za-z0-9]*\|MALLOC_[A-Z_]*\)=\([^ ]*\)$/export \1="${\1:-\2}"/p' "$unit"
fi

#!/usr/bin/env bash
# THE app command (README): installs what the app needs (FFmpeg) and runs CamStudio.
#   scripts/run.sh                                   # http://0.0.0.0:5080, data in ./data
#   CAMSTUDIO_URLS=http://127.0.0.1:8080 scripts/run.sh
#   CAMSTUDIO_DATA=/var/lib/camstudio scripts/run.sh
# Extra arguments go to the app (e.g. --Logging:LogLevel:Default=Debug).
set -euo pipefail
cd "$(dirname "$0")/.."
urls="${CAMSTUDIO_URLS:-http://0.0.0.0:5080}"
export CAMSTUDIO_DATA="${CAMSTUDIO_DATA:-$PWD/data}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The GC and malloc tuning the service uses (deploy/camstudio.service says why).
eval "$(bash scripts/service-env.sh)"

bash scripts/install-deps.sh app
mkdir -p "$CAMSTUDIO_DATA"

echo "CamStudio: building, then serving on ${urls} (data in ${CAMSTUDIO_DATA})" >&2
for url in ${urls//;/ }; do
  # 0.0.0.0 means "every interface"; show an address a browser on this machine can open.
  echo "Open ${url/0.0.0.0/localhost}" >&2
done
# --no-launch-profile: launchSettings.json would switch to Development and override the URL.
exec dotnet run --project CamStudio.Web -c Release --no-launch-profile -- --urls "$urls" "$@"

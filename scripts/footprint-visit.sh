#!/usr/bin/env bash
# The first browser visit after the start-up memory release, per Memory:ImagePagesWhenIdle mode (issue 16,
# docs/benchmarks/footprint.md "Issue 16: unmapped but cached"):
#   CAMSTUDIO_FOOTPRINT_APP=artifacts/publish/linux-x64 scripts/footprint-visit.sh [--rounds 4] [--modes "Keep Unmap Evict"]
# Per round and mode (interleaved), a fresh process of the publish with the service's environment, SQLite: wait for
# /health/live, GET / and /health/ready, warm Chromium itself, wait until 25 s after start (the start-up release runs at
# 15 s), read VmRSS, time `chromium --headless --dump-dom` of the sign-in page (Blazor's circuit included) and count the
# app's major page faults meanwhile (pages read back from disk), read VmRSS 5 s later.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=4
modes="Keep Unmap Evict"
while (( $# > 0 )); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--modes \"Keep Unmap Evict\"]" >&2; exit 2 ;;
  esac
done
app="${CAMSTUDIO_FOOTPRINT_APP:?set CAMSTUDIO_FOOTPRINT_APP to a self-contained publish (scripts/publish.sh linux-x64)}"
app="$(cd "$app" && pwd)"
command -v chromium >/dev/null || { echo "needs Debian's chromium (scripts/install-deps.sh)" >&2; exit 2; }
eval "$(bash scripts/service-env.sh)"
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
browser() { chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --dump-dom "$1" >/dev/null 2>&1 || true; }
rss() { awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }
majflt() { awk '{print $12}' "/proc/$pid/stat"; }

run() { # $1 = mode
  env CAMSTUDIO_DATA="$data" WebRtc__UdpPort=0 WebRtc__BindAddress=127.0.0.1 Memory__ImagePagesWhenIdle="$1" \
    "$app/CamStudio.Web" --urls "$base" --contentRoot "$app" >"$data/app.log" 2>&1 &
  pid=$!
  local start; start=$(date +%s%N)
  for _ in $(seq 1 600); do curl -fs -o /dev/null "$base/health/live" && break; sleep 0.1; done
  curl -fsL -o /dev/null "$base/"; curl -s -o /dev/null "$base/health/ready"
  browser about:blank
  while (( ($(date +%s%N) - start) / 1000000 < 25000 )); do sleep 0.2; done
  local before f0 t0 t1 f1
  before=$(rss); f0=$(majflt); t0=$(date +%s%N)
  browser "$base/"
  t1=$(date +%s%N); f1=$(majflt)
  sleep 5
  echo "| $1 | $before | $(( (t1 - t0) / 1000000 )) | $((f1 - f0)) | $(rss) | $(cut -d' ' -f1 /proc/loadavg) |"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

echo "CamStudio first visit after the start-up release: $app ($(git rev-parse --short HEAD 2>/dev/null || echo '?')), $(nproc) cores, $(date -u +%FT%TZ)"
run Keep >/dev/null # creates and migrates the database: every measured run is a restart
echo "| mode | VmRSS before MiB | visit ms | app's major faults | VmRSS 5 s after | 1-min load |"
echo "|---|---:|---:|---:|---:|---:|"
for _ in $(seq 1 "$rounds"); do
  for mode in $modes; do run "$mode"; done
done
